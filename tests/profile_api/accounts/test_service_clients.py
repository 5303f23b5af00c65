"""Guard rails on the most powerful accounts (QĐ 6187/QĐ-UBND Điều 19 khoản 7: DOHA keeps the system safe; Điều 13:
the connection to the national database is kept working): the pipeline's service clients cannot be disabled,
re-roled, moved or have their secret reset over HTTP — not even by DOHA — so a stolen administrator token cannot
stop the sync; operators manage them with `python -m profile_api.accounts`."""

from __future__ import annotations

import pytest
from httpx import AsyncClient
from sqlalchemy.ext.asyncio import AsyncSession

from hoso_shared.auth import TokenIssuer
from tests.factories import bearer, make_account, make_unit, principal_for

REQUEST = {"request_no": "12/SNV-CNTT", "request_date": "2026-11-02"}


@pytest.mark.parametrize(("action", "body"), [
    ("disable", REQUEST), ("enable", REQUEST), ("reset-password", None),
    ("roles", {**REQUEST, "roles": ["service"], "scopes": ["profiles:read"]}),
])
async def test_doha_cannot_touch_a_service_client_over_http(
        action: str, body: dict[str, object] | None, session: AsyncSession, profile_api: AsyncClient,
        token_issuer: TokenIssuer) -> None:
    """Điều 19 khoản 7 and Điều 13: refused with the rule named, and the client left as it was."""
    root = await make_unit(session, type="province")
    doha = await make_account(session, unit=root, role="doha_admin")
    gateway = await make_account(session, unit=root, role="service", kind="client", username="svc.sync-gateway",
                                 scopes=["profiles:read", "profiles:incoming", "change-requests:return"])
    r = await profile_api.post(f"/api/v1/accounts/{gateway.id}/{action}", json=body,
                               headers=bearer(token_issuer, principal_for(doha, root)))
    assert r.status_code == 403, r.text
    assert (r.json()["type"].endswith("service-client-protected"), r.json()["rule"]) == (
        True, "service-clients-by-operators-only")
    await session.refresh(gateway)
    assert gateway.disabled_at is None and gateway.roles == ["service"]
