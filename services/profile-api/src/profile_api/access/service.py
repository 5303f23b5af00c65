"""Grants with a written basis (Quy chế Hà Nội 2024 Điều 8 khoản 3, Điều 18 khoản 1, Điều 19 khoản 4) and
accounts' clearance. An admin grants over their own subtree (DOHA: the province), never above their own
clearance, to any account, on a decision whose scan they hold; revokes them the same way, on a written request.
Every grant, revocation and clearance change is audited in the same transaction. A grant needs no job to end:
`reach.grant_level` reads it by date on every read, and a revoked one is skipped from the revocation on.

The written decision's scan is uploaded first, on its own (`grant_decisions`, sealed as evidence scans are, with
their checks), never as an attachment of some person's record. It belongs to the uploader's unit: any admin over
that unit may rest grants on it, several grants on one decision (a decision often grants several people). A grant
and its scan are read by the admins over the grant's subtree and by its grantee, who may see the basis of their
own access; the scan's reads are audited as evidence scans' are."""

from __future__ import annotations

import hashlib
import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from hoso_shared import cursors
from hoso_shared.auth import Principal, clearance_of, role_clearance, scopes_for_roles
from hoso_shared.db.models import AccessGrant, Attachment, GrantDecision
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
from profile_api.access.schemas import (
    ClearanceChange,
    ClearanceRead,
    DecisionRead,
    GrantCreate,
    GrantRead,
    GrantRevoke,
)
from profile_api.accounts.access import check_request
from profile_api.accounts.errors import AccountNotFound
from profile_api.attachments import files
from profile_api.attachments import service as attachments
from profile_api.attachments.schemas import Download
from profile_api.audit import service as audit

MANAGES = "accounts:read"  # reads the grants over one's subtree (GET /api/v1/access-grants)


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
            "issuing_body": grant.issuing_body, "decision_id": str(grant.decision_id) if grant.decision_id else None,
            "attachment_id": str(grant.attachment_id) if grant.attachment_id else None}


async def create_grant(session: AsyncSession, principal: Principal, body: GrantCreate, today: date) -> GrantRead:
    if body.grantee_id == principal.subject:
        raise OwnAccess("Không thể tự cấp quyền cho chính mình. — You may not grant yourself access.")
    check_level(principal, body.level)
    _check_dates(body, today)
    await _check_target(session, principal, body)
    grantee = await queries.account_at(session, body.grantee_id)
    if grantee is None or grantee[0].disabled_at is not None:
        raise GranteeNotFound("Không có tài khoản này, hoặc tài khoản đã bị khóa. — No such enabled account.")
    evidence = await queries.decision_path(session, body.decision.decision_id)
    if evidence is None or not principal.covers(evidence):
        raise EvidenceNotFound("Không thấy văn bản đã tải lên trong phạm vi của bạn. — No such uploaded decision in "
                               "your subtree.", decision_id=str(body.decision.decision_id))
    grant = AccessGrant(id=uuid.uuid4(), grantee_id=body.grantee_id, org_unit_id=body.org_unit_id,
                        profile_ids=list(dict.fromkeys(body.profile_ids)) if body.profile_ids else None,
                        level=body.level, starts_on=body.starts_on, ends_on=body.ends_on,
                        decision_number=body.decision.number, decision_date=body.decision.issued_on,
                        issuing_body=body.decision.issuing_body, decision_id=body.decision.decision_id,
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


async def upload_decision(session: AsyncSession, principal: Principal, *, filename: str | None, data: bytes,
                          max_bytes: int) -> DecisionRead:
    """A written decision's scan, checked as evidence scans are (type by its bytes, size), sealed at rest, kept under
    the uploader's unit. Audited."""
    content_type = attachments.check_content(data, max_bytes)
    values = {"filename": files.sanitise_filename(filename, content_type), "content_type": content_type,
              "size": len(data), "sha256": hashlib.sha256(data).hexdigest()}
    decision_id, created_at = await queries.insert_decision(session, {
        **values, "content": data, "uploaded_by": principal.subject, "org_unit_id": principal.org_unit_id})
    read = DecisionRead(id=decision_id, created_at=created_at, **values)
    await audit.record(session, principal, "grant_decision.upload", "grant_decision", decision_id,
                       after=read.model_dump(mode="json"), fields=["content", *values])
    return read


async def _seen(session: AsyncSession, principal: Principal, grant_id: uuid.UUID) -> AccessGrant:
    """The grant, to an admin over its subtree or to its grantee; anyone else: 404, as if there were none."""
    grant = await queries.grant_seen_by(session, principal, grant_id, manages=principal.has_scopes(MANAGES))
    if grant is None:
        raise GrantNotFound()
    return grant


async def get_grant(session: AsyncSession, principal: Principal, grant_id: uuid.UUID, today: date) -> GrantRead:
    return read(await _seen(session, principal, grant_id), today)


async def download_decision(session: AsyncSession, principal: Principal, grant_id: uuid.UUID) -> Download:
    """The scan of the decision a grant rests on (on grants made before, the attachment that held it). Audited, as
    evidence scans' downloads are."""
    grant = await _seen(session, principal, grant_id)
    found: GrantDecision | Attachment | None = None
    if grant.decision_id is not None:
        entity, found = "grant_decision", await queries.decision_file(session, grant.decision_id)
    elif grant.attachment_id is not None:
        entity, found = "attachment", await queries.attachment_file(session, grant.attachment_id)
    if found is None:
        raise GrantNotFound()  # the database's CHECK and keys say it is there: only a broken row gets here
    await audit.record(session, principal, "grant_decision.download", entity, found.id, fields=["content"])
    return Download(filename=found.filename, content_type=found.content_type, content=found.content)


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
