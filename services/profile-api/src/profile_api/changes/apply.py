"""Applying an approved change request: the new version, its outbox row and the audit entry in one
transaction, idempotent by change-request id (a retry, a crash after commit, or a second approver
finds the version already written and gets it back)."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncSession

from hoso_shared import provenance, records
from hoso_shared.auth import Principal
from hoso_shared.crypto import FieldCipher
from hoso_shared.db.models import ChangeRequest, Profile
from hoso_shared.form import ProfileItems
from hoso_shared.problems import Problem
from hoso_shared.time import utc_now
from profile_api.audit import service as audit
from profile_api.changes import apply_creates, queries
from profile_api.changes.errors import (
    ChangeRequestNotApproved,
    ChangeRequestUnknown,
    InvalidChange,
    StaleChangeRequest,
)
from profile_api.changes.schemas import Applied, AppliedBatch, BatchApplied
from profile_api.profiles import queries as profile_queries
from profile_api.profiles import service as profiles
from profile_api.profiles import versions
from profile_api.transfers import service as transfers

ARCHIVED = {"transferred_out", "retired", "resigned", "deceased"}


async def apply_change_request(session: AsyncSession, principal: Principal, change_request_id: uuid.UUID,
                               cipher: FieldCipher) -> Applied:
    request = await queries.change_request(session, change_request_id)
    if request is None:
        raise ChangeRequestUnknown()
    locked = await queries.lock_profile(session, request.profile_id)
    if locked is None or not principal.covers(locked[1]):
        raise ChangeRequestUnknown()
    profile = locked[0]
    # Checked after the lock: a concurrent apply of the same request has committed by now.
    done = await profile_queries.version_by_change_request(session, change_request_id)
    if done is not None:
        return Applied(change_request_id=change_request_id, profile_id=profile.id, version=done.version,
                       already_applied=True)
    if request.state != "approved":
        raise ChangeRequestNotApproved(state=request.state)
    if request.base_version != profile.version:
        raise StaleChangeRequest(base_version=request.base_version, current_version=profile.version)
    if request.kind == "create":
        return await _apply_create(session, principal, profile, request, cipher)
    before = await profiles.full_record(session, profile, cipher)
    after = await _write(session, profile, before, request, cipher)
    await versions.write_version(session, profile, after, cipher, reason=request.payload.get("event", "change"),
                                 changed=_changed(request.payload), change_request_id=request.id,
                                 actor_id=request.decided_by)
    await audit.record(session, principal, "apply_change_request", "profile", profile.id, before=before, after=after,
                       fields=_changed(request.payload))
    return Applied(change_request_id=change_request_id, profile_id=profile.id, version=profile.version,
                   already_applied=False)


async def _apply_create(session: AsyncSession, principal: Principal, profile: Profile, request: ChangeRequest,
                        cipher: FieldCipher) -> Applied:
    """The pending record, as approved (hanoi-2024 Điều 7: "dữ liệu mới"), becomes version 1 with its outbox row."""
    profile.version = 1
    await session.flush()
    record = await profiles.full_record(session, profile, cipher)
    await versions.write_version(session, profile, record, cipher, reason="created",
                                 changed=sorted(ProfileItems.model_fields),  # all new, as creation always said
                                 change_request_id=request.id, actor_id=request.decided_by)
    await audit.record(session, principal, "apply_create_request", "profile", profile.id, after=record)
    return Applied(change_request_id=request.id, profile_id=profile.id, version=1, already_applied=False)


async def apply_many(session: AsyncSession, principal: Principal, ids: list[uuid.UUID],
                     cipher: FieldCipher) -> AppliedBatch:
    """A refusal leaves the others applied. `create` requests (a bulk approval's) are checked and applied together
    (`apply_creates`); any other each in its own savepoint. A request unknown or outside the caller's reach refuses
    the whole call (404, nothing applied), as the single route."""
    ids = list(dict.fromkeys(ids))
    found = await queries.change_requests(session, ids)
    if len(found) < len(ids):
        raise ChangeRequestUnknown()
    checked = await apply_creates.check_creates(session, principal, [r for r in found.values() if r.kind == "create"])
    answers: dict[uuid.UUID, Applied | Problem] = {
        **checked.answered, **await apply_creates.apply_creates(session, principal, checked.to_apply, cipher)}
    for change_request_id in ids:
        if change_request_id in answers:
            continue
        try:
            async with session.begin_nested():
                answers[change_request_id] = await apply_change_request(session, principal, change_request_id,
                                                                        cipher)
        except ChangeRequestUnknown:
            raise
        except Problem as problem:
            answers[change_request_id] = problem
    return AppliedBatch(results=[_result(i, answers[i]) for i in ids])


def _result(change_request_id: uuid.UUID, answer: Applied | Problem) -> BatchApplied:
    if isinstance(answer, Problem):
        return BatchApplied(change_request_id=change_request_id, problem=answer.body())
    return BatchApplied(change_request_id=change_request_id, applied=answer)


def _changed(payload: dict[str, Any]) -> list[str]:
    return sorted({*payload.get("items", {}), *payload.get("sections", {}),
                   *(k for k in ("status", "org_unit_id") if k in payload)})


async def _write(session: AsyncSession, profile: Profile, before: records.Record, request: ChangeRequest,
                 cipher: FieldCipher) -> records.Record:
    payload = request.payload
    items = {k: v for k, v in {**before["items"], **payload.get("items", {})}.items() if v is not None}
    try:
        items = ProfileItems.model_validate(items).model_dump(mode="json", exclude_none=True)
    except ValidationError as exc:
        raise InvalidChange(errors=exc.errors(include_url=False, include_context=False)) from None
    records.apply_items(profile, items, cipher)
    profile.item_sources = provenance.kept_after(profile.item_sources, before["items"], payload.get("items", {}))
    sections = {**before["sections"], **payload.get("sections", {})}
    if payload.get("sections"):
        rows = records.section_rows(profile.id, payload["sections"], cipher)
        await profile_queries.replace_sections(session, profile.id, rows, set(payload["sections"]))
    await _lifecycle(session, profile, request)
    profile.version += 1
    await session.flush()
    return records.snapshot(profile, items, sections)


async def _lifecycle(session: AsyncSession, profile: Profile, request: ChangeRequest) -> None:
    payload = request.payload
    if "status" not in payload:
        return
    on = date.fromisoformat(payload["effective_on"])
    if payload.get("org_unit_id"):
        profile.org_unit_id = uuid.UUID(payload["org_unit_id"])
        await queries.reassign(session, profile, profile.org_unit_id, on, "transferred")
    if payload.get("to_central_body"):  # reported from the unit the person leaves
        await transfers.report_central(session, profile, payload, request.id, request.requested_by)
    profile.status = payload["status"]
    if profile.status in ARCHIVED:
        profile.archived_at = utc_now()
        await queries.close_assignment(session, profile, on)
        await queries.disable_accounts(session, profile)  # access revoked; the record is kept
