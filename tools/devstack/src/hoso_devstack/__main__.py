"""Dev entry points: `python -m hoso_devstack run|test`."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

from hoso_devstack.database import external_url, start_embedded
from hoso_devstack.stack import run


def _test(args: list[str]) -> int:
    """pytest on $DATABASE_URL, or on a throwaway embedded PostgreSQL started for this run."""
    pg = None
    env = dict(os.environ)
    if external_url() is None:
        Path(".data").mkdir(exist_ok=True)
        pg = start_embedded(Path(tempfile.mkdtemp(prefix="pg-test-", dir=".data")), throwaway=True)
        env["DATABASE_URL"] = pg.url
    try:
        return subprocess.call([sys.executable, "-m", "pytest", *args], env=env)
    finally:
        if pg is not None:
            pg.destroy()


def main(argv: list[str]) -> int:
    data_dir = Path(os.environ.get("HOSO_DATA_DIR", ".data"))
    match argv[:1]:
        case ["run"]:
            return run(data_dir, int(os.environ.get("HOSO_PORT_OFFSET", "0")))
        case ["test"]:
            return _test(argv[1:])
        case _:
            print("usage: python -m hoso_devstack run | test [pytest args]", file=sys.stderr)
            return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
