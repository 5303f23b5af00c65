"""The gateway's LISTEN connection comes back by itself when the database drops it (issue 19: PostgreSQL restarted
under running services, none restarted by hand), and the loops waiting on it are woken for what they missed."""

from __future__ import annotations

import asyncio
import os

import asyncpg

from sync_gateway.notify import Waker, asyncpg_dsn

CHANNEL = f"hoso_test_wake_{os.getpid()}"


async def test_listens_again_after_the_database_drops_the_connection(db_url: str) -> None:
    waker = Waker(db_url, (CHANNEL,), retry_seconds=0.05)
    woken = waker.subscribe(CHANNEL)
    await waker.start()
    admin = await asyncpg.connect(asyncpg_dsn(db_url))
    try:
        first = waker.connection
        # What a restart (or an immediate shutdown) does to every backend.
        await admin.execute("SELECT pg_terminate_backend($1)", first.get_server_pid())
        async with asyncio.timeout(10):
            await woken.wait()  # on listening again: a notification sent meanwhile was lost
        assert waker.connection is not first and not waker.connection.is_closed()
        woken.clear()
        await admin.execute(f"NOTIFY {CHANNEL}")
        async with asyncio.timeout(10):
            await woken.wait()
    finally:
        await admin.close()
        await waker.stop()


async def test_a_waker_started_without_a_database_still_starts() -> None:
    """Polling goes on meanwhile; the keeper tries again every `retry_seconds`."""
    waker = Waker("postgresql+asyncpg://postgres@127.0.0.1:9/none", (CHANNEL,), retry_seconds=0.05)
    await waker.start()
    try:
        assert waker.connection is None
        await asyncio.sleep(0.2)
        assert waker.keeper is not None and not waker.keeper.done()
    finally:
        await waker.stop()
