"""The triggers that mark the neighbours of a new or changed record stale (the records born the same day) scan
each table once, whatever the planner believes of the tables' sizes (issue 17). A 50,000-row import failed CI:
with statistics saying `profiles` and `profile_findings` were empty (what autovacuum records while a first import's
rows are uncommitted), the trigger joined them by nested loops with a join filter, every stored verdict against
every neighbour, 0.5 s more per chunk for every 1,000 rows already in the transaction. The plans of the trigger's
statements are read as PostgreSQL makes them (auto_explain, nested statements) under exactly those statistics."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from tests.factories import make_profile, make_unit

BORN = date(1979, 9, 2)


async def _plans_of(session: AsyncSession, statement: str, params: dict[str, Any]) -> list[str]:
    """The plans of `statement` and of every statement its triggers run."""
    raw = await (await session.connection()).get_raw_connection()
    driver: Any = raw.driver_connection
    plans: list[str] = []

    def heard(_: Any, message: Any) -> None:
        plans.append(str(message.message))

    await session.execute(text("LOAD 'auto_explain'"))
    for setting in ("auto_explain.log_min_duration = 0", "auto_explain.log_nested_statements = on",
                    "auto_explain.log_analyze = on", "auto_explain.log_level = notice"):
        await session.execute(text(f"SET LOCAL {setting}"))
    driver.add_log_listener(heard)
    try:
        await session.execute(text(statement), params)
    finally:
        driver.remove_log_listener(heard)
        await session.execute(text("SET LOCAL auto_explain.log_min_duration = -1"))
    return plans


def _compared_in_vain(plans: list[str]) -> int:
    """How many row pairs the marking statements compared and threw away: a join filter that is not a hash or
    index condition compares every row of one side with every row of the other."""
    marking = [p for p in plans if "profile_findings" in p]
    assert marking, "the trigger's statements were not seen"
    return sum(int(n) for p in marking for n in re.findall(r"Rows Removed by Join Filter: (\d+)", p))


async def _as_if_empty(session: AsyncSession) -> None:
    await session.execute(text("UPDATE pg_class SET relpages = 520, reltuples = 0 "
                               "WHERE relname IN ('profiles', 'profile_findings')"))


async def test_a_change_of_many_records_marks_their_neighbours_each_scanned_once(session: AsyncSession) -> None:
    unit = await make_unit(session)
    for i in range(30):
        await make_profile(session, unit=unit, birth_date=BORN if i % 3 else date(1980 + i, 1, 1))
    await _as_if_empty(session)
    plans = await _plans_of(session, "UPDATE profiles SET birth_date = birth_date + 1 WHERE org_unit_id = :u",
                            {"u": unit.id})
    assert _compared_in_vain(plans) <= 30, "\n\n".join(plans)
    stale = (await session.execute(text(
        "SELECT count(*) FROM profile_findings f JOIN profiles p ON p.id = f.profile_id "
        "WHERE p.org_unit_id = :u AND f.stale_at IS NOT NULL"), {"u": unit.id})).scalar()
    assert stale == 30


async def test_new_records_mark_the_records_born_that_day_each_scanned_once(session: AsyncSession) -> None:
    unit = await make_unit(session)
    born_that_day = [(await make_profile(session, unit=unit, birth_date=BORN)).id for _ in range(10)]
    await session.execute(text("UPDATE profile_findings SET stale_at = NULL WHERE profile_id = ANY(:ids)"),
                          {"ids": born_that_day})
    await _as_if_empty(session)
    # Ten new records in one statement, as an import's COPY stores a chunk (copies of the ten, new ids and IDs).
    plans = await _plans_of(session, """
        INSERT INTO profiles (id, org_unit_id, category, status, version, data, full_name, sex, birth_date,
                              citizen_id_enc, key_id, citizen_id_hmac, sensitive_enc)
        SELECT gen_random_uuid(), org_unit_id, category, status, version, data, full_name, sex, birth_date,
               citizen_id_enc, key_id, sha256(citizen_id_hmac), sensitive_enc
        FROM profiles WHERE id = ANY(:ids)""", {"ids": born_that_day})
    assert _compared_in_vain(plans) <= 10, "\n\n".join(plans)
    stale = (await session.execute(text(
        "SELECT count(*) FROM profile_findings WHERE stale_at IS NOT NULL AND profile_id = ANY(:ids)"),
        {"ids": born_that_day})).scalar()
    assert stale == 10
