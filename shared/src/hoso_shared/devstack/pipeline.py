"""A database full of released changes, for the sync pipeline's end-to-end test and `make bench`: the
demo province with as many people as asked, each record's first version in the outbox, in batches DOHA
has approved (one per agency), i.e. what sync-gateway takes next."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncSession

from hoso_shared.crypto import FieldCipher
from hoso_shared.db.models import Account, OrgUnit, SyncBatch
from hoso_shared.devstack import demo

FIXED = 32  # the demo's people outside the sub-units (8 in each of its four non-leaf units)
LEAVES = 7
AGENCIES = ("01.SNV", "01.STC", "01.SGD", "01.00004")

_RELEASE = text("""
UPDATE outbox o SET sync_batch_id = :batch, released_at = :now
FROM org_units u WHERE u.id = o.org_unit_id AND starts_with(u.path, :path) AND o.sync_batch_id IS NULL
""")


async def load_released(session: AsyncSession, cipher: FieldCipher, *, records: int, seed: int = 2026) -> int:
    """Inserts the demo with about `records` people (at least 39) and releases every outbox row; returns
    how many rows are released."""
    rows, _ = demo.build(seed, cipher, profiles_per_leaf=max(1, (records - FIXED) // LEAVES))
    previous: type | None = None
    for row in rows:
        if isinstance(row, OrgUnit) or type(row) is not previous:
            await session.flush()
        previous = type(row)
        session.add(row)
    await session.flush()
    submitter = (await session.scalars(select(Account.id).limit(1))).one()
    now, released = datetime.now(UTC), 0
    for code in AGENCIES:
        unit = (await session.scalars(select(OrgUnit).where(OrgUnit.code == code))).one()
        batch = SyncBatch(id=uuid.uuid4(), org_unit_id=unit.id, period=now.strftime("%Y-%m"), state="approved",
                          submitted_by=submitter, decided_by=submitter, decided_at=now)
        session.add(batch)
        await session.flush()
        result = await session.execute(_RELEASE, {"batch": batch.id, "now": now, "path": unit.path})
        released += int(result.rowcount)  # type: ignore[attr-defined]
        batch.record_count = int(result.rowcount)  # type: ignore[attr-defined]
    return released
