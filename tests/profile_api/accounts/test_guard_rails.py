"""Issue 20's guard rails on accounts: nobody restricts or revokes their own access, so no account removes its own
admin rights; and no unit loses, through the API, the last enabled admin covering it (`accounts/last_admin.py`).
Access is granted, restricted and revoked "theo phân cấp quản lý" (Điều 18 khoản 1, Điều 19 khoản 4)."""

from __future__ import annotations

from typing import Any

import pytest
from httpx import AsyncClient, Response
from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from hoso_shared.auth import TokenIssuer
from hoso_shared.db.models import Account, AccountAccessChange, AccountDelegation
from hoso_shared.time import utc_now
from profile_api.accounts.last_admin import covering_roles, removed
from tests.factories import make_account, make_unit
from tests.profile_api.accounts.helpers import REQUEST, auth_as, province

URL = "/api/v1/accounts"
PROBLEM = "urn:hoso:problem:"
# Every route that changes an existing account's access or standing, with a body it would accept for another.
ROUTES: list[tuple[str, dict[str, Any] | None]] = [
    ("disable", REQUEST), ("enable", REQUEST), ("reset-password", None), ("roles", {**REQUEST, "roles": ["approver"]}),
    ("move", {}), ("delegation", REQUEST), ("delegation/revoke", REQUEST)]


async def reread(session: AsyncSession, account: Account) -> Account:
    found = await session.get(Account, account.id, populate_existing=True)
    assert found is not None
    return found


async def changes_of(session: AsyncSession, account: Account) -> int:
    stmt = select(func.count()).select_from(AccountAccessChange).where(AccountAccessChange.account_id == account.id)
    return int((await session.execute(stmt)).scalar_one())


def assert_problem(response: Response, status: int, slug: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    problem: dict[str, Any] = response.json()
    assert problem["type"] == PROBLEM + slug, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    return problem


class TestOwnAccount:
    @pytest.mark.parametrize(("action", "body"), ROUTES, ids=[a for a, _ in ROUTES])
    @pytest.mark.parametrize("who", ["doha", "admin_a"])
    async def test_no_route_acts_on_the_callers_own_account(self, session: AsyncSession, profile_api: AsyncClient,
                                                            token_issuer: TokenIssuer, action: str,
                                                            body: dict[str, Any] | None, who: str) -> None:
        """Điều 18 khoản 1, Điều 19 khoản 4 (access restricted or revoked "theo phân cấp quản lý", by the level
        that manages the account): neither DOHA nor an agency admin disables, re-roles, moves, resets or
        (un)delegates its own account (403 `own-account`), so none removes its own admin rights."""
        p = await province(session)
        me, unit = (p.doha, p.root) if who == "doha" else (p.admin_a, p.a)
        if action == "move":
            body = {"org_unit_id": str(p.a_sub.id)}
        response = await profile_api.post(f"{URL}/{me.id}/{action}", json=body, headers=auth_as(token_issuer, me, unit))
        assert_problem(response, 403, "own-account")
        after = await reread(session, me)
        assert (after.roles, after.disabled_at, after.org_unit_id) == (me.roles, None, unit.id)
        assert await changes_of(session, me) == 0
        delegations = select(func.count()).select_from(AccountDelegation).where(AccountDelegation.delegate_id == me.id)
        assert (await session.execute(delegations)).scalar_one() == 0


class TestLastAdmin:
    async def test_two_doha_admins_cannot_remove_each_other(self, session: AsyncSession, profile_api: AsyncClient,
                                                           token_issuer: TokenIssuer) -> None:
        """Issue 20's guard rail, under Điều 9 khoản 1 (DOHA manages the agencies' accounts): one DOHA admin
        disables the other while it still covers the province; the one disabled, acting on its token still
        valid, can then neither disable, re-role nor move away the last enabled doha_admin (403 `last-admin`)."""
        p = await province(session)
        second = await make_account(session, unit=p.root, role="doha_admin", kind="agency")
        first_auth, second_auth = auth_as(token_issuer, p.doha, p.root), auth_as(token_issuer, second, p.root)
        disabled = await profile_api.post(f"{URL}/{second.id}/disable", json=REQUEST, headers=first_auth)
        assert disabled.status_code == 200, disabled.text

        attempts = [("disable", REQUEST), ("roles", {**REQUEST, "roles": ["approver"]}),
                    ("roles", {**REQUEST, "roles": ["agency_admin"]}), ("move", {"org_unit_id": str(p.a.id)})]
        for action, body in attempts:
            refused = await profile_api.post(f"{URL}/{p.doha.id}/{action}", json=body, headers=second_auth)
            problem = assert_problem(refused, 403, "last-admin")
            assert (problem["role"], problem["org_unit_id"]) == ("doha_admin", str(p.root.id)), action
        after = await reread(session, p.doha)
        assert (after.roles, after.disabled_at, after.org_unit_id) == (["doha_admin"], None, p.root.id)
        assert await changes_of(session, p.doha) == 0

    async def test_a_sub_unit_admin_goes_while_an_admin_above_covers_it(
            self, session: AsyncSession, profile_api: AsyncClient, token_issuer: TokenIssuer) -> None:
        """Issue 20's guard rail, under Điều 9 khoản 2 (an agency manages the accounts of its sub-units): the agency
        admin disables or re-roles the sub-unit's only admin, since the agency admin covers that sub-unit itself;
        and once DOHA has disabled the agency admin, DOHA still covers it, so its still-valid token may too."""
        p = await province(session)
        only = await make_account(session, unit=p.a_sub, role="agency_admin", kind="agency")
        auth = auth_as(token_issuer, p.admin_a, p.a)
        re_roled = await profile_api.post(f"{URL}/{only.id}/roles", json={**REQUEST, "roles": ["approver"]},
                                          headers=auth)
        assert re_roled.status_code == 200, re_roled.text
        successor = await make_account(session, unit=p.a_sub, role="agency_admin", kind="agency")
        gone = await profile_api.post(f"{URL}/{p.admin_a.id}/disable", json=REQUEST,
                                      headers=auth_as(token_issuer, p.doha, p.root))
        assert gone.status_code == 200, gone.text
        stale = await profile_api.post(f"{URL}/{successor.id}/disable", json=REQUEST, headers=auth)
        assert stale.status_code == 200, stale.text

    async def test_no_unit_is_left_without_an_enabled_admin_covering_it(
            self, session: AsyncSession, profile_api: AsyncClient, token_issuer: TokenIssuer) -> None:
        """Issue 20's guard rail: with no enabled doha_admin (disabled from the ops CLI) and the agency admin
        disabled after its token was issued, the sub-unit's admin is the last one covering the sub-unit: it is not
        disabled, re-roled nor moved sideways (403 `last-admin`); moved up it still covers, so that goes."""
        p = await province(session)
        leaf = await make_unit(session, parent=p.a_sub, type="sub_unit")
        sibling = await make_unit(session, parent=p.a, type="sub_unit")
        keeper = await make_account(session, unit=leaf, role="agency_admin", kind="agency")
        await session.execute(update(Account).where(Account.id.in_([p.doha.id, p.admin_a.id]))
                              .values(disabled_at=utc_now()))
        auth = auth_as(token_issuer, p.admin_a, p.a)
        for action, body in [("disable", REQUEST), ("roles", {**REQUEST, "roles": ["approver"]}),
                             ("move", {"org_unit_id": str(sibling.id)})]:
            refused = await profile_api.post(f"{URL}/{keeper.id}/{action}", json=body, headers=auth)
            problem = assert_problem(refused, 403, "last-admin")
            assert (problem["role"], problem["org_unit_id"]) == ("agency_admin", str(leaf.id)), action
            assert keeper.username in problem["detail"]
        assert (await reread(session, keeper)).disabled_at is None
        up = await profile_api.post(f"{URL}/{keeper.id}/move", json={"org_unit_id": str(p.a_sub.id)}, headers=auth)
        assert up.status_code == 200, up.text
        # A second enabled admin at the unit covers it: then the first may go.
        await make_account(session, unit=p.a_sub, role="agency_admin", kind="agency")
        disabled = await profile_api.post(f"{URL}/{keeper.id}/disable", json=REQUEST, headers=auth)
        assert disabled.status_code == 200, disabled.text

    async def test_a_disabled_admin_covers_nothing_and_may_be_re_roled(
            self, session: AsyncSession, profile_api: AsyncClient, token_issuer: TokenIssuer) -> None:
        """Issue 20's guard rail: the rule is about enabled admins; an account already disabled is no unit's cover,
        so DOHA may take away its admin role (Điều 18 khoản 1: restricting access)."""
        p = await province(session)
        await session.execute(update(Account).where(Account.id == p.admin_b.id).values(disabled_at=utc_now()))
        await session.execute(update(Account).where(Account.id == p.doha.id).values(disabled_at=utc_now()))
        response = await profile_api.post(f"{URL}/{p.admin_b.id}/roles", json={**REQUEST, "roles": ["approver"]},
                                          headers=auth_as(token_issuer, p.doha, p.root))
        assert response.status_code == 200, response.text


def test_which_roles_cover_which() -> None:
    """Issue 20's guard rail: doha_admin gives agency_admin (policy.GRANTABLE), so it covers for it; nothing but
    doha_admin covers for doha_admin; other roles are no admin's."""
    assert covering_roles("agency_admin") == {"agency_admin", "doha_admin"}
    assert covering_roles("doha_admin") == {"doha_admin"}
    assert removed(["agency_admin", "approver"], ["approver"]) == ["agency_admin"]
    assert removed(["agency_admin"], ["doha_admin"]) == []
    assert removed(["doha_admin"], ["agency_admin"]) == ["doha_admin"]
    assert removed(["doha_admin", "agency_admin"], []) == ["doha_admin", "agency_admin"]
    assert removed(["approver", "officer"], []) == []
