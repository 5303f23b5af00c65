"""A peer's keys fetched once for everyone who is waiting: no caller is told "no keys" while the
first fetch is still on its way (that lost receipts for good before)."""

from __future__ import annotations

import asyncio

import httpx
import pytest
import respx
from joserfc.jwk import ECKey

from hoso_shared.jwks import KeysUnavailable, RemoteKeySet

URL = "http://peer.test/.well-known/jwks.json"


def _jwks(key: ECKey) -> dict[str, object]:
    return {"keys": [{**key.as_dict(private=False), "kid": key.kid}]}


async def test_callers_during_the_first_fetch_wait_for_it() -> None:
    key = ECKey.generate_key("P-256", auto_kid=True)

    async def slow(_: httpx.Request) -> httpx.Response:
        await asyncio.sleep(0.05)
        return httpx.Response(200, json=_jwks(key))

    with respx.mock() as router:
        route = router.get(URL).mock(side_effect=slow)
        keyring = RemoteKeySet(url=URL)
        found = await asyncio.gather(*(keyring.get(key.kid) for _ in range(10)))
    assert all(any(k.kid == key.kid for k in keys) for keys in found)
    assert route.call_count == 1


async def test_an_unreachable_peer_is_unavailable_not_a_bad_signature() -> None:
    with respx.mock() as router:
        route = router.get(URL).mock(side_effect=httpx.ConnectError("down"))
        keyring = RemoteKeySet(url=URL)
        with pytest.raises(KeysUnavailable):
            await keyring.get("k1")
        with pytest.raises(KeysUnavailable):
            await keyring.get("k1")  # a failure does not start the quiet period: tried again
    assert route.call_count == 2


async def test_an_unknown_kid_refetches_at_most_every_interval() -> None:
    old, new = ECKey.generate_key("P-256", auto_kid=True), ECKey.generate_key("P-256", auto_kid=True)
    with respx.mock() as router:
        route = router.get(URL).mock(side_effect=[httpx.Response(200, json=_jwks(old)),
                                                  httpx.Response(200, json=_jwks(new))])
        keyring = RemoteKeySet(url=URL, refetch_seconds=3600)
        await keyring.get(old.kid)
        keys = await keyring.get(new.kid)  # unknown, but fetched a moment ago: not again
        assert not any(k.kid == new.kid for k in keys) and route.call_count == 1
        keyring.refetch_seconds = 0
        keys = await keyring.get(new.kid)
        assert any(k.kid == new.kid for k in keys) and route.call_count == 2
