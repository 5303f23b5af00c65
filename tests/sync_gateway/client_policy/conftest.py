"""The client-policy tests' NDXP: its token endpoint faked with respx, and a real `Transport` to it."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import httpx
import pytest
import respx

from hoso_shared.oauth import ClientCredentials
from sync_gateway.delivery.transport import Route, Transport
from tests.sync_gateway.client_policy.helpers import TOKEN_URL
from tests.sync_gateway.conftest import NDXP
from tests.sync_gateway.test_pipeline import TOKEN


@pytest.fixture
def ndxp() -> Iterator[respx.MockRouter]:
    """NDXP's token endpoint answering; each test mounts the packet route it needs."""
    with respx.mock(assert_all_called=False) as router:
        router.post(TOKEN_URL, name="token").mock(return_value=httpx.Response(200, json=TOKEN))
        yield router


@pytest.fixture
async def transport() -> AsyncIterator[Transport]:
    http = httpx.AsyncClient(timeout=httpx.Timeout(2.0))
    token = ClientCredentials(TOKEN_URL, "hoso-gateway", "s3cret")
    yield Transport(http, token, Route(NDXP, "/ndxp/v1/packets", "authorization", {}))
    await http.aclose()
    await token.aclose()
