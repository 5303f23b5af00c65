"""Change requests: taking them from profile-api, moving them through the workflow (who, when, with
what evidence), applying approved ones, listing them and summarising the backlog."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

import structlog
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from approval_api.applying.apply import apply_approved
from approval_api.applying.client import ProfileClient, Refused
from approval_api.change_requests import queries, withheld
from approval_api.change_requests.errors import (
    ChangeRequestIdReused,
    ChangeRequestNotFound,
    CommentRequired,
    EvidenceRequired,
    OccurredInFuture,
    OwnRequest,
    RoleNotAllowed,
    RuleErrorsBlockApproval,
    StaleRequest,
    TransitionNotAllowed,
    WindowClosed,
)
from approval_api.change_requests.schemas import (
    Backlog,
    BacklogRow,
    ChangeRequestDetail,
    ChangeRequestPage,
    ChangeRequestRead,
    DecisionRead,
    ForwardedChange,
    NationalRejection,
)
from approval_api.change_requests.workflow import DECISIONS, Action, Caller, Refusal, refusal, target
from approval_api.metrics import ApprovalMetrics
from approval_api.windows.service import window_open
from hoso_shared import cursors
from hoso_shared import findings as kept_findings
from hoso_shared.auth import Principal
from hoso_shared.auth.scopes import scopes_for_roles
from hoso_shared.db.calendar import load_calendar
from hoso_shared.db.engine import SessionMaker, session_scope
from hoso_shared.db.models import Account, ChangeRequest
from hoso_shared.db.models.change_requests import outline
from hoso_shared.deadlines import DeadlinePolicy
from hoso_shared.problems import Forbidden, Problem
from hoso_shared.time import local_day
from hoso_shared.validation.rules import evidence

log = structlog.get_logger()

DECIDE, READ, WRITE, RETURN = ("change-requests:decide", "change-requests:read", "change-requests:write",
                               "change-requests:return")
REFUSALS: dict[Refusal, type[Problem]] = {
    Refusal.NOT_VISIBLE: ChangeRequestNotFound, Refusal.WRONG_ROLE: RoleNotAllowed, Refusal.OWN_REQUEST: OwnRequest,
    Refusal.STATE: TransitionNotAllowed, Refusal.COMMENT: CommentRequired, Refusal.EVIDENCE: EvidenceRequired,
}


@dataclass(frozen=True)
class Workflow:
    """What the workflow needs from the running service (one per app, in its collaborators)."""

    sessionmaker: SessionMaker
    policy: DeadlinePolicy
    profiles: ProfileClient
    metrics: ApprovalMetrics


def _evidence_missing(payload: dict[str, Any], attachment_ids: list[Any], policy: DeadlinePolicy) -> list[str]:
    """The changed fields that need a document (by the policy), when none is attached; else empty."""
    return [] if attachment_ids else evidence.evidence_fields(evidence.changed_names(payload), policy)


def _evidence_required(missing: list[str], policy: DeadlinePolicy) -> EvidenceRequired:
    return EvidenceRequired(
        "Thay đổi cần kèm bản số hóa của tài liệu đã được cấp có thẩm quyền xác nhận (tải lên trước, rồi gửi mã "
        "của tệp). Attach the digitised document that proves this change.", rule=evidence.RULE, fields=missing,
        policy=policy.name)


async def _lateness(session: AsyncSession, policy: DeadlinePolicy, occurred: date | None,
                    now: datetime) -> int | None:
    """Working days a submission at `now` is past the self-update deadline of `occurred` (None: on time)."""
    if occurred is None:
        return None
    return policy.self_update_late_by(occurred, local_day(now), await load_calendar(session))


async def accept_forwarded(session: AsyncSession, change: ForwardedChange, now: datetime,
                           policy: DeadlinePolicy) -> tuple[ChangeRequestRead, bool]:
    """Stores the change once; a retry with the same id and content returns the stored one. A change
    that needs evidence (by the policy) is not taken for submission without it; one submitted late is
    taken and flagged with its working days late."""
    if change.occurred_on > local_day(now):
        raise OccurredInFuture(f"Ngày có thông tin thay đổi ({change.occurred_on:%d/%m/%Y}) không thể sau ngày hôm "
                               f"nay ({local_day(now):%d/%m/%Y}). The day the information changed is after today.")
    missing = _evidence_missing(change.payload, change.attachment_ids, policy)
    if change.submit and missing:
        raise _evidence_required(missing, policy)
    values = {**change.model_dump(exclude={"submit", "attachment_ids", "findings"}),
              "attachment_ids": [str(a) for a in change.attachment_ids], "outline": outline(change.payload),
              "findings": None if change.findings is None else kept_findings.keep(
                  f.model_dump() for f in change.findings),
              "state": "submitted" if change.submit else "draft", "submitted_at": now if change.submit else None,
              "late_working_days": await _lateness(session, policy, change.occurred_on, now) if change.submit
              else None}
    created = await queries.insert_once(session, values)
    found = await queries.by_id(session, change.id)
    assert found is not None
    stored = found[0]
    if not created and (stored.profile_id, stored.payload) != (change.profile_id, change.payload):
        raise ChangeRequestIdReused()
    if created:
        queries.add_decision(session, stored.id, "create", "none", stored.state, actor_id=change.requested_by,
                             actor_name=await _name(session, change.requested_by))
    return ChangeRequestRead.model_validate(stored), created


async def _name(session: AsyncSession, account_id: uuid.UUID) -> str:
    name = (await session.execute(select(Account.username).where(Account.id == account_id))).scalar_one_or_none()
    return name or str(account_id)


def _may_see(principal: Principal, request: ChangeRequest, path: str) -> bool:
    return (request.requested_by == principal.subject or principal.profile_id == request.profile_id
            or (principal.covers(path) and (principal.has_scopes(READ) or principal.has_scopes(DECIDE))))


async def get_detail(session: AsyncSession, principal: Principal, change_request_id: uuid.UUID,
                     now: datetime) -> ChangeRequestDetail:
    """Its requester, its subject, readers of its subtree, and whoever may decide it under a delegation."""
    found = await queries.by_id(session, change_request_id)
    if found is None:
        raise ChangeRequestNotFound()
    delegator = lent_for(await queries.delegators_for(session, principal.subject, local_day(now)), *found)
    if not (_may_see(principal, *found) or delegator):
        raise ChangeRequestNotFound()
    trail = [DecisionRead.model_validate(d) for d in await queries.decisions(session, change_request_id)]
    level = withheld.reading_level(principal, [] if delegator is None else [delegator])
    shown = withheld.shown(ChangeRequestRead.model_validate(found[0]), principal, level)
    return ChangeRequestDetail(**shown.model_dump(), decisions=trail)


async def _delegator(session: AsyncSession, principal: Principal, request: ChangeRequest, path: str,
                     now: datetime) -> Account | None:
    """The person the caller decides for today (ủy quyền): they could decide this request themselves."""
    return lent_for(await queries.delegators_for(session, principal.subject, local_day(now)), request, path)


def lent_for(lent: list[tuple[Account, str]], request: ChangeRequest, path: str) -> Account | None:
    """Of the caller's delegators today (with their units' paths), one who could decide `request` themselves."""
    for account, account_path in lent:
        if (path.startswith(account_path) and DECIDE in scopes_for_roles(account.roles)
                and account.id != request.requested_by and account.profile_id != request.profile_id):
            return account
    return None


class Facts:
    """What deciding a request reads besides the request itself: the caller's delegators today, whether a unit's
    approval window is open, a record's current version. Asked on demand for one request (`act`); `bulk` gives
    them preloaded for the whole call, so its statements do not grow with the number of requests."""

    def __init__(self, session: AsyncSession, principal: Principal, policy: DeadlinePolicy, now: datetime) -> None:
        self.session, self.principal, self.policy, self.now = session, principal, policy, now
        self.today = local_day(now)
        self.windows: dict[str, bool] = {}

    async def delegator(self, request: ChangeRequest, path: str) -> Account | None:
        return await _delegator(self.session, self.principal, request, path, self.now)

    async def window_open(self, path: str) -> bool:
        if path not in self.windows:
            self.windows[path] = await window_open(self.session, self.policy, path, self.now)
        return self.windows[path]

    async def version(self, profile_id: uuid.UUID) -> int | None:
        return await queries.profile_version(self.session, profile_id)


async def act(env: Workflow, principal: Principal, change_request_id: uuid.UUID, action: Action, comment: str | None,
              now: datetime, *, override_reason: str | None = None, apply_now: bool = True) -> ChangeRequestRead:
    """One transition in its own transaction; an approval then asks profile-api to apply it. An approval of a
    request whose record would have error findings needs `override_reason` (kept on the decision)."""
    async with session_scope(env.sessionmaker) as session:
        found = await queries.by_id(session, change_request_id, lock=True)
        if found is None:
            raise ChangeRequestNotFound()
        facts = Facts(session, principal, env.policy, now)
        stale = await decide(env, facts, *found, action, comment, override_reason=override_reason)
        read = ChangeRequestRead.model_validate(found[0])
    if stale is not None:
        raise StaleRequest(stale_comment(*stale), base_version=stale[0], current_version=stale[1])
    if action is Action.APPROVE and apply_now:
        return await _apply(env, change_request_id, now, read)
    return read


async def decide(env: Workflow, facts: Facts, request: ChangeRequest, path: str, action: Action, comment: str | None,
                 *, override_reason: str | None = None) -> tuple[int, int | None] | None:
    """Takes `action` on the locked `request` in `facts.session`, or raises why not (having written nothing).
    An approval of a request whose record moved on returns it to its requester instead, and answers
    (base version, current version) for the caller to report once that is committed; otherwise None."""
    principal, now = facts.principal, facts.now
    stale: tuple[int, int | None] | None = None
    overridden: list[str] = []
    covers = principal.covers(path)
    decides = covers and principal.has_scopes(DECIDE)
    # A delegation lends the delegator's power to decide (and so the sight of what it covers).
    delegator = None if decides else await facts.delegator(request, path)
    caller = Caller(is_requester=request.requested_by == principal.subject,
                    is_subject=principal.profile_id == request.profile_id,
                    writes_unit=covers and principal.has_scopes(WRITE), decides_unit=decides or bool(delegator),
                    reads_unit=covers and principal.has_scopes(READ))
    _refuse_unless_allowed(env.policy, request, action, caller, comment)
    if action is Action.SUBMIT:
        request.late_working_days = await _lateness(facts.session, env.policy, request.occurred_on, now)
    if action is Action.APPROVE:
        if not await facts.window_open(path):
            env.metrics.window_breaches.labels("approve").inc()
            raise WindowClosed(policy=env.policy.name)
        current = await facts.version(request.profile_id)
        if current != request.base_version:
            stale = (request.base_version, current)
        else:
            overridden = _overridden(request, override_reason)
    before = request.state
    if stale is not None:
        request.state = "returned"
        queries.add_decision(facts.session, request.id, "return", before, "returned", actor_id=None,
                             actor_name="approval-api", comment=stale_comment(*stale))
    else:
        _move(request, action, principal, delegator, now, env.metrics)
        queries.add_decision(facts.session, request.id, action.value, before, request.state,
                             actor_id=principal.subject, actor_name=principal.username, on_behalf_of=delegator,
                             comment=comment, overridden=overridden or None,
                             override_reason=(override_reason or "").strip() if overridden else None)
    return stale


def _overridden(request: ChangeRequest, reason: str | None) -> list[str]:
    """The error codes an approval of `request` overrides (empty: nothing blocks). Refused without a reason.

    The findings were judged on `request.base_version`, and an approval goes ahead only while the record is
    still at that version (otherwise `act` returns it for rebasing): so they describe exactly the record
    approval would write, and need no judging again here. Facts outside the record (a newer population-DB
    check, a new duplicate) are judged again at the gateway before anything is sent."""
    codes = kept_findings.blocking(request.findings or [])
    if codes and not (reason or "").strip():
        raise RuleErrorsBlockApproval(
            "Hồ sơ sau thay đổi có lỗi Đúng–Đủ–Sạch–Sống (" + ", ".join(codes) + "): trả lại để sửa, hoặc ghi lý do "
            "phê duyệt (override_reason). The resulting record has rule errors: return it, or give override_reason.",
            codes=codes)
    if codes:
        log.info("approval_override", change_request_id=str(request.id), codes=codes)
    return codes


def _refuse_unless_allowed(policy: DeadlinePolicy, request: ChangeRequest, action: Action, caller: Caller,
                           comment: str | None) -> None:
    """Raises the problem for why `caller` may not take `action`; a missing document cites its rule."""
    missing = _evidence_missing(request.payload, request.attachment_ids, policy)
    why = refusal(action, request.state, caller, comment=comment, evidence_missing=bool(missing))
    if why is Refusal.EVIDENCE:
        raise _evidence_required(missing, policy)
    if why is not None:
        raise REFUSALS[why]()


def stale_comment(base: int, current: int | None) -> str:
    return (f"Hồ sơ đã thay đổi (phiên bản {base} → {current}) sau khi yêu cầu được lập; hãy lập lại trên phiên bản "
            f"hiện tại. The record changed (version {base} → {current}); propose again on the current version.")


def _move(request: ChangeRequest, action: Action, principal: Principal, delegator: Account | None, now: datetime,
          metrics: ApprovalMetrics) -> None:
    request.state = target(action)
    if action is Action.SUBMIT:
        request.submitted_at = now
    elif action in DECISIONS:
        request.decided_by, request.decided_at = principal.subject, now
        request.decided_on_behalf_of = delegator.id if delegator else None
        if request.submitted_at is not None:
            metrics.decision_latency.labels(action.value).observe((now - request.submitted_at).total_seconds())


async def _apply(env: Workflow, change_request_id: uuid.UUID, now: datetime, approved: ChangeRequestRead) -> (
        ChangeRequestRead):
    result = await apply_approved(env.sessionmaker, env.profiles, change_request_id, now, env.metrics)
    if isinstance(result, Refused):
        if result.stale:
            raise StaleRequest(str(result.problem.get("detail") or ""), **{
                k: v for k, v in result.problem.items() if k in ("base_version", "current_version")})
        raise TransitionNotAllowed(f"profile-api refused to apply it: {result.problem.get('title', result.status)}",
                                   upstream=result.problem)
    async with session_scope(env.sessionmaker) as session:
        found = await queries.by_id(session, change_request_id)
        return ChangeRequestRead.model_validate(found[0]) if found else approved


async def national_return(env: Workflow, principal: Principal, change_request_id: uuid.UUID, body: NationalRejection,
                          now: datetime) -> ChangeRequestRead:
    """The national side rejected an applied change: it goes back to its requester with that reason.
    Repeating the same rejection is a no-op (receipts can arrive twice)."""
    if not principal.has_scopes(RETURN):
        raise Forbidden("Only the sync gateway returns requests for the national side.", missing_scopes=[RETURN])
    async with session_scope(env.sessionmaker) as session:
        found = await queries.by_id(session, change_request_id, lock=True)
        if found is None:
            raise ChangeRequestNotFound()
        request = found[0]
        if request.state == "returned" and request.national_reason == body.reason:
            return ChangeRequestRead.model_validate(request)
        if request.state != "applied":
            raise TransitionNotAllowed(f"Only an applied request can be rejected nationally (it is {request.state}).")
        request.state, request.national_reason = "returned", body.reason
        queries.add_decision(session, request.id, "national_return", "applied", "returned",
                             actor_id=None, actor_name=principal.username, comment=body.reason)
        return ChangeRequestRead.model_validate(request)


async def _subtree(session: AsyncSession, principal: Principal, org_unit_id: uuid.UUID | None) -> str | None:
    if org_unit_id is None:
        return None
    path = await queries.unit_path(session, org_unit_id)
    if path is None or not principal.covers(path):
        raise ChangeRequestNotFound("No such unit in your subtree.")
    return path


async def list_page(session: AsyncSession, principal: Principal, *, states: list[str], org_unit_id: uuid.UUID | None,
                    older_than_days: int | None, cursor: str | None, limit: int, now: datetime) -> ChangeRequestPage:
    path = await _subtree(session, principal, org_unit_id)
    before = now - timedelta(days=older_than_days) if older_than_days is not None else None
    delegators = await queries.delegators_for(session, principal.subject, local_day(now))
    lent = [p for a, p in delegators if DECIDE in scopes_for_roles(a.roles)]
    rows = await queries.page(session, principal, states=states, unit_path=path, submitted_before=before,
                              after=cursors.decode(cursor) if cursor else None, limit=limit + 1, lent_paths=lent)
    # A request read through a delegation is read at that delegator's level; the caller's own reach at theirs.
    items = [withheld.shown(ChangeRequestRead.model_validate(r), principal, withheld.reading_level(
        principal, [a for a, p in delegators if lent_for([(a, p)], r, path)])) for r, path in rows[:limit]]
    return ChangeRequestPage(items=items,
                             next_cursor=cursors.following(rows, limit, lambda r: (r[0].created_at, r[0].id)))


async def backlog(session: AsyncSession, principal: Principal, org_unit_id: uuid.UUID | None, policy: DeadlinePolicy,
                  now: datetime) -> Backlog:
    if not (principal.has_scopes(READ) or principal.has_scopes(DECIDE)):
        raise Forbidden("Reading the backlog needs change-requests:read.", missing_scopes=[READ])
    path = await _subtree(session, principal, org_unit_id) or principal.org_path
    late = await overdue_by_unit(session, path, policy, now)
    rows = [BacklogRow(org_unit_id=unit_id, org_unit_code=code, org_unit_name=name, state=state, count=count,
                       oldest_since=oldest, overdue=late.get(unit_id, 0) if state == "submitted" else 0)
            for unit_id, code, name, state, count, oldest in await queries.backlog(session, path, OPEN)]
    return Backlog(policy=policy.name, rows=rows)


OPEN = ("draft", "submitted", "returned", "approved")


async def overdue_by_unit(session: AsyncSession, path: str, policy: DeadlinePolicy,
                          now: datetime) -> dict[uuid.UUID, int]:
    days, today = await load_calendar(session), local_day(now)
    late: dict[uuid.UUID, int] = {}
    overdue: dict[date, bool] = {}  # by the day submitted: a few days, however many requests
    for unit_id, submitted_on, count in await queries.submitted_by_day(session, path):
        if submitted_on not in overdue:
            overdue[submitted_on] = policy.request_overdue(submitted_on, today, days)
        if overdue[submitted_on]:
            late[unit_id] = late.get(unit_id, 0) + count
    return late
