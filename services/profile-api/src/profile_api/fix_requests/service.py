"""Asking a person to fix what a rule found in their record: judged now (the quality feature's report, which also
decides who may see the record), idempotent per open (record, rule), audited, due as a self-update."""

from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from hoso_shared.auth import Principal
from hoso_shared.db.models import FixRequest
from hoso_shared.deadlines import DeadlinePolicy
from hoso_shared.time import Calendar
from hoso_shared.validation import RULES, duties
from profile_api.audit import service as audit
from profile_api.fix_requests import queries
from profile_api.fix_requests.errors import NotThePersonsToFix, RuleNotFailing, UnknownRule
from profile_api.fix_requests.schemas import FixRequestCreate, FixRequestRead
from profile_api.quality import service as quality
from profile_api.quality.scoring import Basis

ASKED = {"error", "warning"}  # an info finding is advice, not something to fix


def read(request: FixRequest) -> FixRequestRead:
    return FixRequestRead(id=request.id, profile_id=request.profile_id, rule_code=request.rule_code,
                          message=request.message, due_on=request.due_on, requested_at=request.requested_at,
                          open=request.closed_at is None)


async def failing_message(session: AsyncSession, principal: Principal, profile_id: uuid.UUID, rule_code: str,
                          basis: Basis) -> str:
    """What `rule_code` finds in the record now, in Vietnamese. The record is read scoped to the caller's subtree
    (404 profile-not-found outside it, before anything about it is said)."""
    report = await quality.get_profile_quality(session, principal, profile_id, basis)
    messages = [f.message_vi for f in report.findings if f.code == rule_code and f.severity in ASKED]
    if not messages:
        raise RuleNotFailing(f"Hồ sơ hiện không vi phạm quy tắc {rule_code}.")
    return "; ".join(dict.fromkeys(messages))


async def ask_to_fix(session: AsyncSession, principal: Principal, body: FixRequestCreate, *, basis: Basis,
                     policy: DeadlinePolicy, days: Calendar, today: date) -> tuple[FixRequestRead, bool]:
    """(the open request, whether this call created it). Asking again while one is open returns that one."""
    if body.rule_code not in RULES:
        raise UnknownRule(f"Không có quy tắc mã {body.rule_code}.")
    if not duties.persons_to_fix(body.rule_code):
        raise NotThePersonsToFix(f"Quy tắc {body.rule_code} do {duties.OTHERS_DUTY[body.rule_code]} xử lý.",
                                 acts=duties.OTHERS_DUTY[body.rule_code])
    message = await failing_message(session, principal, body.profile_id, body.rule_code, basis)
    existing = await queries.open_request(session, body.profile_id, body.rule_code)
    if existing is not None:
        return read(existing), False
    created = await queries.insert_open(session, profile_id=body.profile_id, rule_code=body.rule_code,
                                        message=message, requested_by=principal.subject,
                                        due_on=policy.self_update_due(today, days))
    if created is None:  # a concurrent ask created it between our read and insert
        raced = await queries.open_request(session, body.profile_id, body.rule_code)
        if raced is None:
            raise RuleNotFailing("Đề nghị vừa được tạo rồi đóng; hãy thử lại.")
        return read(raced), False
    await audit.record(session, principal, "ask_to_fix", "profile", body.profile_id,
                       after={"fix_request_id": str(created.id), "rule_code": created.rule_code,
                              "due_on": created.due_on.isoformat()})
    return read(created), True
