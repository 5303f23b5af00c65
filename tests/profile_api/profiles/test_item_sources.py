"""Items filled in from the population register stay marked as such on the record, with the day (issue 19 item
4; QĐ MIC 2021 on the connection to the population DB: it exists "để tự động hoá việc xác minh, điền thông tin cá
nhân"), until an approved change gives the item another value (hanoi-2024 Điều 7: changes are approved)."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from httpx import AsyncClient
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from hoso_shared.auth import TokenIssuer
from hoso_shared.db.models import ChangeRequest
from tests.factories import make_account
from tests.profile_api.profiles.test_new_records import setup
from tests.profile_api.profiles.test_security import new_profile

DAY = "2026-03-02"


def _from_register(*items: str, on: str = DAY) -> dict[str, Any]:
    return {item: {"source": "population_register", "looked_up_on": on} for item in items}


async def _approve_and_apply(session: AsyncSession, api: AsyncClient, t: dict[str, Any], request_id: Any) -> None:
    await session.execute(update(ChangeRequest).where(ChangeRequest.id == request_id).values(state="approved"))
    applied = await api.post(f"/internal/v1/change-requests/{request_id}/apply", headers=t["as_service"])
    assert applied.status_code == 200, applied.text


async def test_the_registers_items_are_kept_until_an_approved_change_replaces_one(
        session: AsyncSession, profile_api: AsyncClient, token_issuer: TokenIssuer) -> None:
    t = await setup(session, token_issuer)
    body = {**new_profile(str(t["agency"].id)), "sources": _from_register("full_name", "birth_date", "sex")}
    created = await profile_api.post("/api/v1/profiles", headers=t["as_admin"], json=body)
    assert created.status_code == 201, created.text
    assert created.json()["sources"] == _from_register("full_name", "birth_date", "sex")
    pid = created.json()["id"]
    await _approve_and_apply(session, profile_api, t, created.json()["create_request_id"])

    # A change that rewrites the name with the same value and the birth date with another one.
    hr = await make_account(session, unit=t["agency"])
    change = ChangeRequest(id=uuid.uuid4(), profile_id=uuid.UUID(pid), org_unit_id=t["agency"].id, base_version=1,
                           requested_by=hr.id, state="approved", payload={"items": {
                               "full_name": "Hoàng Thị Thu", "birth_date": "1985-03-05"}})
    session.add(change)
    await session.flush()
    await _approve_and_apply(session, profile_api, t, change.id)
    after = (await profile_api.get(f"/api/v1/profiles/{pid}", headers=t["as_admin"])).json()
    assert after["version"] == 2 and after["items"]["birth_date"] == "1985-03-05"
    assert after["sources"] == _from_register("full_name", "sex")


@pytest.mark.parametrize(("sources", "problem"), [
    pytest.param(_from_register("religion_code"), "religion_code", id="an item the record does not have"),
    pytest.param(_from_register("full_name", on="2099-01-01"), "full_name", id="a day after today"),
    pytest.param({"phone": {"source": "population_register", "looked_up_on": DAY}}, None,
                 id="an item the register does not give"),
    pytest.param({"full_name": {"source": "hearsay", "looked_up_on": DAY}}, None, id="another source"),
])
async def test_a_source_that_cannot_be_true_is_refused(
        session: AsyncSession, profile_api: AsyncClient, token_issuer: TokenIssuer,
        sources: dict[str, Any], problem: str | None) -> None:
    t = await setup(session, token_issuer)
    refused = await profile_api.post("/api/v1/profiles", headers=t["as_admin"],
                                     json={**new_profile(str(t["agency"].id)), "sources": sources})
    assert refused.status_code == 422, refused.text
    assert refused.headers["content-type"].startswith("application/problem+json")
    if problem:
        assert refused.json()["items"] == [problem]
