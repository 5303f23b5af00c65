"""Inputs that used to answer 500 (an independent review found them): each is now a 4xx problem+json, and no
lookup happens before the caller's rights are checked (QĐ 6187/QĐ-UBND Điều 17 khoản 7 and Điều 19 khoản 7: the
database is kept safe; Điều 8: each reaches only their own part)."""

from __future__ import annotations

import pytest
from httpx import AsyncClient
from sqlalchemy.ext.asyncio import AsyncSession

from hoso_shared.auth import TokenIssuer
from tests.factories import bearer, make_account, make_unit, principal_for

LEGACY = {"form": "2c-bnv-2008", "category": "cong_chuc", "citizen_id": "001090012345",
          "record": {"1": "A", "3": "01/01/1990"}}


@pytest.mark.parametrize(("method", "path"), [
    ("GET", "/api/v1/reports/reviews?quarter=0000-Q1"),
    ("POST", "/api/v1/reports/reviews"),
    ("GET", "/api/v1/accounts/overdue-incoming?as_of=0001-01-01"),
    ("GET", "/api/v1/accounts/overdue-incoming?as_of=9999-12-31"),
    ("GET", "/api/v1/accounts/incoming?as_of=0001-01-01"),
    ("GET", "/api/v1/quality/scorecards/{unit}/history?to=0001-01-01"),
    ("GET", "/api/v1/quality/scorecards/{unit}/history?from=9999-12-31"),
    ("GET", "/api/v1/org-units?as_of=0001-01-01"),
    ("GET", "/api/v1/reports/workforce?org_unit_id={unit}&as_of=9999-12-31"),
])
async def test_dates_beyond_the_calendar_are_a_422_never_a_500(
        method: str, path: str, session: AsyncSession, profile_api: AsyncClient, token_issuer: TokenIssuer) -> None:
    """A year 0 quarter, or a day in year 1 or 9999, cannot be counted from: 422, not an overflow."""
    root = await make_unit(session, type="province")
    doha = await make_account(session, unit=root, role="doha_admin")
    body = {"org_unit_id": str(root.id), "quarter": "0000-Q1"} if method == "POST" else None
    r = await profile_api.request(method, path.format(unit=root.id), json=body,
                                  headers=bearer(token_issuer, principal_for(doha, root)))
    assert r.status_code == 422, r.text
    assert r.headers["content-type"].startswith("application/problem+json")


async def test_a_legacy_record_of_the_wrong_shape_is_refused_after_the_rights_check(
        session: AsyncSession, profile_api: AsyncClient, token_issuer: TokenIssuer) -> None:
    """An officer may not create records: 403 before the record is read; an agency admin's malformed record is a
    422 naming the problem, never a 500."""
    root = await make_unit(session, type="province")
    agency = await make_unit(session, parent=root)
    officer = await make_account(session, unit=agency, role="officer")
    admin = await make_account(session, unit=agency, role="agency_admin", kind="agency")
    body = {**LEGACY, "org_unit_id": str(agency.id)}
    refused = await profile_api.post("/api/v1/profiles/legacy", json=body,
                                     headers=bearer(token_issuer, principal_for(officer, agency)))
    assert refused.status_code == 403, refused.text
    malformed = await profile_api.post("/api/v1/profiles/legacy", json=body,
                                       headers=bearer(token_issuer, principal_for(admin, agency)))
    assert malformed.status_code == 422 and "wrong shape" in malformed.text, malformed.text


@pytest.mark.parametrize("path", ["/api/v1/profiles", "/api/v1/profiles/incoming"])
@pytest.mark.parametrize("incoming_on", ["1483-03-15", "3000-01-01"])
async def test_an_incoming_day_beyond_the_calendar_is_a_422_not_a_503(
        path: str, incoming_on: str, session: AsyncSession, profile_api: AsyncClient,
        token_issuer: TokenIssuer) -> None:
    """A new record's `create` request is dated by its `incoming_on` (hanoi-2024 Điều 7), which approval-api bounds
    to 1900–2999: a day outside was taken here, refused there, and answered 503 approval-unavailable. Now refused
    here first, naming the field (found by tests/fuzz)."""
    root = await make_unit(session, type="province")
    agency = await make_unit(session, parent=root)
    doha = await make_account(session, unit=root, role="doha_admin")
    body = {"org_unit_id": str(agency.id), "category": "cong_chuc", "incoming_on": incoming_on,
            "items": {"full_name": "Phạm Văn Tới", "sex": "M", "birth_date": "1988-04-02",
                      "citizen_id": "001088012345"}}
    r = await profile_api.post(path, json=body, headers=bearer(token_issuer, principal_for(doha, root)))
    assert r.status_code == 422, r.text
    assert r.headers["content-type"].startswith("application/problem+json")
    assert [e["loc"] for e in r.json()["errors"]] == [["body", "incoming_on"]]
