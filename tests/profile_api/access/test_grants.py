"""Written grants and clearances (issue 21 item 2): a grant works to the end of its last day in Hà Nội and not a
second longer, a revoked one stops at once, both are audited; admins grant only over their subtree and never above
their own clearance, and set clearances the same way (Quy chế Hà Nội 2024 Điều 8 khoản 3, Điều 18 khoản 1,
Điều 19 khoản 4)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from hoso_shared.auth import TokenIssuer
from hoso_shared.db.models import Account, AuditEntry, GrantDecision, OrgUnit, Profile
from hoso_shared.time import FixedClock
from tests.conftest import AppClient
from tests.factories import bearer, make_account, make_profile, make_unit, principal_for
from tests.profile_api.access.test_levels_matrix import ITEMS_V1

LAST_DAY = date(2026, 12, 31)
# 23:59:59 on the last day in Hà Nội (UTC+7) is 16:59:59 UTC; a second later the grant is over.
LAST_SECOND, FIRST_SECOND_AFTER = datetime(2026, 12, 31, 16, 59, 59, tzinfo=UTC), datetime(2026, 12, 31, 17, tzinfo=UTC)
DECIDED = {"number": "125/QĐ-SNV", "issued_on": "2026-12-01", "issuing_body": "Sở Nội vụ thành phố Hà Nội"}
REQUEST = {"request_no": "130/SNV-CCVC", "request_date": "2026-12-02"}


@dataclass
class World:
    a: OrgUnit
    b: OrgUnit
    inside: Profile  # in A
    beyond: Profile  # in B
    scan: uuid.UUID  # the decision's scan, uploaded by A's admin
    admin: dict[str, str]  # A's agency admin
    doha: dict[str, str]
    reader_id: uuid.UUID  # an approver of B, to be granted A's records
    reader: dict[str, str]
    approver_a: uuid.UUID


async def build(session: AsyncSession, issuer: TokenIssuer) -> World:
    p = await make_unit(session, type="province", name="Tỉnh P")
    a, b = await make_unit(session, parent=p, name="Sở A"), await make_unit(session, parent=p, name="Sở B")
    inside = await make_profile(session, unit=a, full_name="Người Trong A", items=ITEMS_V1)
    beyond = await make_profile(session, unit=b, full_name="Người Trong B", items=ITEMS_V1)
    admin = await make_account(session, unit=a, role="agency_admin")
    doha = await make_account(session, unit=p, role="doha_admin")
    reader = await make_account(session, unit=b, role="approver")
    approver_a = await make_account(session, unit=a, role="approver")
    scan = GrantDecision(filename="qd.pdf", content_type="application/pdf", size=8, sha256="0" * 64,
                         content=b"%PDF-1.7", uploaded_by=admin.id, org_unit_id=a.id)
    session.add(scan)
    await session.flush()
    return World(a, b, inside, beyond, scan.id, bearer(issuer, principal_for(admin, a)),
                 bearer(issuer, principal_for(doha, p)), reader.id, bearer(issuer, principal_for(reader, b)),
                 approver_a.id)


def body(world: World, **overrides: Any) -> dict[str, Any]:
    return {"grantee_id": str(world.reader_id), "org_unit_id": str(world.a.id), "level": 3,
            "starts_on": "2026-12-01", "ends_on": LAST_DAY.isoformat(),
            "decision": {**DECIDED, "decision_id": str(world.scan)}, **overrides}


async def actions(session: AsyncSession, entity_id: uuid.UUID) -> list[str]:
    rows = await session.execute(select(AuditEntry.action).where(AuditEntry.entity_id == str(entity_id)))
    return list(rows.scalars())


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(datetime(2026, 12, 10, 3, tzinfo=UTC))


@pytest.fixture
async def api(client_for: Any, clock: FixedClock) -> AppClient:
    client: AppClient = await client_for("profile-api", wiring={"clock": clock})
    return client


def is_problem(response: Any, status: int, slug: str) -> bool:
    return bool(response.status_code == status
                and response.headers["content-type"].startswith("application/problem+json")
                and response.json()["type"].endswith(slug))


async def test_a_grant_ends_with_its_last_day_in_hanoi(session: AsyncSession, api: AppClient, clock: FixedClock,
                                                       token_issuer: TokenIssuer) -> None:
    """Điều 8 khoản 3: read beyond one's own on a written decision, while it lasts; no job ends it."""
    world = await build(session, token_issuer)
    record = f"/api/v1/profiles/{world.inside.id}"
    assert (await api.get(record, headers=world.reader)).status_code == 404  # before: beyond the reader's reach
    created = await api.post("/api/v1/access-grants", json=body(world), headers=world.admin)
    assert created.status_code == 201, created.text
    grant = created.json()
    assert grant["active"] and grant["decision_number"] == DECIDED["number"]
    assert "access_grant.create" in await actions(session, uuid.UUID(grant["id"]))

    clock.at = LAST_SECOND
    read = await api.get(record, headers=world.reader)
    assert read.status_code == 200 and read.json()["level"] == 3 and read.json()["items"]["party_position"]
    assert "read_sensitive" in await actions(session, world.inside.id)  # the grantee's read is audited as any
    clock.at = FIRST_SECOND_AFTER
    assert (await api.get(record, headers=world.reader)).status_code == 404
    assert (await api.get(f"{record}/family", headers=world.reader)).status_code == 404
    listed = await api.get("/api/v1/access-grants", headers=world.admin)
    assert [g["active"] for g in listed.json()["items"]] == [False]


async def test_a_revoked_grant_stops_at_once(session: AsyncSession, api: AppClient,
                                             token_issuer: TokenIssuer) -> None:
    """Điều 18 khoản 1, Điều 19 khoản 4: revoked on a written request, from that request on; audited."""
    world = await build(session, token_issuer)
    grant = (await api.post("/api/v1/access-grants", json=body(world, level=2, org_unit_id=None,
                                                               profile_ids=[str(world.inside.id)]),
                            headers=world.admin)).json()
    record = f"/api/v1/profiles/{world.inside.id}"
    read = await api.get(record, headers=world.reader)
    assert read.status_code == 200 and read.json()["level"] == 2 and "party_position" not in read.json()["items"]
    revoked = await api.post(f"/api/v1/access-grants/{grant['id']}/revoke", json=REQUEST, headers=world.admin)
    assert revoked.status_code == 200 and revoked.json()["revoked_at"] and not revoked.json()["active"]
    assert revoked.json()["revoke_request_no"] == REQUEST["request_no"]
    assert (await api.get(record, headers=world.reader)).status_code == 404
    assert await actions(session, uuid.UUID(grant["id"])) == ["access_grant.create", "access_grant.revoke"]
    again = await api.post(f"/api/v1/access-grants/{grant['id']}/revoke", json=REQUEST, headers=world.admin)
    assert is_problem(again, 409, "access-grant-revoked")


async def test_no_grant_outside_the_subtree_nor_above_ones_clearance(session: AsyncSession, api: AppClient,
                                                                     token_issuer: TokenIssuer) -> None:
    """Điều 18 khoản 1: an agency grants over its own subtree, never more than it reads itself."""
    world = await build(session, token_issuer)
    beyond_unit = await api.post("/api/v1/access-grants", json=body(world, org_unit_id=str(world.b.id)),
                                 headers=world.admin)
    assert is_problem(beyond_unit, 404, "grant-target-not-found")
    beyond_person = await api.post("/api/v1/access-grants", headers=world.admin, json=body(
        world, org_unit_id=None, profile_ids=[str(world.inside.id), str(world.beyond.id)]))
    assert is_problem(beyond_person, 404, "grant-target-not-found")
    assert str(world.beyond.id) in beyond_person.json()["profile_ids"]
    # An admin whose own clearance was set to 2 gives at most 2.
    account = await make_account(session, unit=world.a, role="agency_admin")
    lowered = bearer(token_issuer, replace(principal_for(account, world.a), clearance=2))
    above = await api.post("/api/v1/access-grants", json=body(world), headers=lowered)
    assert is_problem(above, 403, "above-clearance") and above.json()["clearance"] == 2
    assert (await api.post("/api/v1/access-grants", json=body(world, level=2), headers=lowered)).status_code == 201
    # Nor a grant to oneself, nor one without a target, nor one already over.
    own = await api.post("/api/v1/access-grants", json=body(world, grantee_id=str(account.id)), headers=lowered)
    assert is_problem(own, 403, "own-access")
    assert (await api.post("/api/v1/access-grants", json=body(world, org_unit_id=None),
                           headers=world.admin)).status_code == 422
    past = await api.post("/api/v1/access-grants", json=body(world, starts_on="2026-11-01", ends_on="2026-11-30"),
                          headers=world.admin)
    assert is_problem(past, 422, "access-grant-invalid")
    # The approver of the unit manages no access at all.
    approver = bearer(token_issuer, principal_for(await make_account(session, unit=world.a, role="approver"),
                                                  world.a))
    assert (await api.post("/api/v1/access-grants", json=body(world), headers=approver)).status_code == 403


async def test_doha_grants_over_the_province(session: AsyncSession, api: AppClient,
                                             token_issuer: TokenIssuer) -> None:
    """Điều 19 khoản 4: DOHA grants within the province; each admin lists the grants over its own subtree."""
    world = await build(session, token_issuer)
    over_b = await api.post("/api/v1/access-grants", headers=world.doha, json=body(
        world, org_unit_id=str(world.b.id), grantee_id=str(world.approver_a)))
    assert over_b.status_code == 201, over_b.text
    over_a = await api.post("/api/v1/access-grants", json=body(world), headers=world.admin)
    assert over_a.status_code == 201
    mine = [g["id"] for g in (await api.get("/api/v1/access-grants", headers=world.admin)).json()["items"]]
    assert mine == [over_a.json()["id"]]
    everyone = (await api.get("/api/v1/access-grants", headers=world.doha)).json()["items"]
    assert {g["id"] for g in everyone} == {over_a.json()["id"], over_b.json()["id"]}
    # The grant over B does not widen bulk exports or statistics: a single record only.
    found = await session.get(Account, world.approver_a)
    assert found is not None
    approver_a = bearer(token_issuer, principal_for(found, world.a))
    read = await api.get(f"/api/v1/profiles/{world.beyond.id}", headers=approver_a)
    assert read.status_code == 200 and read.json()["level"] == 3
    bulk = await api.get(f"/api/v1/bulk/export?format=json&org_unit_id={world.b.id}", headers=approver_a)
    assert bulk.status_code == 404


async def test_admins_set_clearance_within_their_own(session: AsyncSession, api: AppClient,
                                                     token_issuer: TokenIssuer) -> None:
    """Điều 18 khoản 1: restrict or extend an account's access, on a written request; the next login carries it."""
    world = await build(session, token_issuer)
    url = f"/api/v1/accounts/{world.approver_a}/clearance"
    raised = await api.put(url, json={**REQUEST, "clearance": 3}, headers=world.admin)
    assert raised.status_code == 200 and raised.json() == {"account_id": str(world.approver_a), "clearance": 3,
                                                           "effective": 3}
    assert "account.clearance" in await actions(session, world.approver_a)
    beyond = await api.put(f"/api/v1/accounts/{world.reader_id}/clearance", json={**REQUEST, "clearance": 1},
                           headers=world.admin)
    assert is_problem(beyond, 404, "account-not-found")
    account = await make_account(session, unit=world.a, role="agency_admin")
    lowered = bearer(token_issuer, replace(principal_for(account, world.a), clearance=1))
    assert is_problem(await api.put(url, json={**REQUEST, "clearance": 2}, headers=lowered), 403, "above-clearance")
    # The approver's next login carries clearance 3: Party records now show.
    approver = await session.get(Account, world.approver_a)
    assert approver is not None
    token = await api.post("/api/v1/auth/token", data={"grant_type": "password", "username": approver.username,
                                                        "password": "correct horse battery"})
    assert token.status_code == 200, token.text
    headers = {"Authorization": f"Bearer {token.json()['access_token']}"}
    read = await api.get(f"/api/v1/profiles/{world.inside.id}", headers=headers)
    assert read.status_code == 200 and read.json()["level"] == 3 and read.json()["items"]["party_position"]


async def test_list_fields_above_clearance_are_refused(session: AsyncSession, api: AppClient,
                                                       token_issuer: TokenIssuer) -> None:
    """Điều 4 khoản 3: a list's extra columns follow the same levels as the record."""
    world = await build(session, token_issuer)
    account = await make_account(session, unit=world.a, role="hr_system", kind="client")
    zero = bearer(token_issuer, replace(principal_for(account, world.a, scopes={"profiles:read"}), clearance=0))
    refused = await api.get("/api/v1/profiles?fields=other_names", headers=zero)
    assert is_problem(refused, 403, "level-withheld") and refused.json()["fields"] == ["other_names"]
    assert (await api.get("/api/v1/profiles?fields=current_position", headers=zero)).status_code == 200


async def test_sections_show_each_level(api: AppClient) -> None:
    """Điều 4 khoản 3: the levels are data, shown with the form's tables."""
    shown = (await api.get("/api/v1/profiles/sections")).json()
    assert shown["family"]["level"] == 2 and shown["foreign-ties"]["level"] == 3 and shown["awards"]["level"] == 1
    assert shown["items"]["party_joined_on"] == 3 and shown["items"]["citizen_id"] == 2
    assert shown["items"]["full_name"] == 0 and shown["items"]["other_names"] == 1
