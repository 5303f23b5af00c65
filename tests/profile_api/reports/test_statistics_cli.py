"""`python -m profile_api.reports.statistics`: the workforce statistics written to a file, as the route
serves them, with progress on stderr."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from httpx import AsyncClient
from sqlalchemy.ext.asyncio import AsyncSession

from hoso_shared.auth import TokenIssuer
from profile_api.reports.statistics import __main__ as cli
from profile_api.reports.statistics import queries
from profile_api.settings import Settings
from tests.conftest import settings_env
from tests.profile_api.reports.workforce import get, world


class TestCli:
    async def test_writes_what_the_route_serves_with_progress_on_stderr(
            self, session: AsyncSession, profile_api: AsyncClient, token_issuer: TokenIssuer, db_url: str,
            sessionmaker: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
            capsys: pytest.CaptureFixture[str]) -> None:
        made = await world(session, token_issuer)
        monkeypatch.setattr(cli, "create_engine", lambda url, pool_size, cipher: _Engine())
        monkeypatch.setattr(cli, "create_sessionmaker", lambda engine: sessionmaker)  # the test's transaction
        monkeypatch.setattr(queries, "PAGE", 40)
        out = tmp_path / "stc.csv"
        args = cli._parser().parse_args(["--unit", "01.STC", "--as-of", "2026-06-30", "--format", "csv",
                                         "--out", str(out)])
        assert await cli.run(args, Settings(**settings_env(db_url))) == 0
        served = await get(profile_api, made.auth["agency_admin"], made.units["01.STC"], as_of="2026-06-30",
                            format="csv")
        assert out.read_bytes() == served.content
        err = capsys.readouterr().err
        progress = [line for line in err.splitlines() if line.endswith("records read")]
        assert len(progress) >= 2 and progress[0].startswith("workforce statistics: 40/")
        assert "workforce statistics of 01.STC on 2026-06-30" in err

    async def test_usage_errors_exit_2(self, session: AsyncSession, db_url: str, sessionmaker: Any,
                                       monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setattr(cli, "create_engine", lambda url, pool_size, cipher: _Engine())
        monkeypatch.setattr(cli, "create_sessionmaker", lambda engine: sessionmaker)
        settings = Settings(**settings_env(db_url))
        assert cli.main(["--unit", "01"]) == 2  # no --out
        assert cli.main(["--unit", "01", "--as-of", "30/06/2026", "--out", "-"]) == 2
        unknown = cli._parser().parse_args(["--unit", "NO.SUCH.UNIT", "--out", "-"])
        assert await cli.run(unknown, settings) == 2
        backwards = cli._parser().parse_args(["--unit", "01", "--from", "2026-02-01", "--to", "2026-01-01",
                                              "--out", "-"])
        assert await cli.run(backwards, settings) == 2


class _Engine:
    async def dispose(self) -> None:
        return None
