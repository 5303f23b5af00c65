"""Who may create which account, where (Điều 9): DOHA creates agencies, clients and anyone; an agency admin
creates agency accounts for its sub-units and officers and approvers in its own subtree; nobody else creates
anything (but a delegate: tests/profile_api/accounts/test_agency_powers.py)."""

from __future__ import annotations

from typing import Any

import pytest
from httpx import AsyncClient
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from hoso_shared.auth import TokenIssuer
from hoso_shared.db.models import Account, AuditEntry
from tests.factories import make_account, make_profile
from tests.profile_api.accounts.helpers import account_body, auth_as, login, province

URL = "/api/v1/accounts"

# (creator role, creator's unit, kind, roles, target unit, expected status)
ROLE_RULES = [
    ("doha_admin", "root", "agency", ["agency_admin"], "a", 201),
    ("doha_admin", "root", "agency", ["approver"], "b", 201),
    ("doha_admin", "root", "person", ["doha_admin"], "root", 201),
    ("doha_admin", "root", "person", ["officer"], "a_sub", 201),
    ("doha_admin", "a", "agency", ["agency_admin"], "b", 404),  # outside its own subtree
    ("agency_admin", "a", "person", ["officer"], "a_sub", 201),
    ("agency_admin", "a", "person", ["approver"], "a", 201),
    ("agency_admin", "a", "person", ["agency_admin"], "a", 403),
    ("agency_admin", "a", "person", ["doha_admin"], "a", 403),
    # Điều 9 khoản 2: an agency creates the agency accounts of its sub-units (this row expected 403 before), never
    # a peer at its own unit, never for a sibling agency's unit.
    ("agency_admin", "a", "agency", ["agency_admin"], "a_sub", 201),
    ("agency_admin", "a", "agency", ["approver"], "a_sub", 201),
    ("agency_admin", "a", "agency", ["approver"], "a", 403),
    ("agency_admin", "a", "agency", ["agency_admin"], "b", 404),
    ("agency_admin", "a", "agency", ["doha_admin"], "a_sub", 403),
    ("agency_admin", "a", "person", ["officer"], "b", 404),
    ("agency_admin", "a", "person", ["officer"], "root", 404),  # its parent is not its subtree
    ("approver", "a", "person", ["officer"], "a", 403),
    ("officer", "a", "person", ["officer"], "a", 403),
]


class TestCreateAccountRoles:
    @pytest.mark.parametrize(("creator", "at", "kind", "roles", "target", "status"), ROLE_RULES)
    async def test_role_and_subtree_rules(self, session: AsyncSession, profile_api: AsyncClient,
                                          token_issuer: TokenIssuer, creator: str, at: str, kind: str,
                                          roles: list[str], target: str, status: int) -> None:
        p = await province(session)
        caller = await make_account(session, unit=p.unit(at), role=creator)
        body = account_body(p.unit(target), kind=kind, roles=roles)
        response = await profile_api.post(URL, json=body, headers=auth_as(token_issuer, caller, p.unit(at)))
        assert response.status_code == status, response.text
        stored = (await session.execute(select(Account).where(Account.username == body["username"]))).scalar()
        assert (stored is not None) is (status == 201)

    @pytest.mark.parametrize(("creator", "scopes", "status"), [
        ("doha_admin", ["profiles:read", "org-units:read"], 201),
        ("doha_admin", [], 422),                  # a client's scopes are explicit
        ("doha_admin", ["accounts:write"], 422),  # and narrow
        ("agency_admin", ["profiles:read"], 403),
    ])
    async def test_hr_system_clients_are_doha_only(self, session: AsyncSession, profile_api: AsyncClient,
                                                   token_issuer: TokenIssuer, creator: str, scopes: list[str],
                                                   status: int) -> None:
        p = await province(session)
        caller, unit = (p.doha, p.root) if creator == "doha_admin" else (p.admin_a, p.a)
        body = account_body(unit, kind="client", roles=["hr_system"], scopes=scopes)
        response = await profile_api.post(URL, json=body, headers=auth_as(token_issuer, caller, unit))
        assert response.status_code == status, response.text


class TestCreateAccount:
    async def test_initial_password_once_and_must_change(self, session: AsyncSession, profile_api: AsyncClient,
                                                         token_issuer: TokenIssuer) -> None:
        p = await province(session)
        officer_profile = await make_profile(session, unit=p.a_sub)
        body = account_body(p.a_sub, username="  Tran.Binh ", profile_id=str(officer_profile.id))
        response = await profile_api.post(URL, json=body, headers=auth_as(token_issuer, p.admin_a, p.a))
        assert response.status_code == 201, response.text
        assert response.headers["cache-control"] == "no-store"
        created = response.json()
        account = created["account"]
        assert account["username"] == "tran.binh"
        assert account["must_change_password"] is True
        assert account["created_by"] == str(p.admin_a.id)
        assert account["profile_id"] == str(officer_profile.id)
        assert "secret_hash" not in response.text and created["initial_password"] not in str(account)

        first = await login(profile_api, "tran.binh", created["initial_password"])
        assert first.status_code == 200
        assert first.json()["password_change_required"] is True

        again = await profile_api.get(f"{URL}/{account['id']}", headers=auth_as(token_issuer, p.admin_a, p.a))
        assert "initial_password" not in again.json() and "secret_hash" not in again.json()
        audit = (await session.execute(select(AuditEntry).where(AuditEntry.entity_id == account["id"]))).scalars()
        assert [e.action for e in audit] == ["account.create"]

    async def test_service_client_gets_exactly_its_scopes(self, session: AsyncSession, profile_api: AsyncClient,
                                                          token_issuer: TokenIssuer) -> None:
        p = await province(session)
        body = account_body(p.root, kind="client", roles=["service"], scopes=["profiles:apply"])
        created = (await profile_api.post(URL, json=body, headers=auth_as(token_issuer, p.doha, p.root))).json()
        token = await profile_api.post("/api/v1/auth/token", data={
            "grant_type": "client_credentials", "client_id": body["username"],
            "client_secret": created["initial_password"]})
        assert token.status_code == 200, token.text
        assert token.json()["scope"] == "profiles:apply"

    async def test_username_is_unique_whatever_the_case(self, session: AsyncSession, profile_api: AsyncClient,
                                                        token_issuer: TokenIssuer) -> None:
        p = await province(session)
        await make_account(session, unit=p.a, role="officer", username="nguyen.lan")
        body = account_body(p.a, username="Nguyen.Lan")
        response = await profile_api.post(URL, json=body, headers=auth_as(token_issuer, p.admin_a, p.a))
        assert response.status_code == 409
        assert response.headers["content-type"] == "application/problem+json"
        assert response.json()["type"] == "urn:hoso:problem:username-taken"

    async def test_profile_links_stay_in_the_subtree_and_unique(
        self, session: AsyncSession, profile_api: AsyncClient, token_issuer: TokenIssuer
    ) -> None:
        p = await province(session)
        foreign, own = await make_profile(session, unit=p.b), await make_profile(session, unit=p.a)
        auth = auth_as(token_issuer, p.admin_a, p.a)
        outside = await profile_api.post(URL, json=account_body(p.a, profile_id=str(foreign.id)), headers=auth)
        assert outside.status_code == 404
        first = await profile_api.post(URL, json=account_body(p.a, profile_id=str(own.id)), headers=auth)
        assert first.status_code == 201
        second = await profile_api.post(URL, json=account_body(p.a, profile_id=str(own.id)), headers=auth)
        assert second.status_code == 409

    @pytest.mark.parametrize("body_change", [
        {"kind": "agency", "roles": ["officer"]},      # officers are people
        {"roles": ["hr_system"]},                      # client roles need kind client
        {"scopes": ["profiles:read"]},                 # people get their roles' scopes
        {"username": "x"},                             # too short
        {"display_name": "bad\x00name"},
    ])
    async def test_shapes_that_do_not_fit(self, session: AsyncSession, profile_api: AsyncClient,
                                          token_issuer: TokenIssuer, body_change: dict[str, Any]) -> None:
        p = await province(session)
        body = {**account_body(p.a), **body_change}
        response = await profile_api.post(URL, json=body, headers=auth_as(token_issuer, p.doha, p.root))
        assert response.status_code == 422, response.text
