"""Rolling the per-call faults. Called first by every national data route, before the token check,
as a real overloaded or flaky intermediary would fail before looking at the call."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from hoso_shared.logging import get_logger
from ndxp_sim.errors import NdxpError
from ndxp_sim.faults.transport import Drop

if TYPE_CHECKING:
    from ndxp_sim.state import Sim

log = get_logger("ndxp_sim.faults")


def roll(sim: Sim, rate: float) -> bool:
    return rate > 0 and sim.rng.random() < rate


def count(sim: Sim, kind: str) -> None:
    sim.stats.faults_injected[kind] += 1
    log.info("fault_injected", kind=kind)


async def inject_faults(sim: Sim, drop: Drop) -> None:
    """Sleeps, raises the injected error, or arms the request's drop switch, as the dice say."""
    faults = sim.faults
    if faults.latency_ms:
        count(sim, "latency")
        await asyncio.sleep(faults.latency_ms / 1000)
    if roll(sim, faults.error_rate):
        count(sim, "error")
        if sim.rng.random() < 0.5:
            raise NdxpError(503, "unavailable", headers={"Retry-After": "1"})
        raise NdxpError(500, "internal_error")
    if roll(sim, faults.timeout_rate):
        count(sim, "timeout")
        # Hang as a stuck upstream would; a client with a shorter timeout has given up by now.
        await asyncio.sleep(faults.timeout_seconds)
        raise NdxpError(504, "timeout")
    if roll(sim, faults.drop_rate):
        count(sim, "drop")
        drop.armed = True
