"""The background loops every service runs beside its routes (reconcilers, snapshots, sealing): one tick at once,
then one per interval; a failed tick is logged and the next one retries, so a passing database outage never ends
a loop. `interval <= 0` starts nothing (tests call the tick by hand)."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable

from hoso_shared.logging import get_logger

log = get_logger("hoso.periodic")
Tick = Callable[[], Awaitable[object]]


async def every(name: str, tick: Tick, interval: float) -> None:
    while True:
        try:
            await tick()
        except Exception as exc:  # a bad tick must not end the loop
            log.warning("periodic_tick_failed", loop=name, error=type(exc).__name__, exc_info=True)
        await asyncio.sleep(interval)


def start(name: str, tick: Tick, interval: float) -> asyncio.Task[None] | None:
    return asyncio.create_task(every(name, tick, interval), name=name) if interval > 0 else None


async def stop(task: asyncio.Task[None] | None) -> None:
    if task is None:
        return
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task
