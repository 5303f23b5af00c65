"""What the alerts read: after a good dump or drill, the job writes its figures into a Prometheus
textfile (`--metrics-file`, or `$HOSO_BACKUP_METRICS_FILE`; name it `*.prom`), in the format of
node-exporter's textfile collector. `python -m hoso_backup.schedule` serves that same file on
`HOSO_BACKUP_METRICS_PORT`; a node-exporter pointed at its directory reads it as well.

- a good dump sets `hoso_backup_last_success_timestamp_seconds` and `hoso_backup_size_bytes`;
- a drill that matched its manifest sets `hoso_restore_drill_last_success_timestamp_seconds`.

Dump and drill share the file, so each rewrites only its own lines and keeps the other's (under a lock
file, should the two jobs finish together). Written only on success: a failing job leaves the last good
figure, which then ages into the alert. The new file is written beside the old under a dot-name the
collector ignores, then renamed over it, so a reader never sees half a file.
"""

from __future__ import annotations

import fcntl
import os
import re
from pathlib import Path

METRICS_FILE = "HOSO_BACKUP_METRICS_FILE"
BACKUP_SUCCESS = "hoso_backup_last_success_timestamp_seconds"
BACKUP_SIZE = "hoso_backup_size_bytes"
DRILL_SUCCESS = "hoso_restore_drill_last_success_timestamp_seconds"
HELP = {
    BACKUP_SUCCESS: "Unix time the last good dump finished.",
    BACKUP_SIZE: "Size in bytes of the last good dump file (as stored: encrypted when encrypted).",
    DRILL_SUCCESS: "Unix time the last restore drill that matched its manifest finished.",
}
_SAMPLE = re.compile(r"^(hoso_\w+) (\S+)$")


def target(option: Path | None) -> Path | None:
    if option is not None:
        return option
    named = os.environ.get(METRICS_FILE, "").strip()
    return Path(named) if named else None


def render(values: dict[str, float]) -> str:
    lines = []
    for name, value in values.items():
        lines += [f"# HELP {name} {HELP.get(name, name)}", f"# TYPE {name} gauge", f"{name} {value:.17g}"]
    return "\n".join(lines) + "\n"


def parse(text: str) -> dict[str, float]:
    """The samples of a file we wrote; lines we do not understand are dropped, never fatal."""
    values = {}
    for line in text.splitlines():
        if (match := _SAMPLE.match(line)) is not None:
            try:
                values[match.group(1)] = float(match.group(2))
            except ValueError:
                continue
    return values


def update(path: Path, values: dict[str, float]) -> Path:
    """Sets `values` in the textfile at `path`, keeping its other samples."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with (path.parent / f".{path.name}.lock").open("a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        kept = parse(path.read_text()) if path.is_file() else {}
        merged = {name: value for name, value in {**kept, **values}.items() if name in HELP}
        partial = path.parent / f".{path.name}.{os.getpid()}.tmp"
        partial.write_text(render(dict(sorted(merged.items()))))
        partial.chmod(0o644)  # the exporter may run as another user
        os.replace(partial, path)
    return path


def backup_succeeded(path: Path, finished_at: float, size: int) -> Path:
    return update(path, {BACKUP_SUCCESS: finished_at, BACKUP_SIZE: float(size)})


def drill_succeeded(path: Path, finished_at: float) -> Path:
    return update(path, {DRILL_SUCCESS: finished_at})
