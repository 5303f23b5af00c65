"""A proposal is record content: approval-api leaves out of it what the reader's clearance does not reach, as
profile-api leaves it out of the record (issue 21; QĐ 6187 Điều 4 khoản 3: data managed by its degree of access
restriction). The person and the requester see it whole; an approver reads what it approves (Điều 7)."""

from __future__ import annotations

import dataclasses
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from tests.approval_api.conftest import Apis, World
from tests.factories import bearer, principal_for

REQUESTS = "/api/v1/change-requests"
PROPOSAL = {"items": {"other_names": "Bình An", "phone": "0912345678", "party_joined_on": "2010-05-19"},
            "sections": {"awards": [{"year": 2024, "award": "Lao động tiên tiến"}],
                         "family": [{"relation": "Mẹ", "full_name": "Nguyễn Thị Mai", "birth_year": 1960}]}}


def _as_cleared(world: World, name: str, clearance: int) -> dict[str, str]:
    """`name`'s token with its clearance set on the account (PUT …/clearance), as its next sign-in carries it."""
    account = world.accounts[name]
    principal = dataclasses.replace(principal_for(account, world.agency), clearance=clearance)
    return bearer(world.issuer, principal)


async def _seen(apis: Apis, world: World, request_id: Any, headers: dict[str, str]) -> tuple[dict[str, Any], Any]:
    detail = (await apis.approval.get(f"{REQUESTS}/{request_id}", headers=headers)).json()
    listed = (await apis.approval.get(REQUESTS, headers=headers, params={"org_unit_id": str(world.agency.id)})).json()
    (row,) = [r for r in listed["items"] if r["id"] == str(request_id)]
    return detail, row


async def test_a_reader_below_a_level_does_not_see_it_in_a_proposal(session: AsyncSession, apis: Apis,
                                                                    world: World) -> None:
    request = await world.request(session, payload=PROPOSAL)
    for reader in ("approver", "agency_admin"):
        for shown in await _seen(apis, world, request.id, world.auth[reader]):
            assert shown["payload"] == PROPOSAL and shown["withheld"] == [], reader
    own = (await apis.approval.get(f"{REQUESTS}/{request.id}", headers=world.auth["officer"])).json()
    assert own["payload"] == PROPOSAL and own["withheld"] == []  # the person and requester: whole
    # An approver whose clearance was lowered to 1 on a written decision: levels 2 and 3 are left out.
    detail, row = await _seen(apis, world, request.id, _as_cleared(world, "approver", 1))
    for shown in (detail, row):
        assert shown["payload"] == {"items": {"other_names": "Bình An"},
                                    "sections": {"awards": [{"year": 2024, "award": "Lao động tiên tiến"}]}}
        assert {"phone", "party_joined_on", "family"} <= set(shown["withheld"])
    # At level 2 only the Party item (level 3) is left out.
    detail, _ = await _seen(apis, world, request.id, _as_cleared(world, "approver", 2))
    assert set(detail["payload"]["items"]) == {"other_names", "phone"} and "family" in detail["payload"]["sections"]
    assert "party_joined_on" in detail["withheld"] and "phone" not in detail["withheld"]
