"""`python -m hoso_backup.schedule`: the backup CLI on cron expressions, for a host with no scheduler of its
own (deploy/compose.yaml's `backup` service). Kubernetes CronJobs run one step each with `--once`.

    python -m hoso_backup.schedule                     each step at its next cron time, for ever
    python -m hoso_backup.schedule --once dump|drill   one step now; exits with the CLI's code
    python -m hoso_backup.schedule --serve-only        only the metrics (Kubernetes: beside the CronJobs)

A step is a child process of the CLI (`python -m hoso_backup dump …`), one at a time, with this process's
environment, so the CLI's own variables reach it unchanged: DATABASE_URL, HOSO_ENV, HOSO_BACKUP_RECIPIENTS and
HOSO_BACKUP_SIGNING_KEY (dump), HOSO_BACKUP_IDENTITY and HOSO_BACKUP_VERIFY_KEY (drill) — each key also as
NAME_FILE — and HOSO_BACKUP_METRICS_FILE. A failed step is logged and the
loop goes on: the metrics file keeps its old timestamps, and HosoBackupStale / HosoRestoreDrillStale fire.

Environment (cron: five fields, UTC; an empty expression turns its step off):
    HOSO_BACKUP_DIR                 the dumps' directory (default /backups)
    HOSO_BACKUP_KEEP_MONTHS         `dump --keep-months` (default and minimum 3, Điều 11 khoản 1)
    HOSO_BACKUP_MONTHLY_CRON        the monthly dump (default `0 19 1 * *`: 02:00 on the 2nd, Hà Nội time)
    HOSO_BACKUP_DAILY_CRON          a daily dump as well (default empty: off), e.g. `0 19 * * *`
    HOSO_BACKUP_DRILL_CRON          restore drill of the newest dump (default `0 21 1 * *`, after the dump)
    HOSO_BACKUP_DRILL_DATABASE_URL  the server the drill makes its scratch database on (default DATABASE_URL)
    HOSO_BACKUP_METRICS_PORT        serve HOSO_BACKUP_METRICS_FILE at :PORT/metrics (default: not served)
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from croniter import croniter

from hoso_backup.errors import BackupError, Exit
from hoso_backup.names import parse_dump_name
from hoso_backup.retention import MIN_MONTHS

DUMP, DRILL = "dump", "drill"
# When several entries fall due together, a dump runs once and before the drill, which then checks it.
ORDER = (DUMP, DRILL)


@dataclass(frozen=True)
class Entry:
    name: str  # monthly, daily, drill
    cron: str
    step: str  # DUMP or DRILL


@dataclass(frozen=True)
class Config:
    directory: Path
    keep_months: int
    entries: tuple[Entry, ...]
    drill_database_url: str | None = field(default=None, repr=False)
    metrics_file: Path | None = None
    metrics_port: int | None = None


def _cron(env: Mapping[str, str], key: str, default: str) -> str:
    expression = env.get(key, default).strip()
    if expression and not croniter.is_valid(expression):
        raise BackupError(Exit.USAGE, f"{key}: not a cron expression: {expression!r}")
    return expression


def _int(env: Mapping[str, str], key: str, default: str) -> int:
    try:
        return int(env.get(key, default))
    except ValueError:
        raise BackupError(Exit.USAGE, f"{key} must be a whole number") from None


def config_from_env(env: Mapping[str, str]) -> Config:
    keep_months = _int(env, "HOSO_BACKUP_KEEP_MONTHS", str(MIN_MONTHS))
    if keep_months < MIN_MONTHS:
        raise BackupError(Exit.USAGE, f"HOSO_BACKUP_KEEP_MONTHS: backups must be kept at least {MIN_MONTHS} months")
    entries = tuple(Entry(name, cron, step) for name, cron, step in (
        ("monthly", _cron(env, "HOSO_BACKUP_MONTHLY_CRON", "0 19 1 * *"), DUMP),
        ("daily", _cron(env, "HOSO_BACKUP_DAILY_CRON", ""), DUMP),
        ("drill", _cron(env, "HOSO_BACKUP_DRILL_CRON", "0 21 1 * *"), DRILL),
    ) if cron)
    port = env.get("HOSO_BACKUP_METRICS_PORT", "").strip()
    metrics_file = env.get("HOSO_BACKUP_METRICS_FILE", "").strip()
    return Config(directory=Path(env.get("HOSO_BACKUP_DIR", "/backups")), keep_months=keep_months,
                  entries=entries, drill_database_url=env.get("HOSO_BACKUP_DRILL_DATABASE_URL", "").strip() or None,
                  metrics_file=Path(metrics_file) if metrics_file else None,
                  metrics_port=_int(env, "HOSO_BACKUP_METRICS_PORT", port) if port else None)


def next_time(cron: str, after: datetime) -> datetime:
    """The first time strictly after `after` that `cron` names (UTC)."""
    following: datetime = croniter(cron, after.astimezone(UTC)).get_next(datetime)
    return following


def newest_dump(directory: Path) -> Path | None:
    dated = [(taken, path) for path in directory.iterdir() if (taken := parse_dump_name(path.name)) is not None]
    return max(dated)[1] if dated else None


def command(config: Config, step: str) -> list[str] | None:
    """The CLI's argv for `step`, or None when there is nothing to drill yet."""
    cli = [sys.executable, "-m", "hoso_backup"]
    if step == DUMP:
        return [*cli, "dump", "--to", str(config.directory), "--keep-months", str(config.keep_months)]
    dump = newest_dump(config.directory) if config.directory.is_dir() else None
    return None if dump is None else [*cli, "restore-drill", str(dump)]


def run_step(config: Config, step: str, env: Mapping[str, str]) -> int:
    argv = command(config, step)
    if argv is None:
        _log(f"{step}: no dump in {config.directory} to drill")
        return int(Exit.MISSING)
    child_env = dict(env)
    if step == DRILL and config.drill_database_url:
        child_env["DATABASE_URL"] = config.drill_database_url
    _log(f"{step}: starting")
    code = subprocess.run(argv, env=child_env, check=False).returncode  # noqa: S603 - our own CLI, no shell
    _log(f"{step}: exit {code}")
    return code


def run_forever(entries: Sequence[Entry], *, clock: Callable[[], datetime], sleep: Callable[[float], None],
                run: Callable[[str], object], stop: Callable[[], bool] = lambda: False) -> None:
    """Runs each entry's step at its cron times, one step at a time. An entry that fell due while another
    step ran runs right after it; one that fell due more than once meanwhile runs once."""
    if not entries:
        raise BackupError(Exit.USAGE, "no step is scheduled: set HOSO_BACKUP_MONTHLY_CRON")
    start = clock()
    pending = {entry: next_time(entry.cron, start) for entry in entries}
    while not stop():
        when = min(pending.values())
        wait = (when - clock()).total_seconds()
        if wait > 0:
            sleep(min(wait, 3600.0))  # re-checked hourly, so a clock jump (NTP, a suspended VM) is caught up
            continue
        due = [entry for entry in entries if pending[entry] <= when]
        for step in ORDER:
            if any(entry.step == step for entry in due):
                run(step)
        for entry in due:
            pending[entry] = next_time(entry.cron, max(when, clock()))


class _MetricsHandler(BaseHTTPRequestHandler):
    metrics_file: Path | None = None

    def do_GET(self) -> None:
        if self.path.split("?")[0] != "/metrics":
            self.send_error(404)
            return
        try:  # the job replaces it by a rename, so a read sees a whole file; none before the first success
            body = self.metrics_file.read_bytes() if self.metrics_file else b""
        except FileNotFoundError:
            body = b""
        self.send_response(200)
        self.send_header("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass  # Prometheus scrapes every 15 s: not worth a log line each


def serve_metrics(metrics_file: Path | None, port: int, host: str = "0.0.0.0") -> ThreadingHTTPServer:  # noqa: S104
    """The textfile at :port/metrics, in a daemon thread: Prometheus's `backup` job scrapes it."""
    handler = type("MetricsHandler", (_MetricsHandler,), {"metrics_file": metrics_file})
    server = ThreadingHTTPServer((host, port), handler)
    threading.Thread(target=server.serve_forever, name="metrics", daemon=True).start()
    return server


def _log(line: str) -> None:
    sys.stderr.write(f"[schedule] {line}\n")
    sys.stderr.flush()


def _utc_now() -> datetime:
    return datetime.now(UTC)


def main(argv: list[str] | None = None, env: Mapping[str, str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m hoso_backup.schedule", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--once", choices=ORDER, help="run one step now and exit with its code")
    mode.add_argument("--serve-only", action="store_true", help="serve HOSO_BACKUP_METRICS_FILE, run nothing")
    args = parser.parse_args(argv)
    env = os.environ if env is None else env
    try:
        config = config_from_env(env)
        if args.once:
            return run_step(config, args.once, env)
        if args.serve_only and config.metrics_port is None:
            raise BackupError(Exit.USAGE, "--serve-only needs HOSO_BACKUP_METRICS_PORT")
        # As a container's PID 1, a signal without a handler is ignored: stop at once on `docker stop`.
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(int(Exit.OK)))
        if config.metrics_port is not None:
            serve_metrics(config.metrics_file, config.metrics_port)
        if args.serve_only:
            threading.Event().wait()  # the server's thread answers until the process is stopped
        for entry in config.entries:
            upcoming = next_time(entry.cron, _utc_now())
            _log(f"{entry.name}: {entry.step} at `{entry.cron}` (UTC), next {upcoming:%Y-%m-%d %H:%M}")
        run_forever(config.entries, clock=_utc_now, sleep=time.sleep,
                    run=lambda step: run_step(config, step, env))
    except BackupError as exc:
        sys.stderr.write(f"error: {exc.message}\n")
        return exc.code
    return int(Exit.OK)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
