"""The backup schedule (`python -m hoso_backup.schedule`, compose's `backup` service; Kubernetes runs its
steps with `--once`): which steps run when under a fixed clock, the drill's dump, the settings it refuses,
and the metrics file it serves to Prometheus."""

from __future__ import annotations

import urllib.error
import urllib.request
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from hoso_backup import schedule
from hoso_backup.errors import BackupError, Exit
from hoso_backup.schedule import DRILL, DUMP, Config, config_from_env, run_forever
from hoso_devstack.pg import free_port


class FakeTime:
    """A clock that sleeping moves; each step takes `step_takes`."""

    def __init__(self, start: datetime, step_takes: timedelta = timedelta(minutes=10)) -> None:
        self.now, self.step_takes = start, step_takes
        self.ran: list[tuple[datetime, str]] = []

    def sleep(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)

    def run(self, step: str) -> None:
        self.ran.append((self.now, step))
        self.now += self.step_takes


def _run(env: Mapping[str, str], start: datetime, end: datetime, **kwargs: Any) -> list[tuple[datetime, str]]:
    fake = FakeTime(start, **kwargs)
    run_forever(config_from_env(env).entries, clock=lambda: fake.now, sleep=fake.sleep, run=fake.run,
                stop=lambda: fake.now >= end)
    return fake.ran


START = datetime(2026, 12, 5, 12, 0, tzinfo=UTC)
END = datetime(2027, 3, 5, 12, 0, tzinfo=UTC)


class TestSchedule:
    def test_by_default_a_monthly_dump_then_a_drill_of_it(self) -> None:
        """Điều 11 khoản 1 (monthly backups) and Điều 19 khoản 8 / Điều 20 khoản 3 (checked periodically): a
        dump on the 1st at 19:00 UTC (02:00 on the 2nd in Hà Nội), its drill two hours later, every month."""
        ran = _run({}, START, END)
        assert ran == [(datetime(year, month, 1, hour, tzinfo=UTC), step)
                       for year, month in ((2027, 1), (2027, 2), (2027, 3))
                       for hour, step in ((19, DUMP), (21, DRILL))]

    def test_a_daily_dump_when_configured_and_one_dump_when_both_fall_due(self) -> None:
        ran = _run({"HOSO_BACKUP_DAILY_CRON": "0 19 * * *"}, START, datetime(2027, 1, 3, tzinfo=UTC))
        dumps = [when for when, step in ran if step == DUMP]
        assert dumps == [datetime(2026, 12, day, 19, tzinfo=UTC) for day in range(5, 32)] + \
            [datetime(2027, 1, day, 19, tzinfo=UTC) for day in (1, 2)]
        assert [when for when, step in ran if step == DRILL] == [datetime(2027, 1, 1, 21, tzinfo=UTC)]

    def test_a_drill_due_during_a_long_dump_runs_right_after_it(self) -> None:
        """The dump takes 3 hours, past the drill's 21:00: the drill is not skipped for a month."""
        ran = _run({}, START, datetime(2027, 1, 2, tzinfo=UTC), step_takes=timedelta(hours=3))
        assert ran == [(datetime(2027, 1, 1, 19, tzinfo=UTC), DUMP), (datetime(2027, 1, 1, 22, tzinfo=UTC), DRILL)]

    def test_nothing_scheduled_is_refused(self) -> None:
        with pytest.raises(BackupError) as refused:
            _run({"HOSO_BACKUP_MONTHLY_CRON": "", "HOSO_BACKUP_DRILL_CRON": ""}, START, END)
        assert refused.value.code == Exit.USAGE


class TestConfig:
    def test_defaults(self) -> None:
        config = config_from_env({})
        assert config.directory == Path("/backups") and config.keep_months == 3
        assert [(e.name, e.step) for e in config.entries] == [("monthly", DUMP), ("drill", DRILL)]
        assert config.metrics_port is None and config.drill_database_url is None

    @pytest.mark.parametrize(("env", "says"), [
        ({"HOSO_BACKUP_KEEP_MONTHS": "2"}, "at least 3 months"),
        ({"HOSO_BACKUP_KEEP_MONTHS": "three"}, "whole number"),
        ({"HOSO_BACKUP_MONTHLY_CRON": "monthly"}, "not a cron expression"),
        ({"HOSO_BACKUP_DRILL_CRON": "0 25 1 * *"}, "not a cron expression"),
    ])
    def test_refuses(self, env: dict[str, str], says: str) -> None:
        """Điều 11 khoản 1: fewer than three months of backups is refused before anything runs."""
        with pytest.raises(BackupError, match=says) as refused:
            config_from_env(env)
        assert refused.value.code == Exit.USAGE


class TestSteps:
    def test_the_drill_restores_the_newest_dump_on_the_drill_server(self, tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
        config = Config(directory=tmp_path, keep_months=4, entries=(), drill_database_url="postgresql://scratch/x")
        assert schedule.command(config, DRILL) is None
        for name in ("hoso-2026-11-01T190000.dump", "hoso-2026-12-01T190000.dump", "hoso-2026-12-01T190000.dump"
                     ".sha256", "notes.txt", "hoso-2026-10-01.dump"):
            (tmp_path / name).write_bytes(b"")
        calls: list[tuple[list[str], dict[str, str]]] = []

        class Done:
            returncode = 0

        def fake_run(argv: list[str], *, env: dict[str, str], check: bool) -> Done:
            calls.append((argv, env))
            return Done()

        monkeypatch.setattr("hoso_backup.schedule.subprocess.run", fake_run)
        assert schedule.run_step(config, DRILL, {"DATABASE_URL": "postgresql://live/hoso"}) == 0
        assert schedule.run_step(config, DUMP, {"DATABASE_URL": "postgresql://live/hoso"}) == 0
        (drill, drill_env), (dump, dump_env) = calls
        assert drill[-2:] == ["restore-drill", str(tmp_path / "hoso-2026-12-01T190000.dump")]
        assert drill_env["DATABASE_URL"] == "postgresql://scratch/x"
        assert dump[-5:] == ["dump", "--to", str(tmp_path), "--keep-months", "4"]
        assert dump_env["DATABASE_URL"] == "postgresql://live/hoso"

    def test_a_drill_with_no_dump_is_a_missing_file(self, tmp_path: Path) -> None:
        config = Config(directory=tmp_path / "none", keep_months=3, entries=())
        assert schedule.run_step(config, DRILL, {}) == Exit.MISSING

    def test_once_runs_the_cli_and_returns_its_code(self, tmp_path: Path) -> None:
        """`--once dump` is what the Kubernetes CronJob runs: the CLI's own exit code comes back."""
        code = schedule.main(["--once", "dump"], env={"HOSO_BACKUP_DIR": str(tmp_path), "PATH": "/usr/bin:/bin"})
        assert code == Exit.USAGE  # no DATABASE_URL: the CLI's refusal, not ours


class TestMetrics:
    def test_serve_only_needs_a_port(self, capsys: pytest.CaptureFixture[str]) -> None:
        assert schedule.main(["--serve-only"], env={}) == Exit.USAGE
        assert capsys.readouterr().err == "error: --serve-only needs HOSO_BACKUP_METRICS_PORT\n"

    def test_serves_the_textfile_and_nothing_else(self, tmp_path: Path) -> None:
        textfile = tmp_path / "backup.prom"
        server = schedule.serve_metrics(textfile, free_port(), host="127.0.0.1")
        base = f"http://127.0.0.1:{server.server_address[1]}"
        try:
            with urllib.request.urlopen(f"{base}/metrics", timeout=5) as response:  # noqa: S310 - http to ourselves
                assert response.status == 200 and response.read() == b""  # before the first good backup
            textfile.write_text("hoso_backup_last_success_timestamp_seconds 1.7e+09\n")
            with urllib.request.urlopen(f"{base}/metrics", timeout=5) as response:  # noqa: S310
                assert response.read() == b"hoso_backup_last_success_timestamp_seconds 1.7e+09\n"
                assert response.headers["Content-Type"].startswith("text/plain; version=0.0.4")
            with pytest.raises(urllib.error.HTTPError) as missing:
                urllib.request.urlopen(f"{base}/other", timeout=5)  # noqa: S310
            assert missing.value.code == 404
        finally:
            server.shutdown()
            server.server_close()
