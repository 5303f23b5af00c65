"""The content of a unit's quarterly review: its data-quality scorecard per criterion, its sync counts in
the quarter, its outstanding change requests and its overdue items. Counts only, never a person's data:
no names, no citizen IDs, no birth dates (the scorecard's worst records are left out).

Strings, integers and nulls only (shares are decimal strings such as "66.67"), so its canonical form is
stable (see `signing`). The quality part and the outstanding and overdue items are as of generation;
the sync counts cover the quarter up to then."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from hoso_shared.auth import Principal
from hoso_shared.crypto import FieldCipher
from hoso_shared.db import progress
from hoso_shared.db.calendar import load_calendar
from hoso_shared.db.models import OrgUnit
from hoso_shared.deadlines import DeadlinePolicy
from hoso_shared.time import local_day
from profile_api.quality import service as quality
from profile_api.reports.reviews import queries
from profile_api.reports.reviews.quarters import Quarter, deadline

SCHEMA = "hoso-quarterly-review/1"
TOP_RULES = 10  # the rules that found the most records


def percent(part: int, whole: int) -> str | None:
    return f"{100 * part / whole:.2f}" if whole else None


def _moment(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


async def _quality(session: AsyncSession, principal: Principal, unit: OrgUnit, policy: DeadlinePolicy,
                   cipher: FieldCipher, now: datetime) -> dict[str, Any]:
    basis = quality.basis(policy, cipher, today=local_day(now))
    card = await quality.get_scorecard(session, principal, unit.id, basis, worst=0)
    return {
        "as_of": card.as_of.isoformat(), "records": card.records, "blocking": card.blocking,
        "criteria": [{"criterion": c.criterion, "passing": c.passing, "percent": percent(c.passing, card.records)}
                     for c in card.criteria],
        "rules": [{"code": r.code, "criterion": r.criterion, "severity": r.severity, "records": r.records,
                   "findings": r.findings} for r in card.rules[:TOP_RULES]],
    }


async def _sync(session: AsyncSession, unit: OrgUnit, since: datetime, until: datetime) -> dict[str, int]:
    """The quarter's sync, as sync progress counts it (`hoso_shared.db.progress`): records kept and changed,
    then the changes approved, released, synced, acknowledged and rejected, as the ministry's table does."""
    counts = (await progress.counts(session, [unit.id], since, until))[unit.id]
    after_change = ("approved", "released", "synced", "acknowledged", "rejected")
    return {"total": counts.total, "changed": counts.records["changed"],
            **{stage: counts.changes[stage] for stage in after_change}}


async def _change_requests(session: AsyncSession, path: str) -> dict[str, Any]:
    by_state = {state: {"count": count, "oldest_since": _moment(oldest)}
                for state, count, oldest in await queries.outstanding(session, path)}
    found = await queries.oldest_outstanding(session, path)
    oldest = None if found is None else {"id": str(found[0]), "state": found[1], "since": found[2].isoformat()}
    return {"outstanding": sum(s["count"] for s in by_state.values()), "by_state": by_state, "oldest": oldest}


async def _overdue(session: AsyncSession, path: str, policy: DeadlinePolicy, now: datetime) -> dict[str, Any]:
    days, today = await load_calendar(session), local_day(now)
    late = sorted(at for at in await queries.submitted_waiting(session, path)
                  if policy.request_overdue(local_day(at), today, days))
    cutoff = policy.latest_overdue_arrival(today, days)
    return {
        "change_requests": len(late), "oldest_overdue_since": _moment(late[0]) if late else None,
        "incoming_without_account": await queries.incoming_without_account(session, path, cutoff),
    }


async def build(session: AsyncSession, principal: Principal, unit: OrgUnit, quarter: Quarter, *, policy: DeadlinePolicy,
                cipher: FieldCipher, now: datetime) -> dict[str, Any]:
    until = min(quarter.ends_at, now)
    return {
        "schema": SCHEMA, "quarter": str(quarter), "policy": policy.name, "generated_at": now.isoformat(),
        "org_unit": {"id": str(unit.id), "code": unit.code, "name": unit.name},
        "period": {"from": quarter.first_day.isoformat(), "to": quarter.last_day.isoformat()},
        "deadline": deadline(quarter, policy).isoformat(),
        "quality": await _quality(session, principal, unit, policy, cipher, now),
        "sync": {"since": quarter.starts_at.isoformat(), "until": until.isoformat(),
                 **await _sync(session, unit, quarter.starts_at, until)},
        "change_requests": await _change_requests(session, unit.path),
        "overdue": await _overdue(session, unit.path, policy, now),
    }
