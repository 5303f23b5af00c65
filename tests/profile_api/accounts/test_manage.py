"""Disable, enable, reset the password, move: only inside the caller's subtree (else 404), never
the caller's own account (403), and only accounts the caller could have created (403). Disabling and
enabling are access changes (Điều 18 khoản 1) and carry their written request (Điều 19 khoản 4)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from httpx import AsyncClient
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from hoso_shared.auth import TokenIssuer
from hoso_shared.db.models import Account, AuditEntry
from tests.factories import make_account
from tests.profile_api.accounts.helpers import PASSWORD, REQUEST, auth_as, login, province

URL = "/api/v1/accounts"


async def actions_of(session: AsyncSession, account: Account) -> list[str]:
    stmt = select(AuditEntry.action).where(AuditEntry.entity_id == str(account.id)).order_by(AuditEntry.id)
    return list((await session.execute(stmt)).scalars())


class TestDisableAccount:
    async def test_disabled_account_cannot_log_in_until_enabled(
        self, session: AsyncSession, profile_api: AsyncClient, token_issuer: TokenIssuer
    ) -> None:
        p = await province(session)
        officer = await make_account(session, unit=p.a_sub, role="officer")
        auth = auth_as(token_issuer, p.admin_a, p.a)
        assert (await login(profile_api, officer.username, PASSWORD)).status_code == 200

        disabled = await profile_api.post(f"{URL}/{officer.id}/disable", json=REQUEST, headers=auth)
        assert disabled.status_code == 200 and disabled.json()["disabled_at"] is not None
        refused = await login(profile_api, officer.username, PASSWORD)
        assert refused.status_code == 400 and refused.json()["error"] == "invalid_grant"
        listed = (await profile_api.get(URL, params={"disabled": True}, headers=auth)).json()["items"]
        assert [a["id"] for a in listed] == [str(officer.id)]

        enabled = await profile_api.post(f"{URL}/{officer.id}/enable", json=REQUEST, headers=auth)
        assert enabled.status_code == 200 and enabled.json()["disabled_at"] is None
        assert (await login(profile_api, officer.username, PASSWORD)).status_code == 200
        assert await actions_of(session, officer) == ["account.disable", "account.enable"]


class TestWhoMayManage:
    @pytest.mark.parametrize("action", ["disable", "enable", "reset-password"])
    async def test_not_ones_own_account(self, session: AsyncSession, profile_api: AsyncClient,
                                        token_issuer: TokenIssuer, action: str) -> None:
        p = await province(session)
        response = await profile_api.post(f"{URL}/{p.admin_a.id}/{action}", json=REQUEST,
                                          headers=auth_as(token_issuer, p.admin_a, p.a))
        assert response.status_code == 403
        assert response.json()["type"] == "urn:hoso:problem:own-account"

    async def test_not_outside_the_subtree(self, session: AsyncSession, profile_api: AsyncClient,
                                           token_issuer: TokenIssuer) -> None:
        p = await province(session)
        officer_b = await make_account(session, unit=p.b, role="officer")
        auth = auth_as(token_issuer, p.admin_a, p.a)
        for action in ("disable", "enable", "reset-password"):
            assert (await profile_api.post(f"{URL}/{officer_b.id}/{action}", json=REQUEST,
                                           headers=auth)).status_code == 404
        moved = await profile_api.post(f"{URL}/{officer_b.id}/move", json={"org_unit_id": str(p.a.id)}, headers=auth)
        assert moved.status_code == 404
        assert (await profile_api.get(f"{URL}/{officer_b.id}", headers=auth)).status_code == 404
        stored = await session.get(Account, officer_b.id, populate_existing=True)
        assert stored is not None and stored.disabled_at is None

    async def test_not_a_fellow_admin(self, session: AsyncSession, profile_api: AsyncClient,
                                      token_issuer: TokenIssuer) -> None:
        p = await province(session)
        fellow = await make_account(session, unit=p.a_sub, role="agency_admin")
        response = await profile_api.post(f"{URL}/{fellow.id}/reset-password",
                                          headers=auth_as(token_issuer, p.admin_a, p.a))
        assert response.status_code == 403
        by_doha = await profile_api.post(f"{URL}/{fellow.id}/disable", json=REQUEST,
                                         headers=auth_as(token_issuer, p.doha, p.root))
        assert by_doha.status_code == 200


class TestResetPassword:
    async def test_old_password_refused_new_one_only_changes_itself(
        self, session: AsyncSession, profile_api: AsyncClient, token_issuer: TokenIssuer
    ) -> None:
        p = await province(session)
        officer = await make_account(session, unit=p.a_sub, role="officer")
        locked = datetime.now(UTC) + timedelta(minutes=10)
        await session.execute(update(Account).where(Account.id == officer.id).values(failed_logins=3,
                                                                                     locked_until=locked))
        response = await profile_api.post(f"{URL}/{officer.id}/reset-password",
                                          headers=auth_as(token_issuer, p.admin_a, p.a))
        assert response.status_code == 200
        assert response.headers["cache-control"] == "no-store"
        body = response.json()
        assert body["account"]["must_change_password"] is True
        assert body["account"]["failed_logins"] == 0 and body["account"]["locked_until"] is None
        temporary = body["temporary_password"]

        assert (await login(profile_api, officer.username, PASSWORD)).status_code == 400
        token = await login(profile_api, officer.username, temporary)
        assert token.status_code == 200  # the lock is gone too
        assert token.json()["password_change_required"] is True
        assert token.json()["scope"] == "account:password"
        blocked = await profile_api.get("/api/v1/profiles",
                                        headers={"Authorization": f"Bearer {token.json()['access_token']}"})
        assert blocked.status_code == 403
        assert blocked.json()["type"] == "urn:hoso:problem:password-change-required"
        assert await actions_of(session, officer) == ["account.reset_password"]


class TestMoveAccount:
    async def test_moves_within_the_subtree_only(self, session: AsyncSession, profile_api: AsyncClient,
                                                 token_issuer: TokenIssuer) -> None:
        p = await province(session)
        officer = await make_account(session, unit=p.a_sub, role="officer")
        auth = auth_as(token_issuer, p.admin_a, p.a)
        moved = await profile_api.post(f"{URL}/{officer.id}/move", json={"org_unit_id": str(p.a.id)}, headers=auth)
        assert moved.status_code == 200 and moved.json()["org_unit_id"] == str(p.a.id)
        away = await profile_api.post(f"{URL}/{officer.id}/move", json={"org_unit_id": str(p.b.id)}, headers=auth)
        assert away.status_code == 404
        stored = await session.get(Account, officer.id, populate_existing=True)
        assert stored is not None and stored.org_unit_id == p.a.id
        assert await actions_of(session, officer) == ["account.move"]
