"""Wake-ups through PostgreSQL LISTEN/NOTIFY: approval-api notifies `hoso_outbox` when a batch is
released, the builder notifies `hoso_packets` when packets are stored. Loops still poll as a fallback
(a notification is lost while the listening connection is down). The listening connection is watched and made
again when it is lost (a database restart), and every loop is woken then, for what it missed meanwhile."""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any

import asyncpg
import structlog
from sqlalchemy.engine import make_url

log = structlog.get_logger()


def asyncpg_dsn(database_url: str) -> str:
    return make_url(database_url).set(drivername="postgresql").render_as_string(hide_password=False)


class Waker:
    def __init__(self, database_url: str, channels: tuple[str, ...], *, retry_seconds: float = 1.0) -> None:
        self.dsn, self.channels, self.retry_seconds = asyncpg_dsn(database_url), channels, retry_seconds
        self.events: dict[str, list[asyncio.Event]] = {c: [] for c in channels}
        self.connection: Any = None
        self.keeper: asyncio.Task[None] | None = None

    def subscribe(self, channel: str) -> asyncio.Event:
        event = asyncio.Event()
        self.events[channel].append(event)
        return event

    def _notified(self, _conn: object, _pid: int, channel: str, _payload: str) -> None:
        for event in self.events.get(channel, []):
            event.set()

    async def start(self) -> None:
        await self._listen()
        self.keeper = asyncio.create_task(self._keep(), name="waker")

    async def _listen(self) -> bool:
        connection = None
        try:
            connection = await asyncpg.connect(self.dsn)
            for channel in self.channels:
                await connection.add_listener(channel, self._notified)
        except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError) as exc:  # polling still works without it
            log.warning("listen_unavailable", error=str(exc) or type(exc).__name__)
            if connection is not None:
                connection.terminate()
            return False
        self.connection = connection
        return True

    async def _keep(self) -> None:
        """Listens again once the connection is lost (closed by a database restart, or never made), then wakes
        every loop: notifications sent while no one listened are gone."""
        while True:
            await asyncio.sleep(self.retry_seconds)
            if self.connection is not None and not self.connection.is_closed():
                continue
            try:
                listening = await self._listen()
            except Exception:  # whatever else the connect met, the next round tries again
                log.exception("listen_failed")
                continue
            if listening:
                log.info("listen_restored")
                for events in self.events.values():
                    for event in events:
                        event.set()

    async def stop(self) -> None:
        if self.keeper is not None:
            self.keeper.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self.keeper
        if self.connection is not None:
            with contextlib.suppress(Exception):
                await self.connection.close()


async def wait(event: asyncio.Event, seconds: float) -> None:
    with contextlib.suppress(TimeoutError):
        async with asyncio.timeout(seconds):
            await event.wait()
    event.clear()
