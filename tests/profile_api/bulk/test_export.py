"""GET /bulk/template.* and /bulk/export: the template's layout, exports in three formats that hide
sensitive columns without the scope, are audited, and round-trip through the import."""

from __future__ import annotations

import csv
import io
import json
from itertools import zip_longest
from typing import Any

import pytest
from httpx import AsyncClient
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from hoso_shared.auth import TokenIssuer
from hoso_shared.db.models import AuditEntry
from hoso_shared.form import SECTIONS, SENSITIVE_ITEMS, ProfileItems
from profile_api.bulk.columns import DATE_HINT
from tests.factories import bearer, make_account, make_profile, make_unit, principal_for
from tests.profile_api.bulk.helpers import XLSX, People, read_xlsx, run, sheet_names, xlsx_bytes

TAKEN = "citizen_id: đã có hồ sơ mang số định danh này"

class TestTemplate:
    async def test_xlsx_lists_every_item_and_explains_it(self, session: AsyncSession, profile_api: AsyncClient,
                                                         token_issuer: TokenIssuer) -> None:
        unit = await make_unit(session)
        auth = bearer(token_issuer, principal_for(await make_account(session, unit=unit), unit))
        response = await profile_api.get("/api/v1/bulk/template.xlsx", headers=auth)
        assert response.status_code == 200
        assert response.headers["content-type"] == XLSX
        assert response.headers["content-disposition"] == 'attachment; filename="hoso-import-template.xlsx"'
        header = list(read_xlsx(response.content)[0])
        assert header[:2] == ["org_unit_code", "category"]
        not_flat = {"birth_place", "home_town", "residence", "legacy_notes"}
        assert [k for k in header[2:] if "." not in k] == [k for k in ProfileItems.model_fields if k not in not_flat]
        assert {"birth_place.province", "birth_place.commune", "home_town.district", "residence.detail"} <= set(header)
        names = sheet_names(response.content)
        assert names == ["profiles", *SECTIONS, "Hướng dẫn"]
        assert read_xlsx(response.content, sheet=names.index("work-history"))[0] == (
            "citizen_id", "from_date", "to_date", "unit", "title")
        # The help sheet documents every column of every sheet in Vietnamese.
        help_rows = {(row[0], row[1]): row for row in read_xlsx(response.content, sheet=len(names) - 1)
                     if row and row[1]}
        assert help_rows["profiles", "birth_date"][2:5] == ("3. Sinh ngày", DATE_HINT, "có")
        assert help_rows["profiles", "birth_place.province"][2] == "4. Nơi sinh: tỉnh, thành phố"
        assert help_rows["profiles", "citizen_id"][5] == "có"
        assert help_rows["work-history", "from_date"][3].startswith("tháng/năm")
        assert help_rows["family", "full_name"][2:6] == ("Họ và tên", "văn bản (tối đa 500 ký tự)", "có", "có")
        documented = {key for key in help_rows}
        assert {("profiles", k) for k in header} <= documented
        assert {(name, c) for name in SECTIONS for c in read_xlsx(response.content, sheet=names.index(name))[0]} \
            <= documented
        notes = [row[2] for row in read_xlsx(response.content, sheet=len(names) - 1) if row and row[0] == "Ghi chú"]
        assert any("work-history" in note and "DU-QTCT-001" in note for note in notes)

        as_csv = await profile_api.get("/api/v1/bulk/template.csv", headers=auth)
        assert as_csv.headers["content-type"] == "text/csv; charset=utf-8"
        assert as_csv.content.startswith(b"\xef\xbb\xbf")
        assert as_csv.content.decode("utf-8-sig").strip().split(",") == header

async def setup(session: AsyncSession, token_issuer: TokenIssuer, role: str = "agency_admin") -> dict[str, Any]:
    root = await make_unit(session, type="province")
    unit = await make_unit(session, parent=root)
    sub = await make_unit(session, parent=unit, type="sub_unit")
    other = await make_unit(session, parent=root)
    people = [await make_profile(session, unit=u, items={"phone": "0912345678", "home_town": {"province": "Huế"},
                                                         "salary_coefficient": "2.67", "main_duties": "=1+2"},
                                 full_name=name)
              for u, name in ((unit, "Lê Văn Tám"), (sub, "Phạm Thị Hoa"), (other, "Ngô Văn Lạ"))]
    admin = await make_account(session, unit=unit, role=role)
    return {"unit": unit, "sub": sub, "other": other, "people": people,
            "auth": bearer(token_issuer, principal_for(admin, unit))}

class TestExport:
    async def test_round_trip_into_a_fresh_unit_finds_only_duplicates(
            self, session: AsyncSession, profile_api: AsyncClient, token_issuer: TokenIssuer) -> None:
        t = await setup(session, token_issuer)
        job = await run(profile_api, t["auth"], xlsx_bytes(People(21).people(t["sub"].code, 20)))
        assert job["created_count"] == 20
        exported = await profile_api.get("/api/v1/bulk/export?format=xlsx", headers=t["auth"])
        assert exported.status_code == 200
        assert exported.headers["content-disposition"].startswith(f'attachment; filename="hoso-{t["unit"].code}-')
        header, *rows = read_xlsx(exported.content)
        assert len(rows) == 22 and "citizen_id" in header
        fresh = await make_unit(session, parent=t["unit"])
        moved = [dict(zip_longest(header, row), org_unit_code=fresh.code) for row in rows]
        job = await run(profile_api, t["auth"], xlsx_bytes(moved, columns=list(header)), dry_run=True)
        assert job["state"] == "done", job["failure"]
        assert {e["row"] for e in job["errors"]} == set(range(2, 24))
        assert all(e["reasons"] == [TAKEN] for e in job["errors"]), job["errors"][:3]

    async def test_formats_and_subtree(self, session: AsyncSession, profile_api: AsyncClient,
                                       token_issuer: TokenIssuer) -> None:
        t = await setup(session, token_issuer)
        as_json = await profile_api.get("/api/v1/bulk/export?format=json", headers=t["auth"])
        assert as_json.headers["content-type"] == "application/json"
        rows = json.loads(as_json.content)
        assert {r["full_name"] for r in rows} == {"Lê Văn Tám", "Phạm Thị Hoa"}
        assert rows[0]["home_town.province"] == "Huế" and rows[0]["salary_coefficient"] == "2.67"
        as_csv = await profile_api.get(f"/api/v1/bulk/export?format=csv&org_unit_id={t['sub'].id}",
                                       headers=t["auth"])
        assert as_csv.headers["content-type"] == "text/csv; charset=utf-8"
        table = list(csv.DictReader(io.StringIO(as_csv.content.decode("utf-8-sig"))))
        assert [(r["org_unit_code"], r["full_name"]) for r in table] == [(t["sub"].code, "Phạm Thị Hoa")]
        foreign = await profile_api.get(f"/api/v1/bulk/export?org_unit_id={t['other'].id}", headers=t["auth"])
        assert foreign.status_code == 404

    async def test_text_is_never_a_formula(self, session: AsyncSession, profile_api: AsyncClient,
                                           token_issuer: TokenIssuer) -> None:
        t = await setup(session, token_issuer)
        header, *rows = read_xlsx((await profile_api.get("/api/v1/bulk/export", headers=t["auth"])).content)
        assert {row[header.index("main_duties")] for row in rows} == {"=1+2"}

    @pytest.mark.parametrize(("role", "sees"), [("agency_admin", True), ("hr_system", False)])
    async def test_sensitive_columns_need_the_scope_and_are_audited(
            self, session: AsyncSession, profile_api: AsyncClient, token_issuer: TokenIssuer, role: str,
            sees: bool) -> None:
        t = await setup(session, token_issuer, role=role)
        response = await profile_api.get("/api/v1/bulk/export?format=csv", headers=t["auth"])
        header = response.content.decode("utf-8-sig").splitlines()[0].split(",")
        shown = sorted({h.split(".")[0] for h in header} & SENSITIVE_ITEMS)
        assert shown == (sorted(k for k in ProfileItems.model_fields if k in SENSITIVE_ITEMS) if sees else [])
        assert ("0912345678" in response.text) is sees
        entry = (await session.execute(select(AuditEntry).where(
            AuditEntry.action == "export", AuditEntry.entity_id == str(t["unit"].id)))).scalar_one()
        assert entry.fields == shown

    @pytest.mark.parametrize("file_format", ["xlsx", "csv", "json"])
    async def test_a_record_with_legacy_notes_exports_without_them(
            self, session: AsyncSession, profile_api: AsyncClient, token_issuer: TokenIssuer, file_format: str) -> None:
        """An old form's unmapped items (`legacy_notes`, a map) have no cell: the export leaves them out (the xlsx
        answered 500 on them, found by tests/fuzz)."""
        t = await setup(session, token_issuer)
        await make_profile(session, unit=t["unit"], full_name="Đỗ Văn Cũ",
                           items={"legacy_notes": {"2c-bnv-2008:cmnd": "012345678"}})
        response = await profile_api.get(f"/api/v1/bulk/export?format={file_format}", headers=t["auth"])
        assert response.status_code == 200, response.text
        shown = str(read_xlsx(response.content)) if file_format == "xlsx" else response.text
        assert "Đỗ Văn Cũ" in shown and "legacy_notes" not in shown and "012345678" not in shown

    async def test_needs_a_token(self, profile_api: AsyncClient) -> None:
        assert (await profile_api.get("/api/v1/bulk/export")).status_code == 401
