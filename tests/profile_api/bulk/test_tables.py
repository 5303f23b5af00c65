"""The workbook carries the whole record (issue 17): a sheet for the items and one per repeating table, keyed by
the citizen ID, so what the project exports it imports, tables included, and the imported records pass the rules
the flat layout could not (DU-QTCT-001: a serving official needs a current work-history row)."""

from __future__ import annotations

import copy
import io
from datetime import date
from typing import Any

from httpx import AsyncClient
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from hoso_shared import records
from hoso_shared.auth import TokenIssuer
from hoso_shared.db.models import OrgUnit, Profile
from hoso_shared.form import SECTIONS
from hoso_shared.validation import Context
from hoso_shared.validation.engine import judge
from profile_api.bulk import files
from profile_api.profiles.service import full_record
from tests.factories import CIPHER, bearer, make_account, make_profile, make_unit, principal_for
from tests.profile_api.bulk.helpers import read_xlsx, run, sheet_names

TODAY = date(2026, 11, 23)
PEOPLE: list[dict[str, Any]] = [
    {"full_name": "Lê Văn Tám", "sex": "M", "birth_date": date(1984, 7, 9), "citizen_id": "001084012345",
     "items": {"phone": "0912 345 678",
               "home_town": {"commune": "Xã Giao Thủy", "district": None, "province": "Tỉnh Ninh Bình", "detail": None},
               "salary_coefficient": "3.00", "salary_step": 4, "party_joined_on": "2012-05-19",
               "main_duties": "=1+2 không phải công thức"},
     "sections": {
         "work-history": [{"from_date": "2008-03-01", "to_date": "2014-08-01", "unit": "UBND phường Ba Đình",
                           "title": "Chuyên viên"},
                          {"from_date": "2014-08-01", "unit": "Sở Tài chính", "title": "Phó trưởng phòng"}],
         "training-professional": [{"from_date": "2002-09-01", "to_date": "2006-06-01",
                                    "institution": "Trường Đại học Kinh tế Quốc dân", "award": "Cử nhân"}],
         "salary-history": [{"from_date": "2008-03-01", "to_date": "2011-03-01", "rank_code": "01.003",
                             "salary_step": 1, "coefficient": "2.34"},
                            {"from_date": "2011-03-01", "rank_code": "01.003", "salary_step": 2,
                             "coefficient": "2.67"}],
         "allowance-history": [{"from_date": "2019-01-01", "kind": "Phụ cấp chức vụ", "coefficient": "0.30",
                                "percent": "100"}],
         "awards": [{"year": 2020, "professional_rating": "Hoàn thành xuất sắc nhiệm vụ", "award": "Bằng khen"}],
         "family": [{"relation": "Mẹ", "full_name": "Trần Thị Hoa", "birth_year": 1960,
                     "details": "Nam Định; hưu trí"}],
         "discipline": [{"from_date": "2016-01-01", "to_date": "2016-12-01", "form": "Khiển trách"}]}},
    {"full_name": "Phạm Thị Hoa", "sex": "F", "birth_date": date(1990, 3, 5), "citizen_id": "001190000123",
     "items": {"residence": {"commune": None, "district": None, "province": "Thành phố Hà Nội",
                            "detail": "12 Phố Đội Cấn"}},
     "sections": {"work-history": [{"from_date": "2015-04-01", "unit": "Sở Nội vụ"}],
                  "family-in-law": [{"relation": "Bố chồng", "full_name": "Ngô Văn Lạ"}]}},
]


def comparable(record: dict[str, Any]) -> dict[str, Any]:
    """A record without what a new copy gets anew: its ids."""
    out = {k: v for k, v in record.items() if k not in ("profile_id", "org_unit_id")}
    out["sections"] = {name: [{k: v for k, v in row.items() if k != "id"} for row in rows]
                       for name, rows in record["sections"].items()}
    return out


async def count(session: AsyncSession, unit: OrgUnit) -> int:
    stmt = select(func.count()).select_from(Profile).where(Profile.org_unit_id == unit.id)
    return int((await session.execute(stmt)).scalar_one())


class TestRoundTrip:
    async def test_an_export_imports_into_an_empty_database_with_its_tables_and_passes_du_qtct_001(
            self, session: AsyncSession, connection: AsyncConnection, profile_api: AsyncClient,
            token_issuer: TokenIssuer) -> None:
        """hanoi-2024 Điều 6 khoản 1–2: the record is the TT 06/2023 form, whole and in one technical format, so
        the export of a subtree (every table included) imports back into an empty database as equal records;
        Điều 7: each is a new record awaiting approval. Every imported serving official has a current work-history
        row, so none is kept out of the sync by DU-QTCT-001 (as every flat import's record was)."""
        root = await make_unit(session, type="province")
        unit = await make_unit(session, parent=root)
        sub = await make_unit(session, parent=unit, type="sub_unit")
        admin = await make_account(session, unit=unit, role="agency_admin")
        auth = bearer(token_issuer, principal_for(admin, unit))

        originals = await connection.begin_nested()  # the people exist only until the export is taken
        expected = {}
        for person, where in zip(PEOPLE, (unit, sub), strict=True):
            fields = {k: person[k] for k in ("full_name", "sex", "birth_date", "citizen_id")}
            profile = await make_profile(session, unit=where, items=copy.deepcopy(person["items"]), **fields)
            session.add_all(records.section_rows(profile.id, copy.deepcopy(person["sections"]), CIPHER))
            await session.flush()
            expected[person["citizen_id"]] = comparable(await full_record(session, profile, CIPHER))
        exported = await profile_api.get("/api/v1/bulk/export?format=xlsx", headers=auth)
        assert exported.status_code == 200, exported.text
        await originals.rollback()
        session.expunge_all()
        assert await count(session, unit) + await count(session, sub) == 0

        names = sheet_names(exported.content)
        assert names == ["profiles", *SECTIONS]
        work = read_xlsx(exported.content, sheet=names.index("work-history"))
        assert work[0] == ("citizen_id", "from_date", "to_date", "unit", "title")
        assert sorted(row[0] for row in work[1:]) == ["001084012345", "001084012345", "001190000123"]

        job = await run(profile_api, auth, exported.content, filename="export.xlsx", mode="all_or_nothing")
        assert (job["state"], job["created_count"], job["errors"]) == ("done", 2, []), job

        imported = (await session.execute(select(Profile).where(Profile.org_unit_id.in_([unit.id, sub.id])))
                    ).scalars().all()
        context = Context(today=TODAY)
        for profile in imported:
            record = await full_record(session, profile, CIPHER)
            got, want = comparable(record), expected[record["items"]["citizen_id"]]
            assert {k: v for k, v in got["items"].items() if want["items"].get(k) != v} == {}, want["items"]
            assert {k: v for k, v in got["sections"].items() if want["sections"].get(k) != v} == {}, want["sections"]
            assert got == want
            assert profile.version == 0  # pending: a `create` request awaits the approver (Điều 7)
            codes = {f.code for f in judge(record, context).findings}
            assert "DU-QTCT-001" not in codes, codes
            flat = {**record, "sections": {**record["sections"], "work-history": []}}
            assert "DU-QTCT-001" in {f.code for f in judge(flat, context).findings}  # what the flat layout gave

    async def test_without_the_sensitive_scope_the_sensitive_tables_stay_out(
            self, session: AsyncSession, profile_api: AsyncClient, token_issuer: TokenIssuer) -> None:
        unit = await make_unit(session)
        hr = await make_account(session, unit=unit, role="hr_system")
        person = PEOPLE[0]
        profile = await make_profile(session, unit=unit, items=copy.deepcopy(person["items"]),
                                     **{k: person[k] for k in ("full_name", "sex", "birth_date", "citizen_id")})
        session.add_all(records.section_rows(profile.id, copy.deepcopy(person["sections"]), CIPHER))
        await session.flush()
        exported = await profile_api.get("/api/v1/bulk/export", headers=bearer(token_issuer, principal_for(hr, unit)))
        names = sheet_names(exported.content)
        assert "family" not in names and "discipline" not in names and "work-history" in names
        assert "Trần Thị Hoa" not in str([read_xlsx(exported.content, sheet=i) for i in range(len(names))])


class TestTableSheets:
    async def test_table_rows_are_checked_and_orphans_reported(self, session: AsyncSession,
                                                               profile_api: AsyncClient,
                                                               token_issuer: TokenIssuer) -> None:
        unit = await make_unit(session)
        admin = await make_account(session, unit=unit, role="agency_admin")
        auth = bearer(token_issuer, principal_for(admin, unit))
        from tests.profile_api.bulk.helpers import People
        people = People(51).people(unit.code, 3)
        content = workbook({
            "profiles": [list(people[0]), *[[p[k] for k in people[0]] for p in people]],
            "work-history": [["citizen_id", "from_date", "to_date", "unit"],
                             [people[0]["citizen_id"], "03/2015", None, "Sở Nội vụ"],
                             [people[1]["citizen_id"], "2015-13", None, "Sở Nội vụ"],  # no 13th month
                             ["001099999999", "2015-01", None, "Không ai"]],
            "Hướng dẫn": [["anything", "is ignored"]],
        })
        job = await run(profile_api, auth, content, mode="valid_only")
        assert job["state"] == "done", job
        assert job["created_count"] == 2
        assert job["errors"] == [
            {"sheet": "profiles", "row": 3, "reasons": [
                "work-history[3].from_date: không phải ngày hợp lệ"]},
            {"sheet": "work-history", "row": 4, "reasons": [
                "citizen_id: không có dòng nào ở trang profiles mang số định danh này"]}]
        stored = (await session.execute(select(Profile).where(Profile.org_unit_id == unit.id))).scalars().all()
        by_name = {p.full_name: await full_record(session, p, CIPHER) for p in stored}
        assert by_name[people[0]["full_name"]]["sections"]["work-history"][0]["from_date"] == "2015-03-01"
        assert by_name[people[2]["full_name"]]["sections"]["work-history"] == []

    async def test_a_table_sheet_with_an_unknown_column_fails_the_job(self, session: AsyncSession,
                                                                      profile_api: AsyncClient,
                                                                      token_issuer: TokenIssuer) -> None:
        unit = await make_unit(session)
        admin = await make_account(session, unit=unit, role="agency_admin")
        from tests.profile_api.bulk.helpers import People
        person = People(52).person(unit.code)
        content = workbook({"profiles": [list(person), list(person.values())],
                            "family": [["citizen_id", "relation", "ho_ten"]]})
        job = await run(profile_api, bearer(token_issuer, principal_for(admin, unit)), content)
        assert job["state"] == "failed"
        assert "'family'" in job["failure"] and "unknown columns: ho_ten" in job["failure"]
        assert "missing required columns: full_name" in job["failure"]


def workbook(sheets: dict[str, list[list[Any]]]) -> bytes:
    from openpyxl import Workbook  # type: ignore[import-untyped]

    book = Workbook(write_only=True)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    content = buffer.getvalue()
    assert files.sniff(content) == "xlsx"
    return content
