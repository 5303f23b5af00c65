"""The statement that tells the gauges whether to read again: how many rows of the tables they count have been
written, by any service, as PostgreSQL's per-table counters (pg_stat_user_tables) say. No trigger or NOTIFY on
the writers' path: the counters are kept anyway. A committed write shows there within seconds (each server
process hands its counts over when a transaction ends or it idles); the session's own uncommitted writes are
added from pg_stat_xact_user_tables. A few catalogue rows, whatever the province's size."""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

# Every table a gauge counts from: the progress table (hoso_shared.db.progress), the packet queue, the outbox.
COUNTED = ("profiles", "org_units", "outbox", "change_requests", "packets", "packet_records")

_WRITES = text("""
WITH counted AS (SELECT to_regclass(name)::oid AS relid FROM unnest(CAST(:tables AS text[])) AS name)
SELECT coalesce(sum(s.n_tup_ins + s.n_tup_upd + s.n_tup_del), 0)
FROM (SELECT relid, n_tup_ins, n_tup_upd, n_tup_del FROM pg_stat_user_tables
      UNION ALL
      SELECT relid, n_tup_ins, n_tup_upd, n_tup_del FROM pg_stat_xact_user_tables) AS s
WHERE s.relid IN (SELECT relid FROM counted)
""")


async def writes_seen(session: AsyncSession) -> int:
    """Rows inserted, updated or deleted in the counted tables so far: it grows with every write."""
    return int((await session.execute(_WRITES, {"tables": list(COUNTED)})).scalar_one())
