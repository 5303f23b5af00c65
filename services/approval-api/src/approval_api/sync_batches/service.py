"""The monthly sync batch (DESIGN step 3): an agency — or the parent unit, for sub-units without their
own agency account — submits its approved changes not yet synced; DOHA approves it, which releases
its outbox rows to sync-gateway, or returns it, which frees them for the next batch.

DOHA's own unit syncs like any sở (Điều 15 khoản 1): through its agency account. Whoever submitted a
batch never decides it, so a DOHA batch is decided by another DOHA account (doha_admin holds no
`sync-batches:submit`; an account holding both roles still cannot approve its own batch)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from approval_api.metrics import ApprovalMetrics
from approval_api.sync_batches import queries
from approval_api.sync_batches.schemas import (
    BatchDecision,
    BatchPage,
    BatchRead,
    BatchRecord,
    BatchRecordPage,
    BatchSubmit,
    WaitingPage,
    WaitingRecord,
)
from approval_api.windows.service import window_open
from hoso_shared import cursors
from hoso_shared import findings as kept_findings
from hoso_shared.auth import Principal
from hoso_shared.db import outbox
from hoso_shared.db.models import OrgUnit, SyncBatch
from hoso_shared.deadlines import DeadlinePolicy
from hoso_shared.problems import Conflict, Forbidden, NotFound, ValidationFailed
from hoso_shared.time import local_day

SUBMIT, DECIDE, READ = "sync-batches:submit", "sync-batches:decide", "sync-batches:read"


class BatchNotFound(NotFound):
    slug, title = "sync-batch-not-found", "No such sync batch in your subtree"


class NothingToSync(Conflict):
    slug, title = "nothing-to-sync", "No approved change awaits a sync batch for this unit"


class BatchOpen(Conflict):
    slug, title = "sync-batch-open", "The unit already has a batch awaiting DOHA's decision"


class BatchWindowClosed(Conflict):
    slug, title = "approval-window-closed", "Outside the sync window, and no extraordinary window is open"


class SyncedByParent(Conflict):
    slug, title = "synced-by-parent", "This unit has no agency account: its parent unit submits its changes"


class AgencyIdentifierMissing(Conflict):
    slug, title = "agency-identifier-missing", "A unit that syncs has no electronic identifier (QĐ 20/2020/QĐ-TTg)"


class OwnBatch(Forbidden):
    slug, title = "own-sync-batch", "Nobody decides a sync batch they submitted"


class BatchDecided(Conflict):
    slug, title = "sync-batch-decided", "The batch has been decided already"


def _read(batch: SyncBatch, consumed: int = 0) -> BatchRead:
    return BatchRead.model_validate(batch).model_copy(update={"consumed": consumed})


async def submit_batch(session: AsyncSession, principal: Principal, body: BatchSubmit, policy: DeadlinePolicy,
                       now: datetime, metrics: ApprovalMetrics) -> BatchRead:
    if not principal.has_scopes(SUBMIT):
        raise Forbidden("Submitting a sync batch needs an agency account.", missing_scopes=[SUBMIT])
    unit_id = body.org_unit_id or principal.org_unit_id
    path = (await session.execute(select(OrgUnit.path).where(OrgUnit.id == unit_id))).scalar_one_or_none()
    if path is None or not principal.covers(path):
        raise NotFound("No such unit in your subtree.")
    if not await queries.has_agency_account(session, unit_id):
        raise SyncedByParent()
    await check_identified(session, unit_id)
    if not await window_open(session, policy, path, now):
        metrics.window_breaches.labels("sync_batch").inc()
        raise BatchWindowClosed(policy=policy.name)
    if await queries.open_batch(session, unit_id) is not None:
        raise BatchOpen()
    batch = SyncBatch(id=uuid.uuid4(), org_unit_id=unit_id, period=local_day(now).strftime("%Y-%m"),
                      submitted_by=principal.subject)
    session.add(batch)
    await session.flush()
    batch.record_count = await queries.take_rows(session, batch.id, unit_id, path)
    if batch.record_count == 0:
        raise NothingToSync()  # the batch row goes with the rolled-back transaction
    await session.flush()
    await session.refresh(batch)
    return _read(batch)


async def check_identified(session: AsyncSession, unit_id: uuid.UUID) -> None:
    """Điều 19 khoản 2: the national side knows an agency by its QĐ 20/2020/QĐ-TTg electronic identifier, which
    every packet of the batch carries as `agency_id`. The units that sync in a batch are the submitting unit (its
    sub-units without an agency account travel under it; those with one submit, and are checked, on their own), so
    that is the unit checked; the problem names every unit found without one, before any row is taken."""
    missing = await queries.unidentified(session, [unit_id])
    if missing:
        names = "; ".join(f"{code} {name}" for _, code, name in missing)
        raise AgencyIdentifierMissing(
            f"Đơn vị chưa có mã định danh điện tử theo QĐ 20/2020/QĐ-TTg (Điều 19 khoản 2), cần nhập trước khi gửi "
            f"lô đồng bộ: {names}. / Units without an electronic identifier, which a sync batch needs: {names}. "
            f"Set it with PUT /api/v1/org-units/{{id}}/electronic-id (profile-api).",
            units=[{"org_unit_id": str(uid), "code": code, "name": name} for uid, code, name in missing])


async def _decidable(session: AsyncSession, principal: Principal, batch_id: uuid.UUID) -> SyncBatch:
    if not principal.has_scopes(DECIDE):
        raise Forbidden("Only DOHA decides sync batches.", missing_scopes=[DECIDE])
    found = await queries.by_id(session, batch_id, lock=True)
    if found is None or not principal.covers(found[1]):
        raise BatchNotFound()
    if found[0].submitted_by == principal.subject:
        raise OwnBatch("Another DOHA account decides the batch you submitted.")
    if found[0].state != "submitted":
        raise BatchDecided(state=found[0].state)
    return found[0]


async def approve_batch(session: AsyncSession, principal: Principal, batch_id: uuid.UUID,
                        body: BatchDecision | None, now: datetime) -> BatchRead:
    batch = await _decidable(session, principal, batch_id)
    batch.state, batch.decided_by, batch.decided_at = "approved", principal.subject, now
    batch.comment = body.comment if body else None
    await outbox.release(session, batch.id, now)
    await session.flush()
    return _read(batch)


async def return_batch(session: AsyncSession, principal: Principal, batch_id: uuid.UUID, body: BatchDecision,
                       now: datetime) -> BatchRead:
    if not (body.comment or "").strip():
        raise ValidationFailed("Say why the batch is returned.")
    batch = await _decidable(session, principal, batch_id)
    batch.state, batch.decided_by, batch.decided_at, batch.comment = "returned", principal.subject, now, body.comment
    await outbox.detach(session, batch.id)
    await session.flush()
    return _read(batch)


async def get(session: AsyncSession, principal: Principal, batch_id: uuid.UUID) -> BatchRead:
    found = await queries.by_id(session, batch_id)
    if found is None or not principal.covers(found[1]) or not principal.has_scopes(READ):
        raise BatchNotFound()
    return _read(found[0], await queries.consumed(session, batch_id))


async def listing(session: AsyncSession, principal: Principal, org_unit_id: uuid.UUID | None, states: list[str],
                  limit: int, cursor: str | None = None) -> BatchPage:
    if not principal.has_scopes(READ):
        raise Forbidden("Listing sync batches needs sync-batches:read.", missing_scopes=[READ])
    prefix = principal.org_path
    if org_unit_id is not None:
        path = (await session.execute(select(OrgUnit.path).where(OrgUnit.id == org_unit_id))).scalar_one_or_none()
        if path is None or not principal.covers(path):
            raise NotFound("No such unit in your subtree.")
        prefix = path
    found = await queries.listing(session, prefix, states, limit + 1, cursors.decode(cursor) if cursor else None)
    counts = await queries.counts(session, prefix, states)
    return BatchPage(items=[_read(b, n) for b, n in found[:limit]], counts=counts,
                     next_cursor=cursors.following(found, limit, lambda r: (r[0].created_at, r[0].id)))


def _after(cursor: str | None) -> int | None:
    if cursor is None:
        return None
    if not (cursor.isascii() and cursor.isdigit()) or int(cursor) >= 2**63:  # an outbox id is a BIGINT
        raise cursors.InvalidCursor()
    return int(cursor)


def _waiting_record(row: Any) -> dict[str, Any]:
    return {"outbox_id": row[0], "profile_id": row[1], "person_name": row[2], "org_unit_id": row[3],
            "org_unit_name": row[4], "profile_version": row[5], "change_request_id": row[6], "kind": row[7] or "",
            "applied_at": row[8]}


async def list_waiting(session: AsyncSession, principal: Principal, org_unit_id: uuid.UUID | None,
                       cursor: str | None, limit: int) -> WaitingPage:
    """What the unit's next batch would take (Điều 14 khoản 1: the month's approved changes not yet synced)."""
    if not principal.has_scopes(READ):
        raise Forbidden("Reading what awaits a sync batch needs sync-batches:read.", missing_scopes=[READ])
    unit_id = org_unit_id or principal.org_unit_id
    path = (await session.execute(select(OrgUnit.path).where(OrgUnit.id == unit_id))).scalar_one_or_none()
    if path is None or not principal.covers(path):
        raise NotFound("No such unit in your subtree.")
    rows = await queries.waiting(session, unit_id, path, _after(cursor), limit + 1)
    return WaitingPage(org_unit_id=unit_id, total=await queries.waiting_count(session, unit_id, path),
                       items=[WaitingRecord(**_waiting_record(r)) for r in rows[:limit]],
                       next_cursor=str(rows[limit - 1][0]) if len(rows) > limit else None)


def _batch_record(row: Any) -> BatchRecord:
    stored = row[10]
    return BatchRecord(**_waiting_record(row), fate=row[9],
                       findings=[kept_findings.read(f) for f in stored] if stored is not None else None,
                       gateway_findings=[str(code) for code in row[11] or []], reason=row[12], packet_id=row[13],
                       packet_state=row[14], decided_at=row[15])


async def list_batch_records(session: AsyncSession, principal: Principal, batch_id: uuid.UUID, fate: str | None,
                             cursor: str | None, limit: int) -> BatchRecordPage:
    """A batch's records with their findings and fate (Điều 14 khoản 2: what DOHA approves, and what became of
    it). A returned batch holds none: its records went back to wait for the next one."""
    await get(session, principal, batch_id)  # its reader's rights, as reading the batch itself
    rows = await queries.batch_records(session, batch_id, fate, _after(cursor), limit + 1)
    fates, with_errors, with_warnings = await queries.batch_tally(session, batch_id)
    return BatchRecordPage(batch_id=batch_id, fates=fates, with_errors=with_errors, with_warnings=with_warnings,
                           items=[_batch_record(r) for r in rows[:limit]],
                           next_cursor=str(rows[limit - 1][0]) if len(rows) > limit else None)
