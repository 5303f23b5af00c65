"""GET /api/v1/reports/workforce and its CLI: the workforce statistics of a subtree on a day.

The acceptance test loads the demo province (`hoso_shared.devstack.demo`) in the test's transaction,
adds people who joined, left and moved in 2026, and checks every dimension against counts made here
independently: SQL `GROUP BY` for what is stored in plain columns and JSONB, a decrypting loop for the
sealed Party dates."""

from __future__ import annotations

import csv
import io
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from httpx import AsyncClient
from openpyxl import load_workbook  # type: ignore[import-untyped]
from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncSession

from hoso_shared import records
from hoso_shared.auth import TokenIssuer
from hoso_shared.codes import RANKS
from hoso_shared.codes.rank_groups import MAIN_GROUPS, rank_group
from hoso_shared.db.models import OrgUnit, OrgUnitPeriod, Profile, ProfileAssignment, ProfileSectionRow
from hoso_shared.devstack import demo
from profile_api.reports.statistics import __main__ as cli
from profile_api.reports.statistics import levels, membership, queries, tally
from profile_api.settings import Settings
from tests.conftest import settings_env
from tests.factories import CIPHER, bearer, make_account, make_profile, make_unit, principal_for

VN = ZoneInfo("Asia/Ho_Chi_Minh")
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
    return datetime(day.year, day.month, day.day, 10, tzinfo=VN)


async def _person(session: AsyncSession, unit: OrgUnit, stints: list[tuple[OrgUnit, date, date | None]], *,
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
        "joiner": await _person(session, stc_vp, [(stc_vp, date(2026, 2, 1), None)], first_recruited_on="2026-02-01"),
        "late": await _person(session, sgd_tc, [(sgd_tc, date(2026, 9, 1), None)], first_recruited_on="2026-09-01"),
        "incoming": await _person(session, sgd_tc, [(out, date(2010, 1, 1), date(2026, 3, 15)),
                                                    (sgd_tc, date(2026, 3, 15), None)],
                                  first_recruited_on="2010-01-01", joined_agency_on="2026-03-15"),
        "retiree": await _person(session, u["01.STC.NS"], [(u["01.STC.NS"], date(2000, 1, 1), date(2026, 4, 1))],
                                 archived=date(2026, 4, 3)),
        # Archived by a bare update that left the assignment open: it ends the day of archiving.
        "left_open": await _person(session, u["01.00004.KT"], [(u["01.00004.KT"], date(2001, 1, 1), None)],
                                   archived=date(2026, 5, 10)),
        "mover": await _person(session, u["01.SGD.THPT"], [(stc_vp, date(2010, 1, 1), date(2026, 3, 1)),
                                                           (u["01.SGD.THPT"], date(2026, 3, 1), None)]),
        "transferred": await _person(session, out, [(u["01.00004.KT"], date(2005, 1, 1), date(2026, 5, 1)),
                                                    (out, date(2026, 5, 1), None)]),
        # Retires after AS_OF: still counted on AS_OF, though the record is archived now.
        "retiring": await _person(session, stc_vp, [(stc_vp, date(2003, 1, 1), date(2026, 7, 10))],
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


async def _get(api: AsyncClient, auth: dict[str, str], unit: OrgUnit | None = None, **params: Any) -> Any:
    if unit is not None:
        params["org_unit_id"] = str(unit.id)
    return await api.get(URL, headers=auth, params=params)


# --- the independent count --------------------------------------------------------------------------

LOCAL_DAY = "(p.archived_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date"
PRESENT = f"""
    SELECT DISTINCT p.id FROM profiles p
    JOIN profile_assignments a ON a.profile_id = p.id JOIN org_units u ON u.id = a.org_unit_id
    WHERE u.path LIKE :prefix AND a.valid_from <= :d AND (a.valid_to IS NULL OR a.valid_to > :d)
      AND (a.valid_to IS NOT NULL OR p.archived_at IS NULL OR {LOCAL_DAY} > :d)"""  # noqa: S608 - this test's own SQL; values are bound
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
        WHERE u.path LIKE :prefix AND a.valid_from <= :last AND (a.valid_to IS NULL OR a.valid_to > :first)
          AND (a.valid_to IS NOT NULL OR p.archived_at IS NULL OR {LOCAL_DAY} > :first)
          AND ((p.data->>'first_recruited_on')::date BETWEEN :first AND :last
               OR (p.data->>'joined_agency_on')::date BETWEEN :first AND :last)""")  # noqa: S608 - this test's own SQL; values are bound
    departed = text(f"""SELECT count(DISTINCT p.id) FROM profiles p
        JOIN profile_assignments a ON a.profile_id = p.id JOIN org_units u ON u.id = a.org_unit_id
        WHERE u.path LIKE :prefix AND (
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


class TestAcceptance:
    @pytest.mark.parametrize("day", [AS_OF, date(2018, 6, 30)])
    async def test_statistics_on_the_demo_data_equal_independent_sql_counts(
            self, session: AsyncSession, profile_api: AsyncClient, token_issuer: TokenIssuer, day: date) -> None:
        made = await world(session, token_issuer)
        for code in ("01", "01.STC", "01.00004"):
            unit = made.units[code]
            response = await _get(profile_api, made.auth["doha_admin"], unit, as_of=day.isoformat())
            assert response.status_code == 200, response.text
            stats = response.json()
            expected = await independent_counts(session, unit, day)
            assert stats["total"] == expected["total"] > 0, code
            assert nonzero(stats["by"]) == expected["by"], code
            assert (stats["recruited"], stats["departed"]) == (expected["recruited"], expected["departed"]), code
            assert all(sum(counts.values()) == stats["total"] for counts in stats["by"].values())
            assert stats["org_unit"] == {"id": str(unit.id), "code": code, "name": unit.name}
            assert stats["period"] == {"from": f"{day.year}-01-01", "to": f"{day.year}-12-31"}

    async def test_the_movements_of_2026(self, session: AsyncSession, profile_api: AsyncClient,
                                         token_issuer: TokenIssuer) -> None:
        made = await world(session, token_issuer)
        stats = (await _get(profile_api, made.auth["doha_admin"], made.units["01"], as_of=AS_OF.isoformat())).json()
        # joiner, late (after AS_OF but in the year), incoming (item 14); the demo's staff joined years ago
        assert stats["recruited"] == 3
        # retiree, left_open, transferred, retiring; the mover stayed inside the province
        assert stats["departed"] == 4
        stc = (await _get(profile_api, made.auth["doha_admin"], made.units["01.STC"], as_of=AS_OF.isoformat())).json()
        assert (stc["recruited"], stc["departed"]) == (1, 3)  # joiner; retiree, retiring, and the mover left STC

    async def test_a_past_day_leaves_out_who_joined_later(self, session: AsyncSession, profile_api: AsyncClient,
                                                          token_issuer: TokenIssuer) -> None:
        made = await world(session, token_issuer)
        tc, auth = made.units["01.SGD.TC"], made.auth["doha_admin"]
        before = (await _get(profile_api, auth, tc, as_of="2026-08-31")).json()
        after = (await _get(profile_api, auth, tc, as_of="2026-09-01")).json()
        assert after["total"] == before["total"] + 1  # "late" joined on 1 September
        early = (await _get(profile_api, auth, tc, as_of="2026-03-14")).json()
        assert early["total"] == before["total"] - 1  # "incoming" came on 15 March
        then, now = [(await _get(profile_api, auth, made.units["01"], as_of=d)).json()["total"]
                     for d in ("2005-01-01", AS_OF.isoformat())]
        assert then < now

    async def test_archived_people_count_until_they_left(self, session: AsyncSession, profile_api: AsyncClient,
                                                         token_issuer: TokenIssuer) -> None:
        made = await world(session, token_issuer)
        vp, auth = made.units["01.STC.VP"], made.auth["doha_admin"]
        totals = {d: (await _get(profile_api, auth, vp, as_of=d)).json()["total"]
                  for d in ("2026-07-09", "2026-07-10")}
        assert totals["2026-07-09"] == totals["2026-07-10"] + 1  # "retiring" left on 10 July
        kt = made.units["01.00004.KT"]
        left_open = {d: (await _get(profile_api, auth, kt, as_of=d)).json()["total"]
                     for d in ("2026-04-30", "2026-05-01", "2026-05-09", "2026-05-10")}
        assert left_open["2026-04-30"] - left_open["2026-05-01"] == 1  # "transferred" out on 1 May
        assert left_open["2026-05-09"] - left_open["2026-05-10"] == 1  # "left_open", archived on 10 May


class TestTreeHistory:
    async def test_a_unit_counts_where_it_stood_on_the_day(self, session: AsyncSession, profile_api: AsyncClient,
                                                           token_issuer: TokenIssuer) -> None:
        """X lay under A until 1 March 2026, then under B: its people count for A before, for B after."""
        p = await make_unit(session, type="province")
        a, b = await make_unit(session, parent=p), await make_unit(session, parent=p)
        x = await make_unit(session, parent=b, type="sub_unit")
        moved_on, old_path = date(2026, 3, 1), f"{a.path}{x.id.hex}/"
        session.add_all([OrgUnitPeriod(org_unit_id=x.id, name=x.name, type=x.type, parent_id=a.id, path=old_path,
                                       valid_from=date(2025, 7, 1), valid_to=moved_on, event="created"),
                         OrgUnitPeriod(org_unit_id=x.id, name=x.name, type=x.type, parent_id=b.id, path=x.path,
                                       valid_from=moved_on, event="moved")])
        await _person(session, x, [(x, date(2020, 1, 1), None)])
        doha = await make_account(session, unit=p, role="doha_admin")
        auth = bearer(token_issuer, principal_for(doha, p))

        async def total(unit: OrgUnit, day: str) -> int:
            return int((await _get(profile_api, auth, unit, as_of=day)).json()["total"])

        assert [await total(a, "2026-02-28"), await total(a, "2026-03-01")] == [1, 0]
        assert [await total(b, "2026-02-28"), await total(b, "2026-03-01")] == [0, 1]
        assert await total(a, "2021-01-01") == 1  # before the tree's recorded history: its first state
        assert (await _get(profile_api, auth, a, as_of="2026-06-30")).json()["departed"] == 1  # moved out with X
        assert (await _get(profile_api, auth, p, as_of="2026-06-30")).json()["departed"] == 0
        # A's own admin: X is not in their subtree today, so its past people are not theirs to count.
        admin_a = await make_account(session, unit=a, role="agency_admin")
        own = await _get(profile_api, bearer(token_issuer, principal_for(admin_a, a)), a, as_of="2026-02-28")
        assert own.json()["total"] == 0


class TestAccess:
    async def test_an_agency_admin_sees_only_its_subtree(self, session: AsyncSession, profile_api: AsyncClient,
                                                         token_issuer: TokenIssuer) -> None:
        made = await world(session, token_issuer)
        mine = await _get(profile_api, made.auth["agency_admin"], as_of=AS_OF.isoformat())  # default: own unit
        assert mine.status_code == 200, mine.text
        stc = made.units["01.STC"]
        assert mine.json()["org_unit"]["code"] == "01.STC"
        assert mine.json()["total"] == (await independent_counts(session, stc, AS_OF))["total"]
        by_doha = await _get(profile_api, made.auth["doha_admin"], stc, as_of=AS_OF.isoformat())
        assert by_doha.json() == mine.json()
        sub = await _get(profile_api, made.auth["agency_admin"], made.units["01.STC.VP"])
        assert sub.status_code == 200
        for unit in (made.units["01"], made.units["01.SGD"], made.units["01.00004.KT"], made.outside):
            refused = await _get(profile_api, made.auth["agency_admin"], unit)
            assert refused.status_code == 404, unit.code
            assert unit.name not in refused.text
        assert (await _get(profile_api, made.auth["doha_admin_elsewhere"], made.units["01"])).status_code == 404
        unknown = await profile_api.get(URL, headers=made.auth["doha_admin"], params={"org_unit_id": str(uuid.uuid4())})
        assert unknown.status_code == 404

    async def test_only_report_readers(self, session: AsyncSession, profile_api: AsyncClient,
                                       token_issuer: TokenIssuer) -> None:
        made = await world(session, token_issuer)
        for role in ("approver", "hr_system"):  # no reports:read
            assert (await _get(profile_api, made.auth[role])).status_code == 403, role
        assert (await profile_api.get(URL)).status_code == 401

    async def test_party_only_for_readers_of_sensitive_items(self, session: AsyncSession, profile_api: AsyncClient,
                                                             token_issuer: TokenIssuer) -> None:
        made = await world(session, token_issuer)
        plain = await _get(profile_api, made.auth["reports_only"], as_of=AS_OF.isoformat())
        full = await _get(profile_api, made.auth["doha_admin"], as_of=AS_OF.isoformat())
        assert plain.status_code == full.status_code == 200
        assert "party" not in plain.json()["by"] and "party" in full.json()["by"]
        assert {k: v for k, v in full.json()["by"].items() if k != "party"} == plain.json()["by"]


class TestFiles:
    async def test_csv_and_xlsx_hold_the_same_numbers(self, session: AsyncSession, profile_api: AsyncClient,
                                                      token_issuer: TokenIssuer) -> None:
        made = await world(session, token_issuer)
        auth, stc = made.auth["agency_admin"], made.units["01.STC"]
        stats = (await _get(profile_api, auth, stc, as_of=AS_OF.isoformat())).json()
        expected = {("total", "all"): stats["total"], ("recruited", "2026-01-01/2026-12-31"): stats["recruited"],
                    ("departed", "2026-01-01/2026-12-31"): stats["departed"],
                    **{(d, v): n for d, counts in stats["by"].items() for v, n in counts.items()}}

        as_csv = await _get(profile_api, auth, stc, as_of=AS_OF.isoformat(), format="csv")
        assert as_csv.status_code == 200
        assert as_csv.headers["content-type"] == "text/csv; charset=utf-8"
        assert as_csv.headers["content-disposition"] == 'attachment; filename="hoso-workforce-01.STC-2026-06-30.csv"'
        table = list(csv.reader(io.StringIO(as_csv.content.decode("utf-8-sig"))))
        assert table[0] == ["dimension", "value", "count"]
        assert {(d, v): int(n) for d, v, n in table[1:]} == expected
        assert len(table) == len(expected) + 1

        as_xlsx = await _get(profile_api, auth, stc, as_of=AS_OF.isoformat(), format="xlsx")
        assert as_xlsx.headers["content-type"] == (
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        assert as_xlsx.headers["content-disposition"].endswith('filename="hoso-workforce-01.STC-2026-06-30.xlsx"')
        book = load_workbook(io.BytesIO(as_xlsx.content), read_only=True)
        assert book.sheetnames == ["summary", *stats["by"]]
        summary = {k: v for k, v in book["summary"].iter_rows(values_only=True)}
        assert (summary["org_unit_code"], summary["as_of"], summary["total"], summary["recruited"],
                summary["departed"]) == ("01.STC", "2026-06-30", stats["total"], stats["recruited"], stats["departed"])
        for dimension, counts in stats["by"].items():
            rows = list(book[dimension].iter_rows(values_only=True))
            assert rows[0] == ("value", "count", "name")
            assert {v: n for v, n, _ in rows[1:]} == counts
        names = {v: name for v, _, name in list(book["ethnicity"].iter_rows(values_only=True))[1:]}
        assert names["01"] == "Kinh"
        book.close()

    async def test_bad_dates_and_formats_are_422(self, session: AsyncSession, profile_api: AsyncClient,
                                                 token_issuer: TokenIssuer) -> None:
        made = await world(session, token_issuer)
        auth = made.auth["doha_admin"]
        for params in ({"as_of": "2026-02-30"}, {"as_of": "30/06/2026"}, {"from": "2026-13-01"}, {"to": "soon"},
                       {"format": "docx"}, {"org_unit_id": "01"}):
            assert (await profile_api.get(URL, headers=auth, params=params)).status_code == 422, params
        reversed_period = await profile_api.get(URL, headers=auth, params={"from": "2026-05-01", "to": "2026-04-30"})
        assert reversed_period.status_code == 422
        assert reversed_period.json()["type"].endswith("invalid-period")
        one_day = await profile_api.get(URL, headers=auth, params={"from": "2026-05-01", "to": "2026-05-01",
                                                                    "as_of": AS_OF.isoformat()})
        assert one_day.json()["departed"] == 1  # "transferred" left on 1 May


class TestCli:
    async def test_writes_what_the_route_serves_with_progress_on_stderr(
            self, session: AsyncSession, profile_api: AsyncClient, token_issuer: TokenIssuer, db_url: str,
            sessionmaker: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
            capsys: pytest.CaptureFixture[str]) -> None:
        made = await world(session, token_issuer)
        monkeypatch.setattr(cli, "create_engine", lambda url, pool_size: _Engine())
        monkeypatch.setattr(cli, "create_sessionmaker", lambda engine: sessionmaker)  # the test's transaction
        monkeypatch.setattr(queries, "PAGE", 40)
        out = tmp_path / "stc.csv"
        args = cli._parser().parse_args(["--unit", "01.STC", "--as-of", "2026-06-30", "--format", "csv",
                                         "--out", str(out)])
        assert await cli.run(args, Settings(**settings_env(db_url))) == 0
        served = await _get(profile_api, made.auth["agency_admin"], made.units["01.STC"], as_of="2026-06-30",
                            format="csv")
        assert out.read_bytes() == served.content
        err = capsys.readouterr().err
        progress = [line for line in err.splitlines() if line.endswith("records read")]
        assert len(progress) >= 2 and progress[0].startswith("workforce statistics: 40/")
        assert "workforce statistics of 01.STC on 2026-06-30" in err

    async def test_usage_errors_exit_2(self, session: AsyncSession, db_url: str, sessionmaker: Any,
                                       monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setattr(cli, "create_engine", lambda url, pool_size: _Engine())
        monkeypatch.setattr(cli, "create_sessionmaker", lambda engine: sessionmaker)
        settings = Settings(**settings_env(db_url))
        assert cli.main(["--unit", "01"]) == 2  # no --out
        assert cli.main(["--unit", "01", "--as-of", "30/06/2026", "--out", "-"]) == 2
        unknown = cli._parser().parse_args(["--unit", "NO.SUCH.UNIT", "--out", "-"])
        assert await cli.run(unknown, settings) == 2
        backwards = cli._parser().parse_args(["--unit", "01", "--from", "2026-02-01", "--to", "2026-01-01",
                                              "--out", "-"])
        assert await cli.run(backwards, settings) == 2


class _Engine:
    async def dispose(self) -> None:
        return None


class TestPureParts:
    @pytest.mark.parametrize(("text", "level"), [
        ("Đại học", "dai_hoc"), ("Cử nhân Luật", "dai_hoc"), ("Kỹ sư xây dựng", "dai_hoc"),
        ("ThS. Quản lý công", "thac_si"), ("Thạc sĩ", "thac_si"), ("TSKH", "tien_si"), ("Tiến sĩ Kinh tế", "tien_si"),
        ("Cao đẳng", "cao_dang"),
        ("trung cấp", "trung_cap"), ("12/12", "other"), ("  ", "none"), (None, "none")])
    def test_qualification_levels(self, text: str | None, level: str) -> None:
        assert levels.level_of(text, levels.QUALIFICATION) == level

    def test_the_highest_training_counts(self) -> None:
        assert levels.highest(["Sơ cấp", "Cử nhân chính trị", "Trung cấp"], levels.POLITICAL_THEORY) == "cao_cap"
        assert levels.highest(["Bồi dưỡng ngạch chuyên viên chính", "Chuyên viên"],
                              levels.STATE_MANAGEMENT) == "chuyen_vien_chinh"
        assert levels.highest(["CVCC"], levels.STATE_MANAGEMENT) == "chuyen_vien_cao_cap"
        assert levels.highest(["Chứng chỉ A", None], levels.POLITICAL_THEORY) == "other"
        assert levels.highest([], levels.POLITICAL_THEORY) == "none"

    def test_rank_groups(self) -> None:
        assert {code: rank_group(code) for code in GROUP} == GROUP
        assert all(rank_group(entry.code) in MAIN_GROUPS for entry in RANKS)
        assert rank_group("99.999") is None

    def test_age_is_in_full_years_on_the_day(self) -> None:
        born = date(1996, 7, 1)
        assert [tally.age_band(tally.age_on(born, d)) for d in (date(2026, 6, 30), date(2026, 7, 1))] == [
            "under_30", "30_39"]
        assert [tally.age_band(a) for a in (39, 40, 59, 60, 75)] == ["30_39", "40_49", "50_59", "60_over", "60_over"]

    def test_stays_join_moves_inside_and_end_at_leaving(self) -> None:
        x, y, person = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
        inside = membership.inside_spans([
            membership.UnitPeriod(x, date(2025, 7, 1), None, True),
            membership.UnitPeriod(y, date(2025, 7, 1), date(2026, 1, 1), True),
            membership.UnitPeriod(y, date(2026, 1, 1), None, False)])
        assert inside[x] == [(date.min, date.max)] and inside[y] == [(date.min, date(2026, 1, 1))]
        stays = membership.stays([
            membership.Assignment(person, y, date(2010, 1, 1), date(2015, 1, 1), None),
            membership.Assignment(person, x, date(2015, 1, 1), None, date(2026, 5, 10))], inside)
        assert stays == {person: [(date(2010, 1, 1), date(2026, 5, 10))]}
        assert membership.present_on(stays, date(2026, 5, 9)) == {person}
        assert membership.present_on(stays, date(2026, 5, 10)) == set()
        assert membership.left_during(stays, date(2015, 1, 1), date(2015, 12, 31)) == set()
        assert membership.left_during(stays, date(2026, 1, 1), date(2026, 12, 31)) == {person}
