"""An agency's powers over accounts in its own subtree (Quy chế Hà Nội 2024, Điều 9 khoản 2): it creates the
agency accounts of its sub-units and the personal accounts of its people, or delegates the latter to named HR
staff (ủy quyền tạo lập), and takes the delegation back. DOHA keeps the whole province (Điều 9 khoản 1)."""

from __future__ import annotations

from httpx import AsyncClient, Response
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from hoso_shared.auth import TokenIssuer
from hoso_shared.db.models import Account, AuditEntry
from tests.factories import make_account, make_profile, make_unit
from tests.profile_api.accounts.helpers import PASSWORD, REQUEST, Province, account_body, auth_as, login, province

URL = "/api/v1/accounts"
PROBLEM = "urn:hoso:problem:"


async def stored(session: AsyncSession, username: str) -> Account | None:
    found: Account | None = (await session.execute(select(Account).where(Account.username == username))).scalar()
    return found


async def bearer_of(client: AsyncClient, username: str) -> dict[str, str]:
    """A real token from the password grant: what the account's roles and delegations give it now."""
    token = await login(client, username, PASSWORD)
    assert token.status_code == 200, token.text
    return {"Authorization": f"Bearer {token.json()['access_token']}"}


def assert_problem(response: Response, status: int, slug: str) -> None:
    assert response.status_code == status, response.text
    assert response.json()["type"] == PROBLEM + slug, response.text


class TestAgencyAccountsForSubUnits:
    async def test_for_its_sub_unit_yes_for_a_sibling_agency_no(self, session: AsyncSession,
                                                               profile_api: AsyncClient,
                                                               token_issuer: TokenIssuer) -> None:
        """Điều 9 khoản 2: "tạo lập tài khoản của cơ quan và các đơn vị trực thuộc" — an agency admin creates the
        agency account of its sub-unit (201); a sibling agency's unit is outside its subtree (404, nothing told
        about it); its own unit already has the account DOHA made (Điều 9 khoản 1), so a peer there is 403."""
        p = await province(session)
        auth = auth_as(token_issuer, p.admin_a, p.a)
        body = account_body(p.a_sub, kind="agency", roles=["agency_admin"], username="a-sub.admin")
        created = await profile_api.post(URL, json=body, headers=auth)
        assert created.status_code == 201, created.text
        account = created.json()["account"]
        assert (account["kind"], account["roles"], account["org_unit_id"]) == ("agency", ["agency_admin"],
                                                                               str(p.a_sub.id))
        assert account["created_by"] == str(p.admin_a.id) and account["must_change_password"] is True
        assert (await login(profile_api, "a-sub.admin", created.json()["initial_password"])).status_code == 200

        sibling = await profile_api.post(URL, json=account_body(p.b, kind="agency", roles=["agency_admin"],
                                                                username="b.second"), headers=auth)
        assert_problem(sibling, 404, "org-unit-not-found")
        assert str(p.b.id) not in sibling.text
        peer = await profile_api.post(URL, json=account_body(p.a, kind="agency", roles=["agency_admin"],
                                                             username="a.second"), headers=auth)
        assert_problem(peer, 403, "role-not-grantable")
        assert await stored(session, "b.second") is None and await stored(session, "a.second") is None

    async def test_it_manages_what_it_made_but_not_its_own_units_account(self, session: AsyncSession,
                                                                         profile_api: AsyncClient,
                                                                         token_issuer: TokenIssuer) -> None:
        """Điều 9 khoản 2 with Điều 18 khoản 1: the sub-unit's agency account is the agency's to manage; the
        account of its own unit is DOHA's (Điều 9 khoản 1 b), so the agency cannot take it over."""
        p = await province(session)
        sub_admin = await make_account(session, unit=p.a_sub, role="agency_admin", kind="agency")
        own_unit = await make_account(session, unit=p.a, role="approver", kind="agency")
        auth = auth_as(token_issuer, p.admin_a, p.a)
        assert (await profile_api.post(f"{URL}/{sub_admin.id}/disable", json=REQUEST, headers=auth)).status_code == 200
        assert_problem(await profile_api.post(f"{URL}/{own_unit.id}/reset-password", headers=auth), 403,
                       "role-not-grantable")
        moved_up = await profile_api.post(f"{URL}/{sub_admin.id}/move", json={"org_unit_id": str(p.a.id)},
                                          headers=auth)
        assert_problem(moved_up, 403, "role-not-grantable")
        by_doha = await profile_api.post(f"{URL}/{own_unit.id}/reset-password",
                                         headers=auth_as(token_issuer, p.doha, p.root))
        assert by_doha.status_code == 200

    async def test_doha_keeps_the_whole_province(self, session: AsyncSession, profile_api: AsyncClient,
                                                 token_issuer: TokenIssuer) -> None:
        """Điều 9 khoản 1 a: DOHA creates agency accounts anywhere, its own level included."""
        p = await province(session)
        auth = auth_as(token_issuer, p.doha, p.root)
        for unit in (p.a, p.a_sub, p.b, p.root):
            body = account_body(unit, kind="agency", roles=["agency_admin"])
            assert (await profile_api.post(URL, json=body, headers=auth)).status_code == 201


async def delegated_world(session: AsyncSession) -> tuple[Province, Account]:
    """Agency A's HR staff member works in its sub-unit (Phòng Tổ chức cán bộ) on a personal account."""
    p = await province(session)
    hr = await make_account(session, unit=p.a_sub, role="approver", username="a.tccb")
    return p, hr


class TestDelegation:
    async def test_delegate_creates_officers_accounts_until_revoked(self, session: AsyncSession,
                                                                    profile_api: AsyncClient,
                                                                    token_issuer: TokenIssuer) -> None:
        """Điều 9 khoản 2: "tạo lập hoặc ủy quyền tạo lập tài khoản cá nhân" — the agency delegates creating
        personal accounts to named HR staff for its subtree; the delegate creates an officer's account anywhere
        in it; revoking ends that at once, whatever token the delegate still holds."""
        p, hr = await delegated_world(session)
        admin = auth_as(token_issuer, p.admin_a, p.a)
        before = await profile_api.post(URL, json=account_body(p.a), headers=await bearer_of(profile_api, "a.tccb"))
        assert before.status_code == 403 and before.json()["missing_scopes"] == ["accounts:create"]

        granted = await profile_api.post(f"{URL}/{hr.id}/delegation", json={**REQUEST, "org_unit_id": str(p.a.id)},
                                         headers=admin)
        assert granted.status_code == 201, granted.text
        assert granted.json()["org_unit_id"] == str(p.a.id) and granted.json()["revoked_at"] is None
        assert granted.json()["access_change"]["request_no"] == REQUEST["request_no"]

        delegate = await bearer_of(profile_api, "a.tccb")
        person = await make_profile(session, unit=p.a)
        made = await profile_api.post(URL, json=account_body(p.a, username="a.canbo9", profile_id=str(person.id)),
                                      headers=delegate)
        assert made.status_code == 201, made.text
        assert made.json()["account"]["created_by"] == str(hr.id)
        assert_problem(await profile_api.post(URL, json=account_body(p.a, roles=["approver"]), headers=delegate),
                       403, "role-not-grantable")
        assert_problem(await profile_api.post(URL, json=account_body(p.b), headers=delegate), 404,
                       "org-unit-not-found")

        revoked = await profile_api.post(f"{URL}/{hr.id}/delegation/revoke", json=REQUEST, headers=admin)
        assert revoked.status_code == 200 and revoked.json()["revoked_by"] == str(p.admin_a.id)
        assert_problem(await profile_api.post(URL, json=account_body(p.a), headers=delegate), 403,
                       "role-not-grantable")
        assert "accounts:create" not in (await login(profile_api, "a.tccb", PASSWORD)).json()["scope"]
        listed = (await profile_api.get(f"{URL}/delegations", headers=admin)).json()
        assert [(d["delegate_id"], d["revoked_at"] is not None) for d in listed] == [(str(hr.id), True)]
        audit = await session.execute(select(AuditEntry.action).where(AuditEntry.entity_id == str(hr.id))
                                      .order_by(AuditEntry.id))
        assert list(audit.scalars()) == ["account.delegate", "account.undelegate"]

    async def test_only_within_the_admins_subtree_and_with_a_written_request(self, session: AsyncSession,
                                                                             profile_api: AsyncClient,
                                                                             token_issuer: TokenIssuer) -> None:
        """Điều 9 khoản 2 and Điều 19 khoản 4: a delegation reaches only the granting agency's own staff and units,
        rests on a written request, and goes to someone who works in the unit it covers."""
        p, hr = await delegated_world(session)
        url = f"{URL}/{hr.id}/delegation"
        by_b = await profile_api.post(url, json=REQUEST, headers=auth_as(token_issuer, p.admin_b, p.b))
        assert_problem(by_b, 404, "account-not-found")
        admin = auth_as(token_issuer, p.admin_a, p.a)
        assert (await profile_api.post(url, json={"org_unit_id": str(p.a.id)}, headers=admin)).status_code == 422
        elsewhere = await make_unit(session, parent=p.a, type="sub_unit")
        unfit = await profile_api.post(url, json={**REQUEST, "org_unit_id": str(elsewhere.id)}, headers=admin)
        assert_problem(unfit, 422, "delegate-unfit")
        outside = await profile_api.post(url, json={**REQUEST, "org_unit_id": str(p.b.id)}, headers=admin)
        assert_problem(outside, 404, "org-unit-not-found")
        assert (await profile_api.post(url, json=REQUEST, headers=admin)).status_code == 201
        assert_problem(await profile_api.post(url, json=REQUEST, headers=admin), 409, "delegation-exists")
        officer = auth_as(token_issuer, await make_account(session, unit=p.a, role="officer"), p.a)
        assert (await profile_api.post(url, json=REQUEST, headers=officer)).status_code == 403

    async def test_a_disabled_delegate_or_one_moved_away_creates_nothing(self, session: AsyncSession,
                                                                         profile_api: AsyncClient,
                                                                         token_issuer: TokenIssuer) -> None:
        """Điều 9 khoản 2: the delegation is for the agency's own HR staff; once the person leaves its subtree
        (or their access is revoked, Điều 18 khoản 1) it lends nothing, though not yet revoked."""
        p, hr = await delegated_world(session)
        admin = auth_as(token_issuer, p.admin_a, p.a)
        assert (await profile_api.post(f"{URL}/{hr.id}/delegation", json=REQUEST, headers=admin)).status_code == 201
        delegate = await bearer_of(profile_api, "a.tccb")
        moved = await profile_api.post(f"{URL}/{hr.id}/move", json={"org_unit_id": str(p.b.id)},
                                       headers=auth_as(token_issuer, p.doha, p.root))
        assert moved.status_code == 200
        assert_problem(await profile_api.post(URL, json=account_body(p.a), headers=delegate), 403,
                       "role-not-grantable")
