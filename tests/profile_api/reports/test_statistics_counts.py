"""GET /api/v1/reports/workforce: the workforce statistics of a subtree on a day, counted right.

The acceptance test loads the demo province (`hoso_devstack.demo`) in the test's transaction,
adds people who joined, left and moved in 2026, and checks every dimension against counts made
independently (tests/profile_api/reports/workforce.py): SQL `GROUP BY` for what is stored in plain
columns and JSONB, a decrypting loop for the sealed Party dates."""

from __future__ import annotations

from datetime import date

import pytest
from httpx import AsyncClient
from sqlalchemy.ext.asyncio import AsyncSession

from hoso_shared.auth import TokenIssuer
from hoso_shared.db.models import OrgUnit, OrgUnitPeriod
from tests.factories import bearer, make_account, make_unit, principal_for
from tests.profile_api.reports.workforce import AS_OF, get, independent_counts, nonzero, person, world


class TestAcceptance:
    @pytest.mark.parametrize("day", [AS_OF, date(2018, 6, 30)])
    async def test_statistics_on_the_demo_data_equal_independent_sql_counts(
            self, session: AsyncSession, profile_api: AsyncClient, token_issuer: TokenIssuer, day: date) -> None:
        made = await world(session, token_issuer)
        for code in ("01", "01.STC", "01.00004"):
            unit = made.units[code]
            response = await get(profile_api, made.auth["doha_admin"], unit, as_of=day.isoformat())
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
        stats = (await get(profile_api, made.auth["doha_admin"], made.units["01"], as_of=AS_OF.isoformat())).json()
        # joiner, late (after AS_OF but in the year), incoming (item 14); the demo's staff joined years ago
        assert stats["recruited"] == 3
        # retiree, left_open, transferred, retiring; the mover stayed inside the province
        assert stats["departed"] == 4
        stc = (await get(profile_api, made.auth["doha_admin"], made.units["01.STC"], as_of=AS_OF.isoformat())).json()
        assert (stc["recruited"], stc["departed"]) == (1, 3)  # joiner; retiree, retiring, and the mover left STC

    async def test_a_past_day_leaves_out_who_joined_later(self, session: AsyncSession, profile_api: AsyncClient,
                                                          token_issuer: TokenIssuer) -> None:
        made = await world(session, token_issuer)
        tc, auth = made.units["01.SGD.TC"], made.auth["doha_admin"]
        before = (await get(profile_api, auth, tc, as_of="2026-08-31")).json()
        after = (await get(profile_api, auth, tc, as_of="2026-09-01")).json()
        assert after["total"] == before["total"] + 1  # "late" joined on 1 September
        early = (await get(profile_api, auth, tc, as_of="2026-03-14")).json()
        assert early["total"] == before["total"] - 1  # "incoming" came on 15 March
        then, now = [(await get(profile_api, auth, made.units["01"], as_of=d)).json()["total"]
                     for d in ("2005-01-01", AS_OF.isoformat())]
        assert then < now

    async def test_archived_people_count_until_they_left(self, session: AsyncSession, profile_api: AsyncClient,
                                                         token_issuer: TokenIssuer) -> None:
        made = await world(session, token_issuer)
        vp, auth = made.units["01.STC.VP"], made.auth["doha_admin"]
        totals = {d: (await get(profile_api, auth, vp, as_of=d)).json()["total"]
                  for d in ("2026-07-09", "2026-07-10")}
        assert totals["2026-07-09"] == totals["2026-07-10"] + 1  # "retiring" left on 10 July
        kt = made.units["01.00004.KT"]
        left_open = {d: (await get(profile_api, auth, kt, as_of=d)).json()["total"]
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
        await person(session, x, [(x, date(2020, 1, 1), None)])
        doha = await make_account(session, unit=p, role="doha_admin")
        auth = bearer(token_issuer, principal_for(doha, p))

        async def total(unit: OrgUnit, day: str) -> int:
            return int((await get(profile_api, auth, unit, as_of=day)).json()["total"])

        assert [await total(a, "2026-02-28"), await total(a, "2026-03-01")] == [1, 0]
        assert [await total(b, "2026-02-28"), await total(b, "2026-03-01")] == [0, 1]
        assert await total(a, "2021-01-01") == 1  # before the tree's recorded history: its first state
        assert (await get(profile_api, auth, a, as_of="2026-06-30")).json()["departed"] == 1  # moved out with X
        assert (await get(profile_api, auth, p, as_of="2026-06-30")).json()["departed"] == 0
        # A's own admin: X is not in their subtree today, so its past people are not theirs to count.
        admin_a = await make_account(session, unit=a, role="agency_admin")
        own = await get(profile_api, bearer(token_issuer, principal_for(admin_a, a)), a, as_of="2026-02-28")
        assert own.json()["total"] == 0
