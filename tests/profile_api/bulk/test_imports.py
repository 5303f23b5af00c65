"""POST /bulk/imports and GET /bulk/imports/{id}: every bad row reported with its reasons, the good
ones stored per the mode, nothing stored by a dry run or a refused all-or-nothing import."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest
from httpx import AsyncClient
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from hoso_shared.auth import TokenIssuer
from hoso_shared.db.models import AuditEntry, ChangeRequest, OrgUnit, OutboxRow, Profile, ProfileVersion
from profile_api.bulk import jobs, tasks
from tests.factories import bearer, make_account, make_profile, make_unit, principal_for
from tests.profile_api.bulk.helpers import People, csv_bytes, run, start, xlsx_bytes

BIG = 16 * 1024 * 1024
CITIZEN_ID = "001085012345"  # male, born 1985


@dataclass
class Agency:
    root: OrgUnit
    unit: OrgUnit
    sub: OrgUnit
    other: OrgUnit  # another agency of the province
    auth: dict[str, str]


@pytest.fixture
async def agency(session: AsyncSession, token_issuer: TokenIssuer) -> Agency:
    root = await make_unit(session, type="province")
    unit = await make_unit(session, parent=root)
    sub = await make_unit(session, parent=unit, type="sub_unit")
    other = await make_unit(session, parent=root)
    admin = await make_account(session, unit=unit, role="agency_admin")
    return Agency(root, unit, sub, other, bearer(token_issuer, principal_for(admin, unit)))


@pytest.fixture
async def client(client_for: Callable[..., Any]) -> AsyncClient:
    """profile-api with room for a 10,000-row workbook (the app's default body limit is 1 MiB)."""
    made: AsyncClient = await client_for("profile-api", max_body_bytes=BIG)
    return made


async def count(session: AsyncSession, model: Any, unit: OrgUnit) -> int:
    stmt = select(func.count()).select_from(model).where(model.org_unit_id == unit.id)
    return int((await session.execute(stmt)).scalar_one())


def flip_sex_digit(cid: str) -> str:
    return cid[:3] + str(int(cid[3]) ^ 1) + cid[4:]


def spoil(rows: list[dict[str, Any]], agency: Agency, taken: dict[str, Any]) -> dict[int, set[str]]:
    """Spoils 100 of the rows, a spread of kinds: sheet row number → the columns its reasons must name."""
    bad: dict[int, set[str]] = {}

    def mark(index: int, *columns: str, **changes: Any) -> None:
        rows[index].update(changes)
        bad[index + 2] = set(columns)  # the header is row 1

    for i in range(8):  # 8 × 12 rows
        base = 100 + i * 1200
        mark(base, "citizen_id", citizen_id="12345678901")  # 11 digits
        mark(base + 1, "citizen_id", citizen_id="000" + rows[base + 1]["citizen_id"][3:])  # no such province
        mark(base + 2, "citizen_id", citizen_id=flip_sex_digit(rows[base + 2]["citizen_id"]))  # other sex
        mark(base + 3, "ethnicity_code", ethnicity_code="77")
        mark(base + 4, "org_unit_code", org_unit_code="NO.SUCH.UNIT")
        mark(base + 5, "org_unit_code", org_unit_code=agency.other.code)  # another agency's unit
        mark(base + 6, "full_name", full_name=None)
        mark(base + 7, "birth_date", birth_date=date(2099, 1, 1))
        mark(base + 8, "sex", sex="X")
        mark(base + 9, "category", category="hop_dong")
        first, second = base + 10, base + 600  # one citizen ID on two rows: both are refused
        mark(first, "citizen_id")
        mark(second, "citizen_id", citizen_id=rows[first]["citizen_id"], birth_date=rows[first]["birth_date"],
             sex=rows[first]["sex"])
    mark(9990, "citizen_id", citizen_id=taken["citizen_id"], sex=taken["sex"], birth_date=taken["birth_date"])
    mark(9991, "full_name", "ethnicity_code", full_name=None, ethnicity_code="99")  # every reason, not the first
    mark(9992, "birth_date", birth_date="31/02/1990")
    mark(9993, "salary_step", salary_step="ba")
    assert len(bad) == 100
    return bad


def assert_reported(job: dict[str, Any], bad: dict[int, set[str]]) -> None:
    reported = {e["row"]: e["reasons"] for e in job["errors"]}
    assert set(reported) == set(bad)
    for number, columns in bad.items():
        named = {reason.split(":", 1)[0] for reason in reported[number]}
        assert columns <= named, (number, reported[number])
    assert job["error_count"] == job["errors_total"] == len(bad)


class TestAcceptance:
    # Ten thousand rows through the whole import: more than 120 s on a busy machine.
    @pytest.mark.timeout(300)
    async def test_10000_rows_with_1_percent_bad(self, session: AsyncSession, client: AsyncClient,
                                                 agency: Agency) -> None:
        taken: dict[str, Any] = {"citizen_id": CITIZEN_ID, "sex": "M", "birth_date": date(1985, 5, 17)}
        await make_profile(session, unit=agency.sub, **taken)
        people = People()
        rows = people.people(agency.unit.code, 5000) + people.people(agency.sub.code, 5000)
        bad = spoil(rows, agency, taken)
        content = xlsx_bytes(rows)
        job = await run(client, agency.auth, content, mode="valid_only")  # its speed: bench/bulk.py, not here
        assert job["state"] == "done", job["failure"]
        assert (job["total_rows"], job["processed_rows"], job["created_count"]) == (10000, 10000, 9900)
        assert_reported(job, bad)
        assert await count(session, Profile, agency.unit) + await count(session, Profile, agency.sub) == 9901
        # Each stored row is a pending record with a create request, not yet a version (hanoi-2024 Điều 7).
        assert await count(session, OutboxRow, agency.unit) + await count(session, OutboxRow, agency.sub) == 0
        requests = await count(session, ChangeRequest, agency.unit) + await count(session, ChangeRequest, agency.sub)
        assert requests == 9900


class TestModes:
    async def test_dry_run_stores_nothing(self, session: AsyncSession, client: AsyncClient, agency: Agency) -> None:
        rows = People(1).people(agency.unit.code, 30)
        rows[4]["ethnicity_code"] = "77"
        job = await run(client, agency.auth, xlsx_bytes(rows), mode="valid_only", dry_run=True)
        assert (job["state"], job["dry_run"], job["created_count"], job["processed_rows"]) == ("done", True, 0, 30)
        assert [(e["row"], e["reasons"]) for e in job["errors"]] == [
            (6, ["ethnicity_code: không có trong danh mục dân tộc"])]
        assert await count(session, Profile, agency.unit) == 0
        assert await count(session, OutboxRow, agency.unit) == 0

    async def test_all_or_nothing_with_one_bad_row_stores_nothing(self, session: AsyncSession, client: AsyncClient,
                                                                  agency: Agency) -> None:
        rows = People(2).people(agency.unit.code, 40)
        rows[39]["birth_date"] = date(2999, 1, 1)
        job = await run(client, agency.auth, xlsx_bytes(rows), mode="all_or_nothing")
        assert (job["state"], job["created_count"], job["error_count"]) == ("done", 0, 1)
        cid = rows[39]["citizen_id"]
        born = 1900 + 100 * (int(cid[3]) // 2) + int(cid[4:6])
        assert job["errors"] == [{"sheet": "profiles", "row": 41, "reasons": [
            "birth_date: là ngày trong tương lai",
            f"citizen_id: chữ số thứ 4–6 ứng với năm sinh {born}, nhưng ngày sinh ghi năm 2999"]}]
        assert await count(session, Profile, agency.unit) == 0

    async def test_all_or_nothing_stores_every_row_of_a_clean_file(self, session: AsyncSession,
                                                                   client: AsyncClient, agency: Agency) -> None:
        rows = People(3).people(agency.sub.code, 25)
        job = await run(client, agency.auth, xlsx_bytes(rows), mode="all_or_nothing")
        assert (job["state"], job["created_count"], job["errors"]) == ("done", 25, [])
        assert await count(session, Profile, agency.sub) == 25
        stmt = (select(func.count()).select_from(ProfileVersion).join(Profile)
                .where(Profile.org_unit_id == agency.sub.id))
        # Stored rows are pending records with create requests, versioned once approved (hanoi-2024 Điều 7).
        assert (await session.execute(stmt)).scalar_one() == 0
        assert await count(session, ChangeRequest, agency.sub) == 25


class TestFiles:
    async def test_csv_with_bom_and_vietnamese_dates(self, session: AsyncSession, client: AsyncClient,
                                                    agency: Agency) -> None:
        rows = People(4).people(agency.unit.code, 12)
        rows[2]["citizen_id"] = "0011850123"
        job = await run(client, agency.auth, csv_bytes(rows), filename="nhan-su.csv")
        assert (job["state"], job["file_format"], job["created_count"]) == ("done", "csv", 11)
        assert job["errors"] == [{"sheet": "profiles", "row": 4, "reasons": ["citizen_id: phải gồm đúng 12 chữ số"]}]
        names = set((await session.execute(select(Profile.full_name).where(
            Profile.org_unit_id == agency.unit.id))).scalars())
        assert names == {r["full_name"] for i, r in enumerate(rows) if i != 2}

    async def test_csv_without_bom_semicolons(self, session: AsyncSession, client: AsyncClient,
                                              agency: Agency) -> None:
        content = csv_bytes(People(5).people(agency.unit.code, 3), bom=False).replace(b",", b";")
        job = await run(client, agency.auth, content, filename="x.csv")
        assert (job["state"], job["created_count"]) == ("done", 3), job

    @pytest.mark.parametrize("content", [
        b"%PDF-1.7\n%\xe2\xe3\xcf\xd3 not a staff list", "org_unit_code,category".encode("utf-16"),
        b"PK\x03\x04 not really a zip", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1 an old .xls"])
    async def test_other_content_is_refused_with_415(self, client: AsyncClient, agency: Agency,
                                                     content: bytes) -> None:
        response = await client.post("/api/v1/bulk/imports", headers=agency.auth,
                                     files={"file": ("staff.xlsx", content)})
        assert response.status_code == 415
        assert response.headers["content-type"] == "application/problem+json"

    async def test_a_header_that_is_not_the_templates_fails_the_job(self, client: AsyncClient,
                                                                   agency: Agency) -> None:
        content = xlsx_bytes(People(6).people(agency.unit.code, 2), columns=["org_unit_code", "ho_ten", "sex"])
        job = await run(client, agency.auth, content)
        assert job["state"] == "failed"
        assert "unknown columns: ho_ten" in job["failure"]
        assert "missing required columns: category, full_name, birth_date, citizen_id" in job["failure"]

    async def test_too_large(self, profile_api: AsyncClient, client_for: Any, agency: Agency) -> None:
        # Imports have their own body limit (import_max_bytes), above the app's 1 MiB default.
        two_mib = b"org_unit_code\n" + b"x" * (2 * 1024 * 1024)
        accepted = await profile_api.post("/api/v1/bulk/imports", headers=agency.auth,
                                          files={"file": ("a.csv", two_mib)})
        assert accepted.status_code == 202
        small = await client_for("profile-api", import_max_bytes=1024 * 1024)
        refused = await small.post("/api/v1/bulk/imports", headers=agency.auth, files={"file": ("a.csv", two_mib)})
        assert refused.status_code == 413
        assert refused.headers["content-type"] == "application/problem+json"
        assert refused.json()["status"] == 413


class TestRowChecks:
    async def test_another_agencys_unit_is_a_row_error(self, session: AsyncSession, client: AsyncClient,
                                                       agency: Agency) -> None:
        rows = People(7).people(agency.unit.code, 3)
        rows[1]["org_unit_code"] = agency.other.code
        job = await run(client, agency.auth, xlsx_bytes(rows), mode="all_or_nothing")
        assert job["errors"] == [{"sheet": "profiles", "row": 3, "reasons": [
            f"org_unit_code: không có đơn vị mã {agency.other.code} trong phạm vi quản lý của bạn"]}]
        assert await count(session, Profile, agency.other) + await count(session, Profile, agency.unit) == 0

    async def test_reports_name_no_citizen_id(self, session: AsyncSession, client: AsyncClient,
                                              agency: Agency) -> None:
        rows = People(8).people(agency.unit.code, 4)
        rows[3].update({k: rows[0][k] for k in ("citizen_id", "sex", "birth_date")})
        taken = {**People(9).person(agency.unit.code), "citizen_id": CITIZEN_ID, "sex": "M",
                 "birth_date": date(1985, 5, 17)}
        await make_profile(session, unit=agency.unit, citizen_id=CITIZEN_ID, sex="M", birth_date=date(1985, 5, 17))
        job = await run(client, agency.auth, xlsx_bytes([*rows, taken]), mode="all_or_nothing", dry_run=True)
        assert [e["row"] for e in job["errors"]] == [2, 5, 6]
        assert job["errors"][0]["reasons"] == ["citizen_id: số định danh này cũng có ở dòng 5 của tệp"]
        assert job["errors"][1]["reasons"] == ["citizen_id: số định danh này cũng có ở dòng 2 của tệp"]
        taken_row = job["errors"][2]
        assert taken_row == {"sheet": "profiles", "row": 6,
                             "reasons": ["citizen_id: đã có hồ sơ mang số định danh này"]}
        assert rows[0]["citizen_id"] not in str(job) and taken["citizen_id"] not in str(job)


class TestJobs:
    async def test_progress_is_committed_chunk_by_chunk(self, client: AsyncClient, agency: Agency,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
        seen: list[dict[str, Any]] = []
        advance = jobs.advance

        async def spy(session: AsyncSession, job_id: Any, worker: str, now: Any, **values: Any) -> None:
            seen.append(values)
            await advance(session, job_id, worker, now, **values)

        monkeypatch.setattr(tasks, "CHUNK", 10)
        monkeypatch.setattr(jobs, "advance", spy)
        job = await run(client, agency.auth, xlsx_bytes(People(10).people(agency.unit.code, 25)))
        assert job["processed_rows"] == job["total_rows"] == job["created_count"] == 25
        assert {"total_rows": 25} in seen
        # Each chunk's rows, bad rows, progress and checkpoint (its last row of the sheet) commit together.
        assert [v["resume_row"] for v in seen if "resume_row" in v] == [11, 21, 26]

    async def test_only_the_creators_subtree_sees_the_job(self, session: AsyncSession, client: AsyncClient,
                                                         agency: Agency, token_issuer: TokenIssuer) -> None:
        location = await start(client, agency.auth, xlsx_bytes(People(11).people(agency.unit.code, 2)))
        stranger = await make_account(session, unit=agency.other, role="agency_admin")
        doha = await make_account(session, unit=agency.root, role="doha_admin")
        assert (await client.get(location, headers=bearer(token_issuer, principal_for(stranger, agency.other)))
                ).status_code == 404
        assert (await client.get(location, headers=bearer(token_issuer, principal_for(doha, agency.root)))
                ).json()["created_count"] == 2

    async def test_errors_are_paged_with_a_total(self, client: AsyncClient, agency: Agency) -> None:
        rows = People(12).people(agency.unit.code, 30)
        for row in rows[::2]:
            row["sex"] = "?"
        location = await start(client, agency.auth, xlsx_bytes(rows), dry_run=True)
        page = (await client.get(f"{location}?errors_offset=10&errors_limit=3", headers=agency.auth)).json()
        assert (page["errors_total"], page["errors_offset"]) == (15, 10)
        assert [e["row"] for e in page["errors"]] == [22, 24, 26]
        past = (await client.get(f"{location}?errors_offset=99", headers=agency.auth)).json()
        assert past["errors"] == [] and past["errors_total"] == 15

    async def test_each_job_is_audited(self, session: AsyncSession, client: AsyncClient, agency: Agency) -> None:
        location = await start(client, agency.auth, xlsx_bytes(People(13).people(agency.unit.code, 2)), dry_run=True)
        job_id = location.rsplit("/", 1)[1]
        entries = (await session.execute(select(AuditEntry).where(AuditEntry.entity_id == job_id))).scalars().all()
        assert [(e.action, e.entity) for e in entries] == [("import", "import_job")]
        assert "citizen_id" in entries[0].fields


class TestAccess:
    async def test_401_without_a_token(self, client: AsyncClient, agency: Agency) -> None:
        response = await client.post("/api/v1/bulk/imports", files={"file": ("a.csv", b"org_unit_code\n")})
        assert response.status_code == 401
        assert (await client.get("/api/v1/bulk/template.xlsx")).status_code == 401

    async def test_403_for_an_officer(self, session: AsyncSession, client: AsyncClient, agency: Agency,
                                      token_issuer: TokenIssuer) -> None:
        person = await make_profile(session, unit=agency.unit)
        officer = await make_account(session, unit=agency.unit, role="officer", profile=person)
        auth = bearer(token_issuer, principal_for(officer, agency.unit))
        content = xlsx_bytes(People(14).people(agency.unit.code, 1))
        response = await client.post("/api/v1/bulk/imports", headers=auth, files={"file": ("a.xlsx", content)})
        assert response.status_code == 403
        assert (await client.get("/api/v1/bulk/export", headers=auth)).status_code == 403
        assert await count(session, Profile, agency.unit) == 1
