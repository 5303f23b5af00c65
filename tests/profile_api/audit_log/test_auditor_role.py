"""The auditor role (issue 21 item 3): created by DOHA (Điều 19 khoản 6) or an agency admin (Điều 21 khoản 5) in
their subtree like any personal account, it reads the audit log and the org tree, never a record."""

from __future__ import annotations

import pytest
from httpx import AsyncClient
from sqlalchemy.ext.asyncio import AsyncSession

from hoso_shared.auth import ROLE_SCOPES, Role, TokenIssuer
from tests.profile_api.accounts.helpers import account_body, auth_as
from tests.profile_api.audit_log.helpers import world


def test_the_role_reads_the_log_and_the_tree_only() -> None:
    assert ROLE_SCOPES[Role.auditor] == {"audit:read", "org-units:read"}
    assert not any(s.startswith("profiles:") for s in ROLE_SCOPES[Role.auditor])


class TestCreateAuditors:
    @pytest.mark.parametrize(("creator", "target", "status"), [
        ("doha", "root", 201), ("doha", "b", 201), ("admin_a", "a", 201), ("admin_a", "a_sub", 201),
        ("admin_a", "b", 404), ("admin_a", "root", 404),
    ])
    async def test_admins_make_auditors_in_their_subtree(self, creator: str, target: str, status: int,
                                                         session: AsyncSession, profile_api: AsyncClient,
                                                         token_issuer: TokenIssuer) -> None:
        w = await world(session)
        account = getattr(w.p, creator)
        unit = w.p.root if creator == "doha" else w.p.a
        response = await profile_api.post("/api/v1/accounts", headers=auth_as(token_issuer, account, unit),
                                          json=account_body(w.p.unit(target), roles=["auditor"]))
        assert response.status_code == status, response.text
        agency = await profile_api.post("/api/v1/accounts", headers=auth_as(token_issuer, account, unit),
                                        json=account_body(w.p.unit(target), kind="client", roles=["auditor"]))
        assert agency.status_code in (403, 404, 422)  # a person's role, never a client's

    async def test_an_auditor_reads_no_record(self, session: AsyncSession, profile_api: AsyncClient,
                                              token_issuer: TokenIssuer) -> None:
        w = await world(session)
        for auditor in (w.auditor_root, w.auditor_a):
            auth = w.auth(token_issuer, auditor)
            for path in (f"/api/v1/profiles/{w.person_a.id}", f"/api/v1/profiles/{w.person_a.id}/family",
                         f"/api/v1/profiles/{w.person_a.id}/versions", "/api/v1/profiles",
                         f"/api/v1/reports/profiles/{w.person_a.id}/syll.json"):
                response = await profile_api.get(path, headers=auth)
                assert response.status_code in (403, 404), f"{path}: {response.status_code}"
                assert w.person_a.full_name not in response.text
            assert (await profile_api.get("/api/v1/org-units", headers=auth)).status_code == 200
