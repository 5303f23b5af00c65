"""Restricting, extending and revoking a person's access (Quy chế Hà Nội 2024, Điều 18 khoản 1: "cấp, hạn chế,
mở rộng hoặc hủy quyền truy cập … theo phân cấp quản lý"), each on the basis of a written request whose number
and date are recorded with the change and read back in the account's history (Điều 19 khoản 4: "trên cơ sở đề
nghị bằng văn bản")."""

from __future__ import annotations

from datetime import timedelta

import pytest
from httpx import AsyncClient
from sqlalchemy import func, select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncSession

from hoso_shared.auth import TokenIssuer
from hoso_shared.db.models import Account, AccountAccessChange, AuditEntry
from hoso_shared.time import local_today
from tests.factories import make_account
from tests.profile_api.accounts.helpers import PASSWORD, REQUEST, auth_as, login, province

URL = "/api/v1/accounts"
PROBLEM = "urn:hoso:problem:"


async def changes_of(session: AsyncSession, account: Account) -> int:
    stmt = select(func.count()).select_from(AccountAccessChange).where(AccountAccessChange.account_id == account.id)
    return int((await session.execute(stmt)).scalar_one())


class TestRestrictAndExtend:
    async def test_a_restriction_records_and_returns_its_written_request(self, session: AsyncSession,
                                                                         profile_api: AsyncClient,
                                                                         token_issuer: TokenIssuer) -> None:
        """Điều 18 khoản 1 and Điều 19 khoản 4: the agency extends an officer's access (approver), then restricts it
        back and revokes it; each change carries its request's number and date, stored and returned, and shows
        in the account's history, newest first, for the agency and for DOHA."""
        p = await province(session)
        officer = await make_account(session, unit=p.a_sub, role="officer")
        auth = auth_as(token_issuer, p.admin_a, p.a)
        extended = await profile_api.post(f"{URL}/{officer.id}/roles", headers=auth,
                                          json={"roles": ["approver"], "request_no": "07/TTr-STC",
                                                "request_date": "2026-10-01"})
        assert extended.status_code == 200, extended.text
        assert extended.json()["roles"] == ["approver"]
        change = extended.json()["access_change"]
        assert (change["action"], change["request_no"], change["request_date"]) == ("roles", "07/TTr-STC",
                                                                                    "2026-10-01")
        assert change["before"]["roles"] == ["officer"] and change["after"]["roles"] == ["approver"]
        assert change["changed_by"] == str(p.admin_a.id)
        assert "change-requests:decide" in (await login(profile_api, officer.username, PASSWORD)).json()["scope"]

        restricted = await profile_api.post(f"{URL}/{officer.id}/roles", headers=auth,
                                            json={"roles": ["officer"], **REQUEST})
        assert restricted.status_code == 200 and restricted.json()["roles"] == ["officer"]
        revoked = await profile_api.post(f"{URL}/{officer.id}/disable", json=REQUEST, headers=auth)
        assert revoked.status_code == 200 and revoked.json()["disabled_at"] is not None
        assert revoked.json()["access_change"]["after"]["disabled"] is True

        for reader in (auth, auth_as(token_issuer, p.doha, p.root)):
            history = await profile_api.get(f"{URL}/{officer.id}/access-changes", headers=reader)
            assert history.status_code == 200
            assert [(c["action"], c["request_no"]) for c in history.json()] == [
                ("disable", REQUEST["request_no"]), ("roles", REQUEST["request_no"]), ("roles", "07/TTr-STC")]
        hidden = await profile_api.get(f"{URL}/{officer.id}/access-changes",
                                       headers=auth_as(token_issuer, p.admin_b, p.b))
        assert hidden.status_code == 404 and "07/TTr-STC" not in hidden.text
        audit = await session.execute(select(AuditEntry.action, AuditEntry.fields)
                                      .where(AuditEntry.entity_id == str(officer.id)).order_by(AuditEntry.id))
        assert [(a, "request_no" in f) for a, f in audit] == [("account.roles", True), ("account.roles", True),
                                                               ("account.disable", True)]

    @pytest.mark.parametrize("action", ["disable", "enable", "roles"])
    @pytest.mark.parametrize("missing", ["request_no", "request_date"])
    async def test_refused_without_the_written_request(self, session: AsyncSession, profile_api: AsyncClient,
                                                       token_issuer: TokenIssuer, action: str, missing: str) -> None:
        """Điều 19 khoản 4: no written request (its number or its date), no access change (422), and nothing is
        changed or recorded."""
        p = await province(session)
        officer = await make_account(session, unit=p.a_sub, role="officer")
        body = {**REQUEST, **({"roles": ["approver"]} if action == "roles" else {})}
        del body[missing]
        response = await profile_api.post(f"{URL}/{officer.id}/{action}", json=body,
                                          headers=auth_as(token_issuer, p.admin_a, p.a))
        assert response.status_code == 422, response.text
        assert response.headers["content-type"] == "application/problem+json"
        assert await changes_of(session, officer) == 0
        again = await session.get(Account, officer.id, populate_existing=True)
        assert again is not None and again.roles == ["officer"] and again.disabled_at is None

    async def test_a_blank_number_or_a_future_date_is_no_request(self, session: AsyncSession,
                                                                 profile_api: AsyncClient,
                                                                 token_issuer: TokenIssuer) -> None:
        """Điều 19 khoản 4: the request must exist already: a number, and a date not after today."""
        p = await province(session)
        officer = await make_account(session, unit=p.a_sub, role="officer")
        auth = auth_as(token_issuer, p.admin_a, p.a)
        blank = await profile_api.post(f"{URL}/{officer.id}/disable", headers=auth,
                                       json={"request_no": "  ", "request_date": "2026-01-05"})
        assert blank.status_code == 422
        tomorrow = (local_today() + timedelta(days=1)).isoformat()
        future = await profile_api.post(f"{URL}/{officer.id}/disable", headers=auth,
                                        json={"request_no": "9/CV", "request_date": tomorrow})
        assert future.status_code == 422 and future.json()["type"] == PROBLEM + "request-date-in-future"
        assert await changes_of(session, officer) == 0

    async def test_only_roles_the_admin_may_give_and_never_to_itself(self, session: AsyncSession,
                                                                      profile_api: AsyncClient,
                                                                      token_issuer: TokenIssuer) -> None:
        """Điều 18 khoản 1 "theo phân cấp quản lý": an agency extends access only as far as it could have granted
        it (no admin roles on a personal account), never its own, never an account outside its subtree."""
        p = await province(session)
        officer = await make_account(session, unit=p.a_sub, role="officer")
        officer_b = await make_account(session, unit=p.b, role="officer")
        auth = auth_as(token_issuer, p.admin_a, p.a)
        cases = [(officer.id, ["agency_admin"], 403, "role-not-grantable"),
                 (officer.id, ["officer", "doha_admin"], 403, "role-not-grantable"),
                 (officer.id, ["hr_system"], 422, "account-shape-invalid"),
                 (officer.id, ["officer"], 422, "access-unchanged"),
                 (p.admin_a.id, ["approver"], 403, "own-account"),
                 (officer_b.id, ["approver"], 404, "account-not-found")]
        for account_id, roles, status, slug in cases:
            response = await profile_api.post(f"{URL}/{account_id}/roles", json={"roles": roles, **REQUEST},
                                              headers=auth)
            assert (response.status_code, response.json()["type"]) == (status, PROBLEM + slug), roles
        assert await changes_of(session, officer) == 0

    async def test_the_record_is_append_only(self, session: AsyncSession, profile_api: AsyncClient,
                                             token_issuer: TokenIssuer) -> None:
        """Điều 19 khoản 4: the written request an access change rests on cannot be rewritten afterwards."""
        p = await province(session)
        officer = await make_account(session, unit=p.a_sub, role="officer")
        response = await profile_api.post(f"{URL}/{officer.id}/disable", json=REQUEST,
                                          headers=auth_as(token_issuer, p.admin_a, p.a))
        assert response.status_code == 200
        for statement in ("UPDATE account_access_changes SET request_no = 'x'", "DELETE FROM account_access_changes"):
            with pytest.raises(DBAPIError, match="append-only"):
                async with session.begin_nested():
                    await session.execute(text(statement))
        assert await changes_of(session, officer) == 1
