"""The CPU-heavy steps of an import's pass, as plain functions of picklable values (checking a chunk of rows with
its table rows; building the good rows' records: sealing, hashing), and where they run: in the import worker,
a process of its own (`Checkers`), so they take the machine's second core instead of sharing the worker's GIL
with parsing and the database traffic; in the in-process runner (tests, a single-process trial), a thread.

In a profile of a 5,000-row import (cProfile, one thread) checking and building were half the time, parsing a
fifth once the scan kept its rows. Pure apart from `Checkers` and `offload`: no database, no web.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import uuid
from collections import defaultdict
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from datetime import date
from typing import Any, TypeVar

from hoso_shared.crypto import FieldCipher
from profile_api.bulk import files, store, tables
from profile_api.bulk.rows import CheckedRow, check_row

T = TypeVar("T")
CHECKERS = 1  # processes: the worker itself, PostgreSQL and approval-api take the rest of a small machine


class Checkers:
    """The worker's checker processes: spawned (never a fork of a process with an event loop and threads), with the
    worker's lowered priority (`worker.run` lowers it first, they inherit it). One that dies (killed, out of
    memory) is replaced and the call made again once, so the job goes on."""

    def __init__(self) -> None:
        self.pool = self._spawn()

    @staticmethod
    def _spawn() -> ProcessPoolExecutor:
        return ProcessPoolExecutor(max_workers=CHECKERS, mp_context=multiprocessing.get_context("spawn"))

    async def start(self) -> None:
        """Waits until the processes are up (~1 s of imports), before a job waits on them."""
        await asyncio.wrap_future(self.pool.submit(int))

    async def run(self, fn: Callable[..., T], *args: Any) -> T:
        loop = asyncio.get_running_loop()
        try:
            return await loop.run_in_executor(self.pool, fn, *args)
        except BrokenProcessPool:
            self.pool.shutdown(wait=False, cancel_futures=True)
            self.pool = self._spawn()
            return await loop.run_in_executor(self.pool, fn, *args)

    def close(self) -> None:
        self.pool.shutdown(wait=False, cancel_futures=True)


async def offload(checkers: Checkers | None, fn: Callable[..., T], *args: Any) -> T:
    """`fn(*args)` in a checker process, or in a thread without them."""
    if checkers is None:
        return await asyncio.to_thread(fn, *args)
    return await checkers.run(fn, *args)


def check_chunk(cipher: FieldCipher, today: date, chunk: list[files.Row],
                staged: Sequence[tuple[str, int, int, Any]]) -> list[CheckedRow]:
    """Each row's own checks, and its table rows checked and attached."""
    by_owner: dict[int, list[tuple[str, int, Any]]] = defaultdict(list)
    for sheet, number, owner, cells in staged:
        by_owner[owner].append((sheet, number, cells))
    checked = []
    for number, cells in chunk:
        row = check_row(number, cells, today=today, cipher=cipher)
        sections: dict[str, list[dict[str, Any]]] = {}
        reasons: list[str] = []
        for sheet, line, staged_cells in by_owner.get(number, ()):
            entry, why = tables.check_row(tables.BY_SECTION[sheet], line, staged_cells["t"], staged_cells["r"])
            reasons += why
            if entry is not None:
                sections.setdefault(sheet, []).append(entry)
        for reason in reasons:
            row.refuse(reason)
        row.sections = sections
        checked.append(row)
    return checked


def build(good: list[CheckedRow], actor_id: uuid.UUID, cipher: FieldCipher, today: date) -> list[store.NewProfile]:
    return [store.build_profile(r, actor_id, cipher, today) for r in good]
