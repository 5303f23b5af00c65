"""The outbox row's life: the one row three services write, each move made here and nowhere else.

A row announces one profile version to the national sync. Its state is read from its marks:

    appended ──take──▶ batched ──release──▶ released ──consume──▶ consumed
        ▲                 │
        └─────detach──────┘

- appended (profile-api, `append`): in the transaction that writes the version it announces; no batch,
  no release, no consumption. What it announces (profile, version, request, unit, payload) never changes.
- batched (approval-api, `take`): an agency submits its monthly sync batch and the batch takes the
  subtree's appended rows (`sync_batch_id`). `detach`: DOHA returns the batch, and its rows are appended
  again, free for the next batch.
- released (approval-api, `release`): DOHA approves the batch; its rows get `released_at`, once, and stay
  in that batch for good. The gateway is woken (NOTIFY `hoso_outbox`) when the transaction commits.
- consumed (sync-gateway, `consume`): a packet build judged the released rows (packed or blocked) and
  marks them `consumed_at` in the same transaction. A consumed row never changes again; what becomes of
  its record next (accepted, rejected, returned) is the gateway's `packet_records`.

The database enforces the same (migration 2026-12-04-2140, trigger `outbox_transitions`): a row is
inserted appended only, is never deleted, and every UPDATE is one of these moves. Each move is one
statement over all its rows, never a loop: a province is ~200,000 people and a batch may hold them all.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Select, func, insert, literal, select, text, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from hoso_shared.db.models import Account, OrgUnit, OutboxRow
from hoso_shared.db.paths import escape_like

CHANNEL = "hoso_outbox"  # sync-gateway's builders LISTEN on it


def announcing(*, profile_id: uuid.UUID, version: int, change_request_id: uuid.UUID | None, org_unit_id: uuid.UUID,
               reason: str, changed: list[str], digest: str) -> dict[str, Any]:
    """The columns of the row announcing a profile version: what changed, never the personal data itself
    (the gateway reads the sealed version)."""
    return {"profile_id": profile_id, "profile_version": version, "change_request_id": change_request_id,
            "org_unit_id": org_unit_id, "payload": {"kind": reason, "changed": changed, "digest": digest}}


async def append(session: AsyncSession, rows: Sequence[dict[str, Any]]) -> None:
    """profile-api, in the transaction of the versions the rows announce (`announcing`): one INSERT."""
    if rows:
        await session.execute(insert(OutboxRow), list(rows))


def units_synced_by(unit_id: uuid.UUID, path: str) -> Select[Any]:
    """The units whose approved changes the unit's batch takes: its subtree, except the subtrees of other units
    with their own agency account (they submit their own batches; a parent submits only for those without).
    approval-api's `take` uses it, and profile-api's tasks count what the next batch would take with it."""
    prefix = escape_like(path) + "%"
    agency = aliased(OrgUnit)
    own_agency = (select(Account.id).join(agency, agency.id == Account.org_unit_id)
                  .where(Account.kind == "agency", literal("agency_admin") == Account.roles.any_(),
                         Account.disabled_at.is_(None), agency.id != unit_id,
                         agency.path.like(prefix, escape="\\"), func.starts_with(OrgUnit.path, agency.path)))
    return select(OrgUnit.id).where(OrgUnit.path.like(prefix, escape="\\"), ~own_agency.exists())


async def take(session: AsyncSession, batch_id: uuid.UUID, units: Select[Any]) -> int:
    """approval-api, a batch submitted: the appended rows of `units` (a SELECT of org unit ids) join the
    batch. Rows another submission is taking (locked) are skipped. Returns how many joined."""
    row = aliased(OutboxRow)  # not the UPDATE's own table, which a subquery would correlate to
    pick = (select(row.id)
            .where(row.sync_batch_id.is_(None), row.released_at.is_(None), row.org_unit_id.in_(units))
            .with_for_update(skip_locked=True))
    result = await session.execute(update(OutboxRow).where(OutboxRow.id.in_(pick))
                                   .values(sync_batch_id=batch_id).execution_options(synchronize_session=False))
    return int(result.rowcount)  # type: ignore[attr-defined]


async def detach(session: AsyncSession, batch_id: uuid.UUID) -> None:
    """approval-api, a batch returned: its rows are appended again (none of them is released)."""
    await session.execute(update(OutboxRow).where(OutboxRow.sync_batch_id == batch_id, OutboxRow.released_at.is_(None))
                          .values(sync_batch_id=None))


async def release(session: AsyncSession, batch_id: uuid.UUID, now: datetime) -> int:
    """approval-api, a batch approved: its rows are released to the gateway. Returns how many."""
    result = await session.execute(update(OutboxRow).where(OutboxRow.sync_batch_id == batch_id)
                                   .values(released_at=now))
    # The gateway LISTENs; the notification is delivered when this transaction commits.
    await session.execute(text("SELECT pg_notify(:channel, :batch)"), {"channel": CHANNEL, "batch": str(batch_id)})
    return int(result.rowcount)  # type: ignore[attr-defined]


async def consume(session: AsyncSession, ids: Sequence[int], now: datetime) -> None:
    """sync-gateway, a packet build: the released rows it claimed (and judged) are consumed."""
    await session.execute(update(OutboxRow).where(OutboxRow.id.in_(ids)).values(consumed_at=now))
