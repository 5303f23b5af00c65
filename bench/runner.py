"""How each benchmark runs: SIGTERM unwinds like Ctrl-C (every `finally` runs, so no server or
PostgreSQL is left behind), and its scratch folder under .data/ is removed afterwards."""

from __future__ import annotations

import shutil
import signal
import tempfile
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import TypeVar

C = TypeVar("C")


def _terminate(signum: int, _: object) -> None:
    raise SystemExit(128 + signum)


def run(bench: Callable[[C, Path, datetime], object], config: C, prefix: str) -> int:
    signal.signal(signal.SIGTERM, _terminate)
    data_dir = Path(".data")
    data_dir.mkdir(exist_ok=True)
    run_dir = Path(tempfile.mkdtemp(prefix=prefix, dir=data_dir)).resolve()
    try:
        bench(config, run_dir, datetime.now(UTC))
    finally:
        shutil.rmtree(run_dir, ignore_errors=True)
    return 0
