"""A database full of released changes, for the sync pipeline's end-to-end test and `make bench`: the
demo province with as many people as asked, each record's first version in the outbox, in batches DOHA
has approved (one per agency): released (what sync-gateway takes next) or not yet (`make bench` releases
them at once, on its clock)."""

from __future__ import annotations

import random
import uuid
from datetime import UTC, datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from hoso_devstack import demo
from hoso_shared.crypto import FieldCipher
from hoso_shared.db import outbox
from hoso_shared.db.models import Account, OrgUnit, SyncBatch

FIXED = 32  # the demo's people outside the sub-units (8 in each of its four non-leaf units)
LEAVES = 7
AGENCIES = ("01.SNV", "01.STC", "01.SGD", "01.00004")


async def _load(session: AsyncSession, cipher: FieldCipher, records: int, seed: int,
                interleave: bool = False) -> list[SyncBatch]:
    rows, announcements, _ = demo.build(seed, cipher, profiles_per_leaf=max(1, (records - FIXED) // LEAVES))
    if interleave:  # as a month of approvals in every agency appends them: outbox ids alternate between agencies
        random.Random(seed).shuffle(announcements)
    await demo.insert(session, rows, announcements)
    submitter = (await session.scalars(select(Account.id).limit(1))).one()
    now, batches = datetime.now(UTC), []
    for code in AGENCIES:
        unit = (await session.scalars(select(OrgUnit).where(OrgUnit.code == code))).one()
        batch = SyncBatch(id=uuid.uuid4(), org_unit_id=unit.id, period=now.strftime("%Y-%m"), state="approved",
                          submitted_by=submitter, decided_by=submitter, decided_at=now)
        session.add(batch)
        await session.flush()
        subtree = select(OrgUnit.id).where(func.starts_with(OrgUnit.path, unit.path))
        batch.record_count = await outbox.take(session, batch.id, subtree)
        batches.append(batch)
    return batches


async def load_batched(session: AsyncSession, cipher: FieldCipher, *, records: int, seed: int = 2026) -> int:
    """Inserts the demo with about `records` people (at least 39) and puts every outbox row in its
    agency's batch, approved by DOHA but not yet released; returns how many rows are batched."""
    return sum(b.record_count for b in await _load(session, cipher, records, seed))


async def load_released(session: AsyncSession, cipher: FieldCipher, *, records: int, seed: int = 2026,
                        interleave: bool = False) -> int:
    """Inserts the demo with about `records` people (at least 39) and releases every outbox row, each by
    its agency's approved batch; returns how many rows are released. `interleave`: the rows' ids alternate
    between agencies (in random order) instead of following one agency after another."""
    now = datetime.now(UTC)
    batches = await _load(session, cipher, records, seed, interleave)
    return sum([await outbox.release(session, b.id, now) for b in batches])
