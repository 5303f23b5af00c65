"""Grants with a written basis (Quy chế Hà Nội 2024 Điều 8 khoản 3, Điều 18 khoản 1, Điều 19 khoản 4) and
accounts' clearance. An admin grants over their own subtree (DOHA: the province), never above their own
clearance, to any account, on a decision whose scan they hold; revokes them the same way, on a written request.
Every grant, revocation and clearance change is audited in the same transaction. A grant needs no job to end:
`reach.grant_level` reads it by date on every read, and a revoked one is skipped from the revocation on."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from hoso_shared import cursors
from hoso_shared.auth import Principal, clearance_of, role_clearance, scopes_for_roles
from hoso_shared.db.models import AccessGrant
from profile_api.access import queries, reach
from profile_api.access.errors import (
    AboveClearance,
    EvidenceNotFound,
    GranteeNotFound,
    GrantInvalid,
    GrantNotFound,
    GrantRevoked,
    OwnAccess,
    TargetNotFound,
)
from profile_api.access.schemas import ClearanceChange, ClearanceRead, GrantCreate, GrantRead, GrantRevoke
from profile_api.accounts.access import check_request
from profile_api.accounts.errors import AccountNotFound
from profile_api.audit import service as audit


def check_level(principal: Principal, level: int) -> None:
    own = clearance_of(principal)
    if level > own:
        raise AboveClearance(f"Không thể cấp mức {level}, cao hơn mức của chính bạn ({own}). — Level {level} is above "
                             f"your own clearance ({own}).", level=level, clearance=own)


async def _check_target(session: AsyncSession, principal: Principal, body: GrantCreate) -> None:
    if body.org_unit_id is not None:
        path = await queries.unit_path(session, body.org_unit_id)
        if path is None or not principal.covers(path):
            raise TargetNotFound("Đơn vị không thuộc phạm vi quản lý của bạn. — The unit is not in your subtree.")
        return
    wanted = list(dict.fromkeys(body.profile_ids or []))
    paths = await queries.profile_paths(session, wanted)
    beyond = [str(p) for p in wanted if p not in paths or not principal.covers(paths[p])]
    if beyond:
        raise TargetNotFound("Có người không thuộc phạm vi quản lý của bạn. — Some people are not in your subtree.",
                             profile_ids=beyond)


def _check_dates(body: GrantCreate, today: date) -> None:
    if body.starts_on > body.ends_on:
        raise GrantInvalid("Ngày bắt đầu sau ngày kết thúc. — `starts_on` is after `ends_on`.")
    if body.ends_on < today:
        raise GrantInvalid("Ngày kết thúc đã qua. — `ends_on` is already past.", today=today.isoformat())
    if body.decision.issued_on > today:
        raise GrantInvalid("Văn bản ghi ngày sau hôm nay. — The decision is dated after today.",
                           today=today.isoformat())


def read(grant: AccessGrant, today: date) -> GrantRead:
    return GrantRead.model_validate({**{k: getattr(grant, k) for k in GrantRead.model_fields if k != "active"},
                                     "active": reach.is_active(grant, today)})


def _audited(grant: AccessGrant) -> dict[str, Any]:
    """What the audit entry's digest covers: the grant as decided (ids, level, dates, decision; no personal data)."""
    return {"grantee_id": str(grant.grantee_id), "org_unit_id": str(grant.org_unit_id) if grant.org_unit_id else None,
            "profile_ids": [str(p) for p in grant.profile_ids or []], "level": grant.level,
            "starts_on": grant.starts_on.isoformat(), "ends_on": grant.ends_on.isoformat(),
            "decision_number": grant.decision_number, "decision_date": grant.decision_date.isoformat(),
            "issuing_body": grant.issuing_body, "attachment_id": str(grant.attachment_id)}


async def create_grant(session: AsyncSession, principal: Principal, body: GrantCreate, today: date) -> GrantRead:
    if body.grantee_id == principal.subject:
        raise OwnAccess("Không thể tự cấp quyền cho chính mình. — You may not grant yourself access.")
    check_level(principal, body.level)
    _check_dates(body, today)
    await _check_target(session, principal, body)
    grantee = await queries.account_at(session, body.grantee_id)
    if grantee is None or grantee[0].disabled_at is not None:
        raise GranteeNotFound("Không có tài khoản này, hoặc tài khoản đã bị khóa. — No such enabled account.")
    evidence = await queries.attachment_path(session, body.decision.attachment_id)
    if evidence is None or not principal.covers(evidence):
        raise EvidenceNotFound("Không thấy bản quét văn bản trong phạm vi của bạn. — No such scan in your subtree.")
    grant = AccessGrant(id=uuid.uuid4(), grantee_id=body.grantee_id, org_unit_id=body.org_unit_id,
                        profile_ids=list(dict.fromkeys(body.profile_ids)) if body.profile_ids else None,
                        level=body.level, starts_on=body.starts_on, ends_on=body.ends_on,
                        decision_number=body.decision.number, decision_date=body.decision.issued_on,
                        issuing_body=body.decision.issuing_body, attachment_id=body.decision.attachment_id,
                        granted_by=principal.subject)
    session.add(grant)
    await session.flush()
    await session.refresh(grant)
    await audit.record(session, principal, "access_grant.create", "access_grant", grant.id, after=_audited(grant),
                       fields=[f"level:{grant.level}"])
    return read(grant, today)


async def revoke_grant(session: AsyncSession, principal: Principal, grant_id: uuid.UUID, body: GrantRevoke,
                       now: datetime, today: date) -> GrantRead:
    check_request(body, today)
    grant = await queries.grant_over(session, principal, grant_id, lock=True)
    if grant is None:
        raise GrantNotFound()
    if grant.revoked_at is not None:
        raise GrantRevoked("Quyền này đã bị thu hồi. — The grant is already revoked.",
                           revoked_at=grant.revoked_at.isoformat())
    grant.revoked_at, grant.revoked_by = now, principal.subject
    grant.revoke_request_no, grant.revoke_request_date = body.request_no, body.request_date
    await session.flush()
    await audit.record(session, principal, "access_grant.revoke", "access_grant", grant.id, before=_audited(grant),
                       after={"request_no": body.request_no, "request_date": body.request_date.isoformat()})
    return read(grant, today)


async def list_grants(session: AsyncSession, principal: Principal, *, grantee_id: uuid.UUID | None,
                      cursor: str | None, limit: int, today: date) -> tuple[list[GrantRead], str | None]:
    found = await queries.grants_over(session, principal, grantee_id=grantee_id,
                                      after=cursors.decode(cursor) if cursor else None, limit=limit + 1)
    return ([read(g, today) for g in found[:limit]],
            cursors.following(found, limit, lambda g: (g.granted_at, g.id)))


async def set_clearance(session: AsyncSession, principal: Principal, account_id: uuid.UUID, body: ClearanceChange,
                        today: date) -> ClearanceRead:
    """An admin sets the clearance of an account in their subtree, up to their own (Điều 18 khoản 1)."""
    check_request(body, today)
    if account_id == principal.subject:
        raise OwnAccess("Không thể tự đặt mức truy cập của chính mình. — You may not set your own clearance.")
    found = await queries.account_at(session, account_id, lock=True)
    if found is None or not principal.covers(found[1]):
        raise AccountNotFound()
    account = found[0]
    default = role_clearance(account.roles, set(account.scopes) | scopes_for_roles(account.roles))
    check_level(principal, body.clearance if body.clearance is not None else default)
    before = account.clearance
    account.clearance = body.clearance
    await session.flush()
    await audit.record(session, principal, "account.clearance", "account", account.id,
                       before={"clearance": before},
                       after={"clearance": body.clearance, "request_no": body.request_no,
                              "request_date": body.request_date.isoformat()})
    return ClearanceRead(account_id=account.id, clearance=account.clearance,
                         effective=default if account.clearance is None else account.clearance)
