"""GET /bulk/imports/{id}/errors.xlsx: an import's bad rows as a workbook the agency fixes and imports again
(hanoi-2024 Điều 18 khoản 2: the agency updates its people's data; every bad row with every reason)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from httpx import AsyncClient
from sqlalchemy.ext.asyncio import AsyncSession

from hoso_shared.auth import TokenIssuer
from tests.factories import bearer, make_account, make_unit, principal_for
from tests.profile_api.bulk.helpers import XLSX, People, read_xlsx, run, xlsx_bytes


async def test_the_bad_rows_as_a_workbook(session: AsyncSession, token_issuer: TokenIssuer,
                                          client_for: Callable[..., Any]) -> None:
    """A dry run of 30 rows, 3 bad (one with two reasons): the workbook lists the same 3, in row order, with every
    reason one per line; another agency's admin gets the API's 404, as for the job itself."""
    root = await make_unit(session, type="province")
    unit = await make_unit(session, parent=root)
    other = await make_unit(session, parent=root)
    admin = await make_account(session, unit=unit, role="agency_admin")
    stranger = await make_account(session, unit=other, role="agency_admin")
    auth = bearer(token_issuer, principal_for(admin, unit))
    client: AsyncClient = await client_for("profile-api")
    rows = People().people(unit.code, 30)
    rows[4]["citizen_id"] = "12345678901"
    rows[9].update(full_name=None, ethnicity_code="99")
    rows[20]["sex"] = "X"
    job = await run(client, auth, xlsx_bytes(rows), dry_run=True)
    assert job["error_count"] == 3

    response = await client.get(f"/api/v1/bulk/imports/{job['id']}/errors.xlsx", headers=auth)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith(XLSX)
    assert "attachment" in response.headers["content-disposition"]
    sheet = read_xlsx(response.content)
    assert sheet[0] == ("Trang tính (sheet)", "Dòng (row)", "Lý do (reasons)")
    assert [(r[0], r[1]) for r in sheet[1:]] == [("profiles", 6), ("profiles", 11), ("profiles", 22)]
    assert sheet[1:] == [(e["sheet"], e["row"], "\n".join(e["reasons"])) for e in job["errors"]]
    assert {r.split(":")[0] for r in sheet[2][2].split("\n")} >= {"full_name", "ethnicity_code"}

    refused = await client.get(f"/api/v1/bulk/imports/{job['id']}/errors.xlsx",
                               headers=bearer(token_issuer, principal_for(stranger, other)))
    assert refused.status_code == 404 and refused.json()["type"].endswith("import-job-not-found")
