"""The report CLIs (`python -m profile_api.reports.reviews|progress`) on a database of their own with the
demo committed: three units review 2026-Q3 (one on time, one late, one only drafted). The slow runs go
through real subprocesses, all started at once; the rest call `run` in-process on the same database."""

from __future__ import annotations

import asyncio
import csv
import io
import json
import os
import subprocess
import sys
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from cryptography import x509
from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncSession

from hoso_devstack import demo
from hoso_devstack.database import with_database
from hoso_shared.crypto import FieldCipher
from hoso_shared.db import migrate
from hoso_shared.db.engine import SessionMaker, create_engine, create_sessionmaker, session_scope
from hoso_shared.db.models import Account, AuditEntry, OrgUnit, ProgressPage
from hoso_shared.signing import generate_dev_identity, load_identity
from profile_api.reports.exports.schemas import VerifyResult
from profile_api.reports.exports.signer import trust_roots
from profile_api.reports.exports.verify import verify_file
from profile_api.reports.progress import __main__ as progress_cli
from profile_api.reports.progress import queries as progress_queries
from profile_api.reports.progress import service as progress
from profile_api.reports.reviews import __main__ as reviews_cli
from profile_api.reports.reviews import service as reviews
from profile_api.reports.reviews.schemas import ReviewCreate, ReviewSubmit
from profile_api.settings import Settings
from tests.conftest import fresh_database
from tests.factories import CIPHER, principal_for

ROOT = Path(__file__).resolve().parents[3]
QUARTER = "2026-Q3"  # its deadline (25 September) has passed whenever this runs
ON_TIME = datetime(2026, 9, 20, 3, tzinfo=UTC)
GONE = "01.GONE"  # a cached page whose unit no longer exists


@dataclass
class World:
    settings: Settings
    sessionmaker: SessionMaker
    roots: tuple[x509.Certificate, ...]
    reviews: dict[str, uuid.UUID]  # unit code → its review of QUARTER
    runs: dict[str, subprocess.CompletedProcess[str]]
    out: Path


async def _review(session: AsyncSession, env: reviews.ReviewContext, unit_code: str, key: str, *,
                  submit_at: datetime | None) -> uuid.UUID:
    """Drafted by the unit's agency account, then (at `submit_at`) signed and submitted by its approver."""
    unit = (await session.execute(select(OrgUnit).where(OrgUnit.code == unit_code))).scalar_one()
    accounts = {a.username: a for a in await session.scalars(select(Account).where(Account.org_unit_id == unit.id))}
    now = submit_at or datetime.now(UTC)
    draft = await reviews.create_review(session, principal_for(accounts[f"{key}.admin"], unit),
                                        ReviewCreate(org_unit_id=unit.id, quarter=QUARTER), env, now)
    if submit_at is not None:
        await reviews.submit_review(session, principal_for(accounts[f"{key}.approver"], unit), draft.id,
                                    ReviewSubmit(content_hash=draft.content_hash), env, now)
    return draft.id


async def _load(sessionmaker: SessionMaker, env: reviews.ReviewContext) -> dict[str, uuid.UUID]:
    async with session_scope(sessionmaker) as session:
        assert await demo.load(session, env.cipher) is not None
    async with session_scope(sessionmaker) as session:
        ids = {"01.STC": await _review(session, env, "01.STC", "stc", submit_at=ON_TIME),
               "01.SGD": await _review(session, env, "01.SGD", "sgd", submit_at=datetime.now(UTC)),
               "01.00004": await _review(session, env, "01.00004", "bd", submit_at=None)}
        await progress.render_page(session, "01.STC", datetime.now(UTC))
        await progress_queries.store(session, GONE, {}, "", datetime.now(UTC))
    return ids


def _env(url: str, settings: Settings) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL" and not k.startswith("HOSO_")}
    return {**env, "DATABASE_URL": url, "HOSO_ENV": "test", "HOSO_LOG_LEVEL": "WARNING",
            "HOSO_LOOKUP_HMAC_KEY": settings.lookup_hmac_key.get_secret_value(),
            "HOSO_EXPORT_SIGNING_KEY": settings.export_signing_key.get_secret_value(),
            "HOSO_EXPORT_SIGNING_CERT": settings.export_signing_cert,
            "HOSO_EXPORT_SIGNING_CHAIN": settings.export_signing_chain}


def _start(url: str, settings: Settings, out: Path, ids: dict[str, uuid.UUID]) -> dict[str, subprocess.Popen[str]]:
    commands = {
        "status": ["profile_api.reports.reviews", "status", "--quarter", QUARTER],
        "review.pdf": ["profile_api.reports.reviews", "export", str(ids["01.SGD"]), "--format", "pdf",
                       "--out", str(out / "review.pdf")],
        "refresh": ["profile_api.reports.progress", "refresh"],
    }
    return {name: subprocess.Popen([sys.executable, "-m", *argv], cwd=ROOT, env=_env(url, settings), text=True,
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE)
            for name, argv in commands.items()}


def _finish(started: dict[str, subprocess.Popen[str]]) -> dict[str, subprocess.CompletedProcess[str]]:
    done = {}
    for name, process in started.items():
        stdout, stderr = process.communicate(timeout=60)
        done[name] = subprocess.CompletedProcess(process.args, process.returncode, stdout, stderr)
    return done


async def _drop(server: str, name: str) -> None:
    admin = create_engine(with_database(server, "postgres"), pool_size=1)
    async with admin.connect() as conn:
        await conn.execution_options(isolation_level="AUTOCOMMIT")
        await conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    await admin.dispose()


@pytest.fixture(scope="module")
async def world(server_url: str, tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[World]:
    name = f"hoso_report_clis_{os.getpid()}"
    url = await fresh_database(server_url, name)
    engine = create_engine(url, pool_size=2, cipher=CIPHER)
    try:
        await asyncio.to_thread(migrate.upgrade, url)
        pem = generate_dev_identity()
        settings = Settings(env="test", database_url=url, lookup_hmac_key="report-clis-test",
                            export_signing_key=pem.key, export_signing_cert=pem.cert, export_signing_chain=pem.chain)
        identity = load_identity(pem.key, pem.cert, pem.chain, "")
        env = reviews.ReviewContext(settings.deadline_policy, FieldCipher.from_settings(settings), identity)
        sessionmaker = create_sessionmaker(engine)
        ids = await _load(sessionmaker, env)
        out = tmp_path_factory.mktemp("report-clis")
        runs = await asyncio.to_thread(_finish, _start(url, settings, out, ids))
        yield World(settings, sessionmaker, trust_roots(pem.chain, ""), ids, runs, out)
    finally:
        await engine.dispose()
        await _drop(server_url, name)


async def _run(module: Any, world: World, *argv: str) -> int:
    code: int = await module.run(module.parser().parse_args(argv), world.settings, world.sessionmaker)
    return code


async def _verified(world: World, path: Path) -> VerifyResult:
    result = await verify_file(await asyncio.to_thread(path.read_bytes), world.roots)
    assert result.valid, result.problems
    return result


class TestReviewsStatus:
    def test_says_who_submitted_on_time_late_or_not(self, world: World) -> None:
        """Điều 21 khoản 6: every agency with an agency account reviews; Sở Nội vụ's own unit has one in the demo
        (it syncs like any sở, Điều 15 khoản 1), so it is on the roster too, here without a review."""
        run = world.runs["status"]
        assert run.returncode == 0, run.stderr
        roster = json.loads(run.stdout)
        assert (roster["quarter"], roster["submitted"], roster["late"], roster["not_submitted"]) == (QUARTER, 1, 1, 2)
        units = {u["org_unit_code"]: (u["status"], u["overdue"], u["drafted"]) for u in roster["units"]}
        assert units == {"01.STC": ("submitted", False, False), "01.SGD": ("late", False, False),
                         "01.00004": ("not_submitted", True, True), "01.SNV": ("not_submitted", True, False)}
        assert "1 submitted, 1 late, 2 not submitted" in run.stderr

    async def test_writes_one_subtree_as_csv(self, world: World) -> None:
        out = world.out / "status.csv"
        assert await _run(reviews_cli, world, "status", "--quarter", QUARTER, "--unit", "01.SGD", "--format", "csv",
                          "--out", str(out)) == 0
        rows = list(csv.DictReader(io.StringIO(out.read_bytes().decode("utf-8-sig"))))
        assert [(r["org_unit_code"], r["status"], r["overdue"], r["review_id"]) for r in rows] == [
            ("01.SGD", "late", "false", str(world.reviews["01.SGD"]))]

    async def test_refuses_an_unknown_unit_or_a_quarter_not_begun(
            self, world: World, capsys: pytest.CaptureFixture[str]) -> None:
        assert await _run(reviews_cli, world, "status", "--quarter", QUARTER, "--unit", "NOPE") == 2
        assert await _run(reviews_cli, world, "status", "--quarter", "2999-Q1") == 2
        assert capsys.readouterr().err.splitlines() == ["no unit with code 'NOPE'", "2999-Q1 has not begun."]


class TestReviewsExport:
    async def test_signs_the_pdf_for_the_system_and_audits_it(self, world: World) -> None:
        run = world.runs["review.pdf"]
        assert run.returncode == 0, run.stderr
        result = await _verified(world, world.out / "review.pdf")
        assert result.kind == "pdf" and result.signed_by is not None and result.signed_by.person is not None
        assert result.signed_by.person["username"] == "system"
        async with world.sessionmaker() as session:
            actors = (await session.scalars(select(AuditEntry.actor).where(
                AuditEntry.action == "export.review.pdf", AuditEntry.entity_id == str(world.reviews["01.SGD"])))).all()
        assert actors == ["system"]

    async def test_json_is_the_content_with_its_submission_signature(self, world: World) -> None:
        out = world.out / "review.json"
        assert await _run(reviews_cli, world, "export", str(world.reviews["01.SGD"]), "--format", "json",
                          "--out", str(out)) == 0
        result = await _verified(world, out)
        assert result.signed_by is not None and result.signed_by.person is not None
        assert result.signed_by.person["username"] == "sgd.approver"
        assert json.loads(out.read_bytes())["org_unit"]["code"] == "01.SGD"

    async def test_refuses_a_draft_and_an_unknown_review(self, world: World) -> None:
        out = world.out / "none.pdf"
        assert await _run(reviews_cli, world, "export", str(world.reviews["01.00004"]), "--format", "pdf",
                          "--out", str(out)) == 1
        assert await _run(reviews_cli, world, "export", str(uuid.uuid4()), "--format", "json", "--out", str(out)) == 2
        assert not out.exists()


class TestProgressRender:
    async def test_signed_pdf_and_json_and_the_html_of_a_unit(self, world: World) -> None:
        for fmt in ("pdf", "json"):
            out = world.out / f"progress.{fmt}"
            assert await _run(progress_cli, world, "render", "--format", fmt, "--out", str(out)) == 0
            result = await _verified(world, out)
            assert result.signed_by is not None and result.signed_by.person is not None
            assert result.signed_by.person["username"] == "system"
        assert [s["code"] for s in json.loads((world.out / "progress.json").read_bytes())["sections"]] == ["01"]
        page = world.out / "stc.html"
        assert await _run(progress_cli, world, "render", "--unit", "01.STC", "--format", "html",
                          "--out", str(page)) == 0
        assert "Phòng Quản lý ngân sách" in page.read_text()

    async def test_refuses_an_unknown_unit(self, world: World) -> None:
        out = world.out / "nope.html"
        assert await _run(progress_cli, world, "render", "--unit", "NOPE", "--format", "html", "--out", str(out)) == 2
        assert not out.exists()


class TestProgressRefresh:
    async def test_renders_every_cached_page_saying_each(self, world: World) -> None:
        run = world.runs["refresh"]
        assert run.returncode == 0, run.stderr
        lines = run.stderr.splitlines()
        assert [line.split(" rendered at ")[0] for line in lines] == [
            "progress page 1/3: every province", f"progress page 2/3: unit {GONE} skipped (the unit has gone)",
            "progress page 3/3: unit 01.STC", "refreshed 2 of 3 progress pages"]
        async with world.sessionmaker() as session:
            gone = (await session.execute(select(ProgressPage).where(ProgressPage.scope == GONE))).scalar_one()
        assert gone.html == ""  # left as it was


class TestUsage:
    @pytest.mark.parametrize("argv", [
        [], ["status"], ["status", "--quarter", "2026-Q5"], ["status", "--quarter", QUARTER, "--format", "xlsx"],
        ["export", "not-a-uuid", "--format", "pdf", "--out", "x"], ["export", str(uuid.uuid4()), "--format", "pdf"]])
    def test_reviews_bad_arguments_exit_2(self, argv: list[str]) -> None:
        assert reviews_cli.main(argv) == 2

    @pytest.mark.parametrize("argv", [[], ["render", "--format", "svg", "--out", "x"], ["render", "--format", "pdf"],
                                      ["refresh", "--unit", "01"]])
    def test_progress_bad_arguments_exit_2(self, argv: list[str]) -> None:
        assert progress_cli.main(argv) == 2

    def test_refused_settings_exit_2_without_their_values(
            self, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
        monkeypatch.setenv("HOSO_ENV", "prod")
        monkeypatch.setenv("HOSO_LOOKUP_HMAC_KEY", "change-me")
        monkeypatch.setenv("HOSO_FIELD_KEYS", '{"k1": "not-a-key-but-secret"}')
        assert progress_cli.main(["refresh"]) == 2
        err = capsys.readouterr().err
        assert err.startswith("settings refused:") and "not-a-key-but-secret" not in err
