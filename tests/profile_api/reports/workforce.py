"""The world of the workforce statistics tests (the demo province, plus people who joined, left and moved
in 2026, and the accounts that ask) and counts of it made here, independently of the code under test:
SQL `GROUP BY` for what is stored in plain columns and JSONB, a decrypting loop for the sealed Party dates."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from httpx import AsyncClient
from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncSession

from hoso_devstack import demo
from hoso_shared import records
from hoso_shared.auth import TokenIssuer
from hoso_shared.db.models import OrgUnit, Profile, ProfileAssignment, ProfileSectionRow
from hoso_shared.time import ZONE
from tests.factories import CIPHER, bearer, make_account, make_profile, make_unit, principal_for

AS_OF = date(2026, 6, 30)
YEAR = (date(2026, 1, 1), date(2026, 12, 31))
URL = "/api/v1/reports/workforce"
# Loại per ngạch code, written out from DOMAIN §5.2 (not read from the code tables under test).
GROUP = {"01.001": "A3", "01.002": "A2", "01.003": "A1", "01.004": "A0", "01.005": "B", "02.006": "A2",
         "02.007": "A1", "02.008": "B", "06.031": "A1"}
QUALIFICATION = {"Đại học": "dai_hoc", "Thạc sĩ": "thac_si", "Tiến sĩ": "tien_si", None: "none"}


@dataclass
class World:
    units: dict[str, OrgUnit]
    outside: OrgUnit
    auth: dict[str, dict[str, str]] = field(default_factory=dict)
    people: dict[str, Profile] = field(default_factory=dict)


def _at(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 10, tzinfo=ZONE)


async def person(session: AsyncSession, unit: OrgUnit, stints: list[tuple[OrgUnit, date, date | None]], *,
                  archived: date | None = None, **items: Any) -> Profile:
    """A record with the given assignment history (it is in `unit` now)."""
    status = "retired" if archived else "active"
    profile = await make_profile(session, unit=unit, items=items, status=status,
                                 archived_at=_at(archived) if archived else None)
    session.add_all(ProfileAssignment(profile_id=profile.id, org_unit_id=at.id, valid_from=start, valid_to=end,
                                      reason="test") for at, start, end in stints)
    await session.flush()
    return profile


async def _moves(session: AsyncSession, world: World) -> None:
    """Who joined, left and moved in 2026, around the demo's settled staff."""
    u, out = world.units, world.outside
    stc_vp, sgd_tc = u["01.STC.VP"], u["01.SGD.TC"]
    world.people = {
        "joiner": await person(session, stc_vp, [(stc_vp, date(2026, 2, 1), None)], first_recruited_on="2026-02-01"),
        "late": await person(session, sgd_tc, [(sgd_tc, date(2026, 9, 1), None)], first_recruited_on="2026-09-01"),
        "incoming": await person(session, sgd_tc, [(out, date(2010, 1, 1), date(2026, 3, 15)),
                                                    (sgd_tc, date(2026, 3, 15), None)],
                                  first_recruited_on="2010-01-01", joined_agency_on="2026-03-15"),
        "retiree": await person(session, u["01.STC.NS"], [(u["01.STC.NS"], date(2000, 1, 1), date(2026, 4, 1))],
                                 archived=date(2026, 4, 3)),
        # Archived by a bare update that left the assignment open: it ends the day of archiving.
        "left_open": await person(session, u["01.00004.KT"], [(u["01.00004.KT"], date(2001, 1, 1), None)],
                                   archived=date(2026, 5, 10)),
        "mover": await person(session, u["01.SGD.THPT"], [(stc_vp, date(2010, 1, 1), date(2026, 3, 1)),
                                                           (u["01.SGD.THPT"], date(2026, 3, 1), None)]),
        "transferred": await person(session, out, [(u["01.00004.KT"], date(2005, 1, 1), date(2026, 5, 1)),
                                                    (out, date(2026, 5, 1), None)]),
        # Retires after AS_OF: still counted on AS_OF, though the record is archived now.
        "retiring": await person(session, stc_vp, [(stc_vp, date(2003, 1, 1), date(2026, 7, 10))],
                                  archived=date(2026, 7, 10)),
    }


async def _trainings(session: AsyncSession, world: World) -> None:
    """Political-theory and state-management rows on some demo records, some finished after AS_OF."""
    moved = [p.id for p in world.people.values()]
    ids = list((await session.execute(select(Profile.id).where(Profile.id.not_in(moved))
                                      .order_by(Profile.id).limit(12))).scalars())
    rows = [("training-political", "Sơ cấp", "2015-06-01"), ("training-political", "Trung cấp", "2019-06-01"),
            ("training-political", "Cao cấp", "2024-01-01"), ("training-political", "Cao cấp", "2026-12-01"),
            ("training-state-management", "Chuyên viên", "2012-01-01"),
            ("training-state-management", "Chuyên viên chính", "2020-01-01"),
            ("training-state-management", "Cán sự", "2010-01-01"),
            ("training-state-management", "Chuyên viên cao cấp", "2026-10-01")]
    for n, profile_id in enumerate(ids):
        for position, (section, award, ended) in enumerate(rows[n % len(rows): n % len(rows) + 2]):
            session.add(ProfileSectionRow(profile_id=profile_id, section=section, position=position,
                                          data={"institution": "Học viện", "award": award, "to_date": ended}))
    await session.flush()


async def world(session: AsyncSession, issuer: TokenIssuer) -> World:
    await demo.load(session, CIPHER)
    units = {u.code: u for u in (await session.execute(select(OrgUnit))).scalars() if u.code.startswith("01")}
    made = World(units, await make_unit(session, type="province"))
    await _moves(session, made)
    await _trainings(session, made)
    for role, code in (("doha_admin", "01"), ("agency_admin", "01.STC"), ("approver", "01.STC"),
                       ("hr_system", "01.STC"), ("doha_admin_elsewhere", None)):
        at = units[code] if code else made.outside
        account = await make_account(session, unit=at, role=role.removesuffix("_elsewhere"))
        made.auth[role] = bearer(issuer, principal_for(account, at))
    client = await make_account(session, unit=units["01"], role="service", kind="client")
    made.auth["reports_only"] = bearer(issuer, principal_for(client, units["01"], scopes={"reports:read"}))
    return made


async def get(api: AsyncClient, auth: dict[str, str], unit: OrgUnit | None = None, **params: Any) -> Any:
    if unit is not None:
        params["org_unit_id"] = str(unit.id)
    return await api.get(URL, headers=auth, params=params)


# --- the independent count --------------------------------------------------------------------------

LOCAL_DAY = "(p.archived_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date"
PRESENT = f"""
    SELECT DISTINCT p.id FROM profiles p
    JOIN profile_assignments a ON a.profile_id = p.id JOIN org_units u ON u.id = a.org_unit_id
    WHERE u.path LIKE :prefix AND a.valid_from <= :d AND (a.valid_to IS NULL OR a.valid_to > :d)
      AND (a.valid_to IS NOT NULL OR p.archived_at IS NULL OR {LOCAL_DAY} > :d)
      AND p.version > 0"""  # noqa: S608 - this test's own SQL; values are bound
AGE = "date_part('year', age(CAST(:d AS date), p.birth_date))"
BAND = (f"CASE WHEN {AGE} < 30 THEN 'under_30' WHEN {AGE} < 40 THEN '30_39' WHEN {AGE} < 50 THEN '40_49' "
        f"WHEN {AGE} < 60 THEN '50_59' ELSE '60_over' END")


def _highest(section: str, levels: dict[str, str]) -> str:
    """The key of the highest award (levels: award text → key, highest first) finished by :d."""
    n = len(levels)
    ranks = " ".join(f"WHEN '{award}' THEN {n - i}" for i, award in enumerate(levels))
    names = " ".join(f"WHEN {n - i} THEN '{key}'" for i, key in enumerate(levels.values()))
    sql = (f"coalesce((SELECT CASE max(CASE s.data->>'award' {ranks} END) {names} END FROM profile_section_rows s "  # noqa: S608
            f"WHERE s.profile_id = p.id AND s.section = '{section}' AND (s.data->>'to_date')::date <= :d), 'none')")
    return sql


POLITICAL = {"Cao cấp": "cao_cap", "Trung cấp": "trung_cap", "Sơ cấp": "so_cap"}
STATE = {"Chuyên viên cao cấp": "chuyen_vien_cao_cap", "Chuyên viên chính": "chuyen_vien_chinh",
         "Chuyên viên": "chuyen_vien", "Cán sự": "can_su"}
SQL_DIMENSIONS = {
    "category": "p.category", "sex": "p.sex", "rank": "coalesce(p.rank_code, 'none')",
    "ethnicity": "coalesce(p.data->>'ethnicity_code', 'none')", "age_band": BAND,
    "age_band_by_sex": f"p.sex || ':' || {BAND}", "highest_qualification": "p.data->>'highest_qualification'",
    "political_theory": _highest("training-political", POLITICAL),
    "state_management": _highest("training-state-management", STATE),
}


async def _group(session: AsyncSession, expression: str, prefix: str, day: date) -> dict[Any, int]:
    stmt = text(f"WITH present AS ({PRESENT}) SELECT {expression} AS k, count(*) FROM profiles p "  # noqa: S608
                "WHERE p.id IN (SELECT id FROM present) GROUP BY 1")
    return {k: n for k, n in await session.execute(stmt, {"prefix": prefix + "%", "d": day})}


async def _party(session: AsyncSession, prefix: str, day: date) -> dict[str, int]:
    ids = (await session.execute(text(PRESENT), {"prefix": prefix + "%", "d": day})).scalars().all()
    counts = {"member": 0, "non_member": 0}
    for profile in (await session.execute(select(Profile).where(Profile.id.in_(ids)))).scalars():
        joined = records.read_items(profile, CIPHER, sensitive=True).get("party_joined_on")
        counts["member" if joined and date.fromisoformat(joined) <= day else "non_member"] += 1
    return counts


async def _flows(session: AsyncSession, prefix: str, first: date, last: date) -> tuple[int, int]:
    args = {"prefix": prefix + "%", "first": first, "last": last}
    recruited = text(f"""SELECT count(DISTINCT p.id) FROM profiles p
        JOIN profile_assignments a ON a.profile_id = p.id JOIN org_units u ON u.id = a.org_unit_id
        WHERE u.path LIKE :prefix AND p.version > 0 AND a.valid_from <= :last
          AND (a.valid_to IS NULL OR a.valid_to > :first)
          AND (a.valid_to IS NOT NULL OR p.archived_at IS NULL OR {LOCAL_DAY} > :first)
          AND ((p.data->>'first_recruited_on')::date BETWEEN :first AND :last
               OR (p.data->>'joined_agency_on')::date BETWEEN :first AND :last)""")  # noqa: S608 - this test's own SQL; values are bound
    departed = text(f"""SELECT count(DISTINCT p.id) FROM profiles p
        JOIN profile_assignments a ON a.profile_id = p.id JOIN org_units u ON u.id = a.org_unit_id
        WHERE u.path LIKE :prefix AND p.version > 0 AND (
          (a.valid_to BETWEEN :first AND :last AND NOT EXISTS (
             SELECT 1 FROM profile_assignments b JOIN org_units v ON v.id = b.org_unit_id
             WHERE b.profile_id = a.profile_id AND v.path LIKE :prefix AND b.valid_from <= a.valid_to
               AND (b.valid_to IS NULL OR b.valid_to > a.valid_to)))
          OR (a.valid_to IS NULL AND p.archived_at IS NOT NULL AND {LOCAL_DAY} BETWEEN :first AND :last))""")  # noqa: S608 - this test's own SQL; values are bound
    return ((await session.execute(recruited, args)).scalar_one(), (await session.execute(departed, args)).scalar_one())


async def independent_counts(session: AsyncSession, unit: OrgUnit, day: date) -> dict[str, Any]:
    by = {name: await _group(session, expression, unit.path, day) for name, expression in SQL_DIMENSIONS.items()}
    by["highest_qualification"] = {QUALIFICATION[k]: n for k, n in by["highest_qualification"].items()}
    groups: dict[str, int] = {}
    for code, n in by["rank"].items():
        groups[GROUP.get(code, "none")] = groups.get(GROUP.get(code, "none"), 0) + n
    by["rank_group"], by["party"] = groups, await _party(session, unit.path, day)
    recruited, departed = await _flows(session, unit.path, date(day.year, 1, 1), date(day.year, 12, 31))
    return {"total": sum(by["category"].values()), "by": by, "recruited": recruited, "departed": departed}


def nonzero(by: dict[str, dict[str, int]]) -> dict[str, dict[str, int]]:
    return {dimension: {k: n for k, n in counts.items() if n} for dimension, counts in by.items()}
