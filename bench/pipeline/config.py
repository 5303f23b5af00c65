"""The pipeline benchmark's settings (env), goals and fixed parameters."""

from __future__ import annotations

import os
from dataclasses import dataclass

from sqlalchemy.engine import make_url

SEED = 2026
GOAL_RECORDS_PER_S = 5000.0
GOAL_P99_MS = 1000.0
BULK_POLL_S = 0.05
SINGLE_POLL_S = 0.005
SINGLE_TIMEOUT_S = 30.0
DECIDED = ("accepted", "rejected", "blocked")


@dataclass(frozen=True)
class Config:
    records: int
    singles: int
    copy_rows: int
    commits: int
    timeout_s: float
    stall_s: float

    @classmethod
    def from_env(cls) -> Config:
        return cls(records=int(os.environ.get("BENCH_PIPELINE_RECORDS", "10000")),
                   singles=int(os.environ.get("BENCH_PIPELINE_SINGLES", "50")),
                   copy_rows=int(os.environ.get("BENCH_PIPELINE_COPY_ROWS", "200000")),
                   commits=int(os.environ.get("BENCH_PIPELINE_COMMITS", "1000")),
                   timeout_s=float(os.environ.get("BENCH_PIPELINE_TIMEOUT", "900")),
                   stall_s=float(os.environ.get("BENCH_PIPELINE_STALL", "60")))


def asyncpg_dsn(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
