"""`GET /api/v1/packets` a page at a time (Điều 13: DOHA keeps the connection to the national DB working, and the
portal's packet screen lists the queue without holding it whole)."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from tests.sync_gateway.conftest import Stack, released


class TestListPackets:
    async def test_pages_follow_the_cursor_and_a_bad_one_is_refused(self, session: AsyncSession,
                                                                    stack: Stack) -> None:
        for _ in range(3):  # three batches, three packets
            await released(session, stack, 1)
            await stack.runtime.build()
        doha = stack.world.auth["doha_admin"]
        first = (await stack.gateway.get("/api/v1/packets", params={"limit": 2}, headers=doha)).json()
        assert len(first["items"]) == 2 and first["counts"] == {"queued": 3} and first["next_cursor"]
        rest = (await stack.gateway.get("/api/v1/packets", params={"limit": 2, "cursor": first["next_cursor"]},
                                        headers=doha)).json()
        assert len(rest["items"]) == 1 and rest["next_cursor"] is None
        assert len({p["id"] for p in first["items"] + rest["items"]}) == 3  # no packet twice, none left out
        r = await stack.gateway.get("/api/v1/packets", params={"cursor": "nope"}, headers=doha)
        assert r.status_code == 422
