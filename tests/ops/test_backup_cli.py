"""The backup CLI (`hoso-backup`, or `python -m hoso_backup`): its expected failures (one line each, no
password), libpq's connection settings, and the drill's table comparison."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from hoso_backup import BackupError, Exit, TableCensus
from hoso_backup.__main__ import main
from hoso_backup.pgtools import libpq
from hoso_backup.restore import compare
from hoso_devstack.pg import free_port
from tests.ops.backup_helpers import PASSWORD


def _main(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    code = main(list(args))
    err = capsys.readouterr().err
    assert "Traceback" not in err
    return code, err.strip()


def test_expected_failures_are_one_line_errors(capsys: pytest.CaptureFixture[str], tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    assert _main(capsys, "verify", str(tmp_path / "nope.dump")) == (Exit.MISSING, f"error: no such dump: {tmp_path}"
                                                                                  "/nope.dump")
    (tmp_path / "lonely.dump").write_bytes(b"x")
    code, err = _main(capsys, "verify", str(tmp_path / "lonely.dump"))
    assert code == Exit.MISSING and err.startswith("error: no checksum file beside the dump")

    monkeypatch.delenv("DATABASE_URL", raising=False)
    assert _main(capsys, "dump", "--to", str(tmp_path)) == (Exit.USAGE, "error: DATABASE_URL is not set")

    monkeypatch.setenv("HOSO_ENV", "test")  # a plain dump: prod would refuse it before connecting
    monkeypatch.setenv("DATABASE_URL", f"postgresql://postgres:{PASSWORD}@127.0.0.1:{free_port()}/hoso")
    code, err = _main(capsys, "dump", "--to", str(tmp_path / "out"))
    assert code == Exit.DATABASE and err.splitlines()[-1].startswith("error: database: ")
    assert [line for line in err.splitlines() if not line.startswith("[backup] ")] == [err.splitlines()[-1]]
    assert PASSWORD not in err
    assert not list((tmp_path / "out").iterdir()), "a failed dump leaves nothing behind"

    (tmp_path / "a-file").write_text("x")
    code, err = _main(capsys, "dump", "--to", str(tmp_path / "a-file" / "backups"))
    assert (code, err.splitlines()[-1]) == (Exit.FILES, f"error: Not a directory: {tmp_path}/a-file/backups")

    with pytest.raises(SystemExit) as exited:
        main(["dump", "--to", str(tmp_path), "--keep-months", "2"])
    assert exited.value.code == Exit.USAGE
    assert "at least 3 months" in capsys.readouterr().err


def test_operators_run_the_console_script_or_python_m(tmp_path: Path) -> None:
    """`hoso-backup …` (tools/backup's console script) and `python -m hoso_backup …` are the same CLI."""
    for command in ([str(Path(sys.executable).parent / "hoso-backup")], [sys.executable, "-m", "hoso_backup"]):
        failed = subprocess.run([*command, "verify", str(tmp_path / "nope.dump")], capture_output=True, text=True,
                                timeout=60, check=False)
        assert (failed.returncode, failed.stderr) == (Exit.MISSING, f"error: no such dump: {tmp_path}/nope.dump\n")
        usage = subprocess.run([*command, "--help"], capture_output=True, text=True, timeout=60, check=True)
        assert usage.stdout.startswith("usage: hoso-backup ")


def test_libpq_gets_no_password_on_its_command_line() -> None:
    converted = libpq(f"postgresql+asyncpg://hoso:{PASSWORD}@db.internal:6432/hoso?ssl=require")
    assert converted.url == "postgresql://hoso@db.internal:6432/hoso?sslmode=require"
    assert converted.env == {"PGPASSWORD": PASSWORD}
    assert PASSWORD not in repr(converted)
    assert libpq("postgresql+asyncpg://postgres@127.0.0.1/x").env == {}
    assert libpq("postgresql+asyncpg://u%40x:p%2Fq@h/d%2Fb").url == "postgresql://u%40x@h/d%2Fb"
    assert libpq("postgresql+asyncpg://u%40x:p%2Fq@h/d%2Fb").env == {"PGPASSWORD": "p/q"}
    assert libpq("postgresql+asyncpg://u@[::1]:5433/d?host=/run/pg").url == "postgresql://u@[::1]:5433/d?host=%2Frun%2Fpg"
    with pytest.raises(BackupError):
        libpq("sqlite:///x.db")


def test_compare_flags_every_kind_of_difference() -> None:
    a, b = TableCensus(rows=2, md5="a" * 32), TableCensus(rows=2, md5="b" * 32)
    checks = compare({"t.same": a, "t.content": a, "t.rows": a, "t.gone": a},
                     {"t.same": a, "t.content": b, "t.rows": replace(a, rows=3), "t.new": a})
    assert {c.table: c.status for c in checks} == {
        "t.content": "content differs", "t.gone": "missing", "t.new": "not in manifest", "t.rows": "rows differ",
        "t.same": "ok"}
