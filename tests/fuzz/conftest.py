"""The three APIs for fuzzing: profile-api, approval-api and sync-gateway calling each other in-process on the
test's transaction, all on one fixed clock (so a date one of them checks means the same day to the others, and
a run does not depend on the calendar day), over tests/approval_api's `world`: a sandbox province with an
agency, its people and every role. respx plays NDXP, answering as it would on a good day."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Awaitable, Callable, Iterator
from typing import Any

import httpx
import pytest
import respx

from approval_api.applying.client import ProfileClient
from hoso_shared.auth import TokenIssuer
from hoso_shared.time import FixedClock
from hoso_shared.web import collaborators_of
from profile_api.collaborators import Collaborators as ProfileCollaborators
from sync_gateway.returns.client import ApprovalClient
from tests.approval_api.conftest import IN_WINDOW, SERVICE, Apis, World, world  # noqa: F401 - fixture
from tests.conftest import AppClient
from tests.sync_gateway.conftest import GATEWAY_KEY, NDXP, Stack, national_jwks
from tests.sync_gateway.test_pipeline import TOKEN


@pytest.fixture
def ndxp() -> Iterator[respx.MockRouter]:
    """Every call the gateway makes to the national side, answered plausibly."""
    with respx.mock(assert_all_called=False) as router:
        router.post(f"{NDXP}/oauth/token").mock(return_value=httpx.Response(200, json=TOKEN))
        router.post(f"{NDXP}/population/v1/citizens/check").mock(return_value=httpx.Response(
            200, json={"result": "match", "mismatched": [], "checked_at": "2026-11-23T09:00:00Z"}))
        router.get(url__regex=rf"{NDXP}/cbccvc/v1/profiles/\d+").mock(return_value=httpx.Response(200, json={
            "items": {"full_name": "Phạm Văn Tới", "birth_date": "1988-04-02", "sex": "M", "ethnicity_code": "01"},
            "sections": {}}))
        router.get(url__regex=rf"{NDXP}/population/v1/citizens/\d+").mock(return_value=httpx.Response(200, json={
            "citizen_id": "001088012345", "full_name": "Phạm Văn Tới", "birth_date": "1988-04-02", "sex": "M",
            "birth_place": {"commune": "xã Yên Phú", "province": "Hà Nội", "detail": None},
            "home_town": {"commune": "xã Đông Sơn", "province": "Nam Định", "detail": None},
            "ethnicity": {"code": "01", "name": "Kinh"}, "religion": {"code": "00", "name": "Không"},
            "residence": {"commune": "phường Ba Đình", "province": "TP Hà Nội", "detail": "Số 1, ngõ 2, phố Kim Mã"},
            "looked_up_at": "2026-11-23T09:00:00Z"}))
        router.post(f"{NDXP}/ndxp/v1/packets").mock(return_value=httpx.Response(202, json={"status": "accepted"}))
        yield router


@pytest.fixture
async def stack(client_for: Any, world: World, token_issuer: TokenIssuer,  # noqa: F811
                ndxp: respx.MockRouter) -> Stack:
    clock = FixedClock(IN_WINDOW)
    profile: AppClient = await client_for("profile-api", wiring={"clock": clock})

    def minted(scopes: frozenset[str], name: str) -> Callable[[], Awaitable[str]]:
        principal = dataclasses.replace(SERVICE, username=name, scopes=scopes)

        async def token() -> str:
            return token_issuer.mint(principal=principal, audience="hoso-api")[0]
        return token

    approval: AppClient = await client_for("approval-api", wiring={
        "clock": clock, "profiles": ProfileClient(profile, minted(SERVICE.scopes, SERVICE.username))})
    collaborators_of(profile.app, ProfileCollaborators).approval.client = approval
    returns = ApprovalClient(approval, minted(frozenset({"change-requests:return"}), "svc.sync-gateway"))
    gateway: AppClient = await client_for(
        "sync-gateway", wiring={"clock": clock, "approval": returns, "profile_api": profile},
        signing_key=json.dumps(GATEWAY_KEY.as_dict(private=True)), ndxp_jwks=national_jwks(),
        ndxp_url=NDXP, ndxp_token_url=f"{NDXP}/oauth/token", ndxp_client_secret="s3cret",
        delivery_backoff_base_seconds=0.001)
    return Stack(Apis(profile, approval, clock), gateway, world)
