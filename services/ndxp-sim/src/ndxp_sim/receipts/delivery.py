"""Posting receipts back to the gateway: one background task per receipt, after the receipt delay
(plus a random extra one when receipts are to arrive out of order). A 2xx or 4xx answer ends it;
5xx or no answer is retried with a doubling pause up to the attempt limit. Shutdown and reset
cancel whatever is still waiting."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from hoso_shared.logging import get_logger
from ndxp_sim.faults.service import count, roll
from ndxp_sim.packets.store import DeliveryState, StoredPacket

if TYPE_CHECKING:
    from ndxp_sim.state import Sim

OUT_OF_ORDER_MAX_SECONDS = 1.0
log = get_logger("ndxp_sim.receipts")


@dataclass
class Deliveries:
    tasks: set[asyncio.Task[None]] = field(default_factory=set)

    def schedule(self, sim: Sim, stored: StoredPacket) -> None:
        copies = 1
        if roll(sim, sim.faults.duplicate_receipt_rate):
            count(sim, "duplicate_receipt")
            copies = 2
        self._start(sim, stored, copies)

    def resend(self, sim: Sim, stored: StoredPacket) -> None:
        """The stored receipt once more (a duplicate packet met the duplicate-receipt fault)."""
        self._start(sim, stored, 1)

    def _start(self, sim: Sim, stored: StoredPacket, copies: int) -> None:
        delay = sim.settings.sim_receipt_delay_ms / 1000
        if sim.faults.out_of_order_receipts:
            count(sim, "out_of_order")
            delay += sim.rng.uniform(0, OUT_OF_ORDER_MAX_SECONDS)
        task = asyncio.create_task(deliver(sim, stored, delay, copies, sim.faults.callback_attempts),
                                   name=f"receipt {stored.receipt_id}")
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)

    async def cancel_all(self) -> None:
        tasks = list(self.tasks)
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)


async def deliver(sim: Sim, stored: StoredPacket, delay: float, copies: int, attempts: int) -> None:
    try:
        await asyncio.sleep(delay)
        for _ in range(copies):  # a duplicate is the identical JWS, posted once the first is answered
            settle(sim, stored, await post_until_answered(sim, stored, attempts))
    except asyncio.CancelledError:
        if stored.receipt_delivery == "pending":
            stored.receipt_delivery = "cancelled"
        raise


def settle(sim: Sim, stored: StoredPacket, result: DeliveryState) -> None:
    if result == "delivered" and stored.receipt_delivery != "delivered":
        sim.stats.receipts_sent += 1
    elif result == "failed":
        sim.stats.receipt_failures += 1
    elif result == "refused":
        sim.stats.receipts_refused += 1
    if stored.receipt_delivery != "delivered":
        stored.receipt_delivery = result


async def post_until_answered(sim: Sim, stored: StoredPacket, attempts: int) -> DeliveryState:
    url = sim.settings.sim_callback_url
    pause = sim.settings.sim_callback_backoff_ms / 1000
    for attempt in range(1, attempts + 1):
        sim.stats.receipt_posts += 1
        stored.receipt_posts += 1
        status = await _post(sim, url, stored.receipt_jws)
        if status is not None and status < 500:
            log.info("receipt_posted", receipt_id=stored.receipt_id, status=status, attempt=attempt)
            return "delivered" if 200 <= status < 300 else "refused"
        if attempt < attempts:
            await asyncio.sleep(pause)
            pause = min(pause * 2, sim.settings.sim_callback_backoff_max_ms / 1000)
    log.warning("receipt_gave_up", receipt_id=stored.receipt_id, attempts=attempts)
    return "failed"


async def _post(sim: Sim, url: str, jws: str) -> int | None:
    """The answer's status, or None when there was none (refused, reset, timed out, cut off)."""
    try:
        response = await sim.callback_client().post(url, content=jws,
                                                    headers={"Content-Type": "application/jose"})
    except Exception as exc:  # whatever kept the answer from us, the next attempt may get one
        log.info("receipt_post_failed", url=url, error=type(exc).__name__)
        return None
    return response.status_code
