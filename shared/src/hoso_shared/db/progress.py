"""Sync progress, defined once: what sync-gateway's table (the ministry's, `GET /api/v1/sync-progress`)
and profile-api's public progress page count.

A unit counts its whole subtree, and a record counts where its person is now: `total` is the kept (not
archived) records. Each stage is something that happened in a period (since an instant, and before
another if given) to a change of one of them:

    stage         a change that …                                               placed in time by
    changed       was written as a new version (its outbox row appended)        outbox.created_at
    approved      is a change request approved (and maybe applied)              change_requests.decided_at
    released      DOHA released for the national sync (its batch approved)      outbox.released_at
    synced        was packed into a packet delivered to the national side       packet_records.created_at
    acknowledged  the national side accepted                                    packet_records.created_at
    rejected      a rule blocked before signing, or the national side rejected  packet_records.created_at

and is counted two ways: `records`, the kept records with at least one such change (a share of `total`,
never above it; the page shows these), and `changes`, how many such changes (the national side receipts
change by change; the ministry's table shows these for the stages after `changed`). With one change a
record in the period, the two are equal.

One pass over each table whatever the number of units asked for: counted per unit, then summed over each
asked-for unit's subtree (a person is in one unit, so records add up as changes do).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

END_OF_TIME = datetime.max.replace(tzinfo=UTC)
STAGES = ("changed", "approved", "released", "synced", "acknowledged", "rejected")

_COUNTS = text("""
WITH facts AS (
    SELECT 'changed' AS stage, o.profile_id FROM outbox o WHERE o.created_at >= :since AND o.created_at < :until
  UNION ALL
    SELECT 'approved', c.profile_id FROM change_requests c
    WHERE c.state IN ('approved', 'applied') AND c.decided_at >= :since AND c.decided_at < :until
  UNION ALL
    SELECT 'released', o.profile_id FROM outbox o WHERE o.released_at >= :since AND o.released_at < :until
  UNION ALL
    SELECT s.stage, r.profile_id FROM packet_records r LEFT JOIN packets k ON k.id = r.packet_id
    CROSS JOIN LATERAL (VALUES ('synced', k.state IN ('delivered', 'acknowledged')),
                               ('acknowledged', r.status = 'accepted'),
                               ('rejected', r.status IN ('rejected', 'blocked'))) AS s (stage, hit)
    WHERE r.created_at >= :since AND r.created_at < :until AND s.hit
),
per_unit AS (
    SELECT p.org_unit_id, 'total' AS stage, count(*) AS changes, count(*) AS records
    FROM profiles p WHERE p.archived_at IS NULL AND p.version > 0 GROUP BY p.org_unit_id
  UNION ALL
    SELECT p.org_unit_id, f.stage, count(*), count(DISTINCT f.profile_id)
    FROM facts f JOIN profiles p ON p.id = f.profile_id WHERE p.archived_at IS NULL
    GROUP BY p.org_unit_id, f.stage
)
SELECT t.id, n.stage, sum(n.changes), sum(n.records)
FROM org_units t JOIN org_units u ON starts_with(u.path, t.path) JOIN per_unit n ON n.org_unit_id = u.id
WHERE t.id = ANY(:units)
GROUP BY t.id, n.stage
""")


@dataclass(frozen=True)
class Counts:
    total: int
    records: dict[str, int]  # per stage: the kept records with at least one such change
    changes: dict[str, int]  # per stage: how many such changes


async def counts(session: AsyncSession, unit_ids: Sequence[uuid.UUID], since: datetime,
                 until: datetime = END_OF_TIME) -> dict[uuid.UUID, Counts]:
    """Each unit's counts over its subtree, stages in [`since`, `until`); a unit with nothing counts zeros."""
    found: dict[uuid.UUID, dict[str, tuple[int, int]]] = {unit_id: {} for unit_id in unit_ids}
    if unit_ids:
        for unit_id, stage, changes, records in await session.execute(_COUNTS, {"units": list(unit_ids),
                                                                               "since": since, "until": until}):
            found[unit_id][stage] = (int(changes), int(records))
    return {unit_id: Counts(total=stages.get("total", (0, 0))[1],
                            records={s: stages.get(s, (0, 0))[1] for s in STAGES},
                            changes={s: stages.get(s, (0, 0))[0] for s in STAGES})
            for unit_id, stages in found.items()}
