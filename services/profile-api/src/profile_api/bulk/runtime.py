"""What an import worker runs with: built by `worker.py` for its own process, or by the app for its in-process
runner (`HOSO_IMPORT_RUNNER=in_process`, for tests and a single-process trial)."""

from __future__ import annotations

import os
import socket
from dataclasses import dataclass
from datetime import timedelta

from hoso_shared.crypto import FieldCipher
from hoso_shared.db.engine import SessionMaker
from hoso_shared.time import Clock, utc_now
from profile_api.bulk.cpu import Checkers
from profile_api.changes.clients import ApprovalClient
from profile_api.settings import Settings


@dataclass(frozen=True)
class Runtime:
    sessionmaker: SessionMaker
    cipher: FieldCipher
    approval: ApprovalClient | None  # forwards each stored row's create request; None: the reconciler will
    worker: str  # host:pid[:n], unique among the workers
    stale: timedelta  # a running job whose heartbeat is older is taken for abandoned and claimed again
    heartbeat: float  # seconds between beats beside the work; 0: only with each chunk (one connection in tests)
    max_attempts: int  # claims of one job before it is failed instead
    # Check the next chunk while the last one is stored, on two connections; off in the in-process runner (a test
    # has one connection) and wherever the job must not take a second core from the serving process.
    overlap: bool = True
    clock: Clock = utc_now
    checkers: Checkers | None = None  # the worker's checker process; None: rows are checked in a thread


def worker_name(suffix: str = "") -> str:
    return f"{socket.gethostname()}:{os.getpid()}" + (f":{suffix}" if suffix else "")


def runtime_for(settings: Settings, sessionmaker: SessionMaker, cipher: FieldCipher, approval: ApprovalClient | None,
                *, heartbeat: float | None = None, overlap: bool = True, clock: Clock = utc_now,
                suffix: str = "", checkers: Checkers | None = None) -> Runtime:
    return Runtime(sessionmaker, cipher, approval, worker_name(suffix),
                   timedelta(seconds=settings.import_stale_seconds),
                   settings.import_heartbeat_seconds if heartbeat is None else heartbeat,
                   settings.import_max_attempts, overlap, clock, checkers)
