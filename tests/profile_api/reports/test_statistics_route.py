"""GET /api/v1/reports/workforce: who may read which subtree (and the sealed Party counts), the CSV and
XLSX files, and the parameters refused."""

from __future__ import annotations

import csv
import io
import uuid

from httpx import AsyncClient
from openpyxl import load_workbook  # type: ignore[import-untyped]
from sqlalchemy.ext.asyncio import AsyncSession

from hoso_shared.auth import TokenIssuer
from tests.profile_api.reports.workforce import AS_OF, URL, get, independent_counts, world


class TestAccess:
    async def test_an_agency_admin_sees_only_its_subtree(self, session: AsyncSession, profile_api: AsyncClient,
                                                         token_issuer: TokenIssuer) -> None:
        made = await world(session, token_issuer)
        mine = await get(profile_api, made.auth["agency_admin"], as_of=AS_OF.isoformat())  # default: own unit
        assert mine.status_code == 200, mine.text
        stc = made.units["01.STC"]
        assert mine.json()["org_unit"]["code"] == "01.STC"
        assert mine.json()["total"] == (await independent_counts(session, stc, AS_OF))["total"]
        by_doha = await get(profile_api, made.auth["doha_admin"], stc, as_of=AS_OF.isoformat())
        assert by_doha.json() == mine.json()
        sub = await get(profile_api, made.auth["agency_admin"], made.units["01.STC.VP"])
        assert sub.status_code == 200
        for unit in (made.units["01"], made.units["01.SGD"], made.units["01.00004.KT"], made.outside):
            refused = await get(profile_api, made.auth["agency_admin"], unit)
            assert refused.status_code == 404, unit.code
            assert unit.name not in refused.text
        assert (await get(profile_api, made.auth["doha_admin_elsewhere"], made.units["01"])).status_code == 404
        unknown = await profile_api.get(URL, headers=made.auth["doha_admin"], params={"org_unit_id": str(uuid.uuid4())})
        assert unknown.status_code == 404

    async def test_only_report_readers(self, session: AsyncSession, profile_api: AsyncClient,
                                       token_issuer: TokenIssuer) -> None:
        made = await world(session, token_issuer)
        for role in ("approver", "hr_system"):  # no reports:read
            assert (await get(profile_api, made.auth[role])).status_code == 403, role
        assert (await profile_api.get(URL)).status_code == 401

    async def test_party_only_for_readers_of_sensitive_items(self, session: AsyncSession, profile_api: AsyncClient,
                                                             token_issuer: TokenIssuer) -> None:
        made = await world(session, token_issuer)
        plain = await get(profile_api, made.auth["reports_only"], as_of=AS_OF.isoformat())
        full = await get(profile_api, made.auth["doha_admin"], as_of=AS_OF.isoformat())
        assert plain.status_code == full.status_code == 200
        assert "party" not in plain.json()["by"] and "party" in full.json()["by"]
        assert {k: v for k, v in full.json()["by"].items() if k != "party"} == plain.json()["by"]


class TestFiles:
    async def test_csv_and_xlsx_hold_the_same_numbers(self, session: AsyncSession, profile_api: AsyncClient,
                                                      token_issuer: TokenIssuer) -> None:
        made = await world(session, token_issuer)
        auth, stc = made.auth["agency_admin"], made.units["01.STC"]
        stats = (await get(profile_api, auth, stc, as_of=AS_OF.isoformat())).json()
        expected = {("total", "all"): stats["total"], ("recruited", "2026-01-01/2026-12-31"): stats["recruited"],
                    ("departed", "2026-01-01/2026-12-31"): stats["departed"],
                    **{(d, v): n for d, counts in stats["by"].items() for v, n in counts.items()}}

        as_csv = await get(profile_api, auth, stc, as_of=AS_OF.isoformat(), format="csv")
        assert as_csv.status_code == 200
        assert as_csv.headers["content-type"] == "text/csv; charset=utf-8"
        assert as_csv.headers["content-disposition"] == 'attachment; filename="hoso-workforce-01.STC-2026-06-30.csv"'
        table = list(csv.reader(io.StringIO(as_csv.content.decode("utf-8-sig"))))
        assert table[0] == ["dimension", "value", "count"]
        assert {(d, v): int(n) for d, v, n in table[1:]} == expected
        assert len(table) == len(expected) + 1

        as_xlsx = await get(profile_api, auth, stc, as_of=AS_OF.isoformat(), format="xlsx")
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
