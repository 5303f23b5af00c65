"""Counters of what the simulator saw and did, for tests and for watching a dev run."""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass, field
from typing import Any

from pydantic import BaseModel


@dataclass
class Stats:
    packet_posts: int = 0  # every POST to the packet route that got past the faults and the token
    packets_unique: int = 0
    duplicates: int = 0
    bad_signatures: int = 0
    malformed: int = 0
    records_unique: int = 0
    records_accepted: int = 0
    records_rejected: int = 0
    receipts_sent: int = 0  # distinct receipts the gateway acknowledged with a 2xx
    receipt_posts: int = 0  # every callback POST, duplicates and retries included
    receipt_failures: int = 0  # gave up after the last attempt
    receipts_refused: int = 0  # the gateway answered 4xx, so the simulator stopped
    chain_verified: int = 0
    chain_breaks: int = 0
    tokens_issued: int = 0
    faults_injected: Counter[str] = field(default_factory=Counter)

    def snapshot(self) -> dict[str, Any]:
        values = asdict(self)
        values["faults_injected"] = dict(self.faults_injected)
        return values


class StatsRead(BaseModel):
    packet_posts: int
    packets_unique: int
    duplicates: int
    bad_signatures: int
    malformed: int
    records_unique: int
    records_accepted: int
    records_rejected: int
    receipts_sent: int
    receipt_posts: int
    receipt_failures: int
    receipts_refused: int
    chain_verified: int
    chain_breaks: int
    tokens_issued: int
    faults_injected: dict[str, int]
