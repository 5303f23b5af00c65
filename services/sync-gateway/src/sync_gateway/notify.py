"""Wake-ups through PostgreSQL LISTEN/NOTIFY: approval-api notifies `hoso_outbox` when a batch is
released, the builder notifies `hoso_packets` when packets are stored. Loops still poll as a fallback
(a notification is lost while the listening connection is down)."""

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
    def __init__(self, database_url: str, channels: tuple[str, ...]) -> None:
        self.dsn, self.channels = asyncpg_dsn(database_url), channels
        self.events: dict[str, list[asyncio.Event]] = {c: [] for c in channels}
        self.connection: Any = None

    def subscribe(self, channel: str) -> asyncio.Event:
        event = asyncio.Event()
        self.events[channel].append(event)
        return event

    def _notified(self, _conn: object, _pid: int, channel: str, _payload: str) -> None:
        for event in self.events.get(channel, []):
            event.set()

    async def start(self) -> None:
        try:
            self.connection = await asyncpg.connect(self.dsn)
            for channel in self.channels:
                await self.connection.add_listener(channel, self._notified)
        except (OSError, asyncpg.PostgresError) as exc:  # polling still works without it
            log.warning("listen_unavailable", error=str(exc))

    async def stop(self) -> None:
        if self.connection is not None:
            with contextlib.suppress(Exception):
                await self.connection.close()


async def wait(event: asyncio.Event, seconds: float) -> None:
    with contextlib.suppress(TimeoutError):
        async with asyncio.timeout(seconds):
            await event.wait()
    event.clear()
