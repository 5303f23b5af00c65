"""Daily snapshots: every unit's scorecard counts for one day, so trends can be read later.

The stored verdicts are first brought to `day` (`stored.settle`: on the daily run the background judge has
done it already), then summed per unit in one pass and rolled up: a record counts in every unit on its unit's
path. Taking a day again replaces that day's rows (of the units covered). A snapshot describes the records as
they stand when it is taken, judged as of `day`: backfilling a past day does not bring back past records."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from hoso_shared.crypto import FieldCipher
from hoso_shared.deadlines import DeadlinePolicy
from hoso_shared.validation import Criterion
from profile_api.quality import aggregates, queries, scoring, stored
from profile_api.quality.errors import OrgUnitNotFound

PASSING_COLUMN: dict[Criterion, str] = {Criterion.DUNG: "passing_dung", Criterion.DU: "passing_du",
                                        Criterion.SACH: "passing_sach", Criterion.SONG: "passing_song"}


@dataclass(frozen=True)
class Taken:
    day: date
    policy: str
    units: int
    records: int  # records judged (each counted once, however many units it rolls up to)


def _row(unit_id: uuid.UUID, day: date, policy: str, sums: aggregates.Sums) -> dict[str, Any]:
    return {"org_unit_id": unit_id, "day": day, "policy": policy, "records": sums.records,
            "blocking": sums.blocking, "rule_counts": sums.rule_counts(),
            **{column: sums.passing[c] for c, column in PASSING_COLUMN.items()}}


async def take_snapshot(session: AsyncSession, cipher: FieldCipher, *, policy: DeadlinePolicy, day: date,
                        root_id: uuid.UUID | None = None) -> Taken:
    """Snapshots every unit open on `day` (or those under `root_id`), replacing that day's rows."""
    within = "/"
    if root_id is not None:
        root = await queries.unit(session, root_id)
        if root is None:
            raise OrgUnitNotFound()
        within = root.path
    units = await queries.open_units(session, within=within, day=day)
    await stored.settle(session, scoring.Basis(today=day, policy=policy, cipher=cipher), within=within)
    own = await aggregates.per_unit(session, within)
    rolled = aggregates.roll_up(own, [path for _, path in units])
    rows = [_row(unit_id, day, policy.name, rolled[path]) for unit_id, path in units]
    await queries.save_snapshots(session, day, rows, replaced=[unit_id for unit_id, _ in units])
    return Taken(day=day, policy=policy.name, units=len(rows), records=sum(s.records for s in own.values()))


async def take_if_missing(session: AsyncSession, cipher: FieldCipher, *, policy: DeadlinePolicy,
                          day: date) -> Taken | None:
    """The daily task: one replica at a time (a transaction-scoped advisory lock), and only while some
    root unit still lacks the day's snapshot."""
    if not await queries.try_snapshot_lock(session) or not await queries.snapshot_missing(session, day):
        return None
    return await take_snapshot(session, cipher, policy=policy, day=day)


async def unit_id(session: AsyncSession, code: str) -> uuid.UUID | None:
    return await queries.unit_id_by_code(session, code)


async def latest(session: AsyncSession, today: date) -> list[tuple[str, Any]]:
    """(unit code, snapshot) of each open unit's latest snapshot."""
    return await queries.latest_snapshots(session, today)
