"""What makes an import and an export fast (issue 17) changes nothing they write: the rows the scan read are kept
(compressed) for the passes after it, so the file is parsed once, and a file past the limit is read again as before;
the worker checks and seals rows in a checker process of its own, which is replaced if it dies; an export page's
cells are typed a row at a time as they were a cell at a time. The speed itself is measured by bench/bulk.py, never
asserted here."""

from __future__ import annotations

import os
import signal
import uuid
from collections.abc import Callable, Iterator
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from httpx import AsyncClient
from sqlalchemy import func, select
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncSession

from hoso_shared.auth import TokenIssuer
from hoso_shared.db.models import ImportJob, Profile
from hoso_shared.web import collaborators_of
from profile_api.bulk import cpu, files, scan, tasks, worker
from profile_api.bulk.columns import COLUMNS, typed, typer
from profile_api.bulk.runtime import runtime_for
from profile_api.bulk.xlsx_writer import row_xml
from profile_api.collaborators import Collaborators
from tests.factories import bearer, make_account, make_unit, principal_for
from tests.profile_api.bulk.helpers import People, run, start, xlsx_bytes


@pytest.fixture
async def client(client_for: Callable[..., Any]) -> AsyncClient:
    made: AsyncClient = await client_for("profile-api")
    return made


@pytest.fixture
async def agency(session: AsyncSession, token_issuer: TokenIssuer) -> tuple[Any, dict[str, str]]:
    unit = await make_unit(session)
    admin = await make_account(session, unit=unit, role="agency_admin")
    return unit, bearer(token_issuer, principal_for(admin, unit))


def counting_reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The sheets whose rows are read from the file, one entry per read."""
    reads: list[str] = []
    sheet_rows = files.sheet_rows

    def spy(book: files.Book, sheet: str) -> tuple[list[str], Iterator[files.Row]]:
        reads.append(sheet)
        return sheet_rows(book, sheet)

    monkeypatch.setattr(files, "sheet_rows", spy)
    return reads


async def profiles_in(session: AsyncSession, unit: Any) -> int:
    stmt = select(func.count()).select_from(Profile).where(Profile.org_unit_id == unit.id)
    return int((await session.execute(stmt)).scalar_one())


class TestParsedOnce:
    async def test_an_all_or_nothing_import_reads_the_file_once(self, session: AsyncSession, client: AsyncClient,
                                                               agency: Any, monkeypatch: pytest.MonkeyPatch) -> None:
        """Scan, check pass and store pass: three reads of the profiles sheet before, one now."""
        unit, auth = agency
        reads = counting_reads(monkeypatch)
        job = await run(client, auth, xlsx_bytes(People(81).people(unit.code, 30)), mode="all_or_nothing")
        assert (job["state"], job["created_count"], job["error_count"]) == ("done", 30, 0)
        assert reads.count("profiles") == 1
        assert await profiles_in(session, unit) == 30

    async def test_rows_past_the_limit_are_read_again_with_the_same_outcome(
            self, session: AsyncSession, client: AsyncClient, agency: Any, monkeypatch: pytest.MonkeyPatch) -> None:
        unit, auth = agency
        monkeypatch.setattr(scan, "KEEP_BYTES", 0)
        reads = counting_reads(monkeypatch)
        people = People(82).people(unit.code, 30)
        people[4]["citizen_id"] = people[9]["citizen_id"]  # two bad rows, with every reason still found
        people[12]["sex"] = "X"
        job = await run(client, auth, xlsx_bytes(people), mode="valid_only")
        assert (job["state"], job["created_count"], job["error_count"]) == ("done", 27, 3)
        assert sorted(e["row"] for e in job["errors"]) == [6, 11, 14]
        assert reads.count("profiles") == 2
        assert await profiles_in(session, unit) == 27

    def test_kept_rows_come_back_as_read_but_their_empty_cells(self) -> None:
        kept = scan.Kept()
        first = {"full_name": "Lê Văn A", "birth_date": date(1990, 1, 2), "salary_coefficient": Decimal("3.00"),
                 "phone": " "}
        for batch in ([(2, first)], [(3, {"full_name": None, "salary_step": 4})]):
            kept.add(batch)
        assert kept.whole and list(kept.rows()) == [(2, first), (3, {"salary_step": 4})]


class TestCheckerProcess:
    @pytest.fixture
    async def queued(self, session: AsyncSession, client_for: Callable[..., Any], agency: Any) -> tuple[Any, ...]:
        """A 25-row valid_only upload, two of them bad, left queued for a worker."""
        unit, auth = agency
        client = await client_for("profile-api", import_runner="worker")
        people = People(83).people(unit.code, 25)
        people[3]["birth_date"] = date(2090, 1, 1)
        people[7]["org_unit_code"] = "NO.SUCH.UNIT"
        location = await start(client, auth, xlsx_bytes(people), filename="a.xlsx", mode="valid_only")
        return client, unit, uuid.UUID(location.rsplit("/", 1)[1])

    @pytest.mark.timeout(300)
    async def test_a_worker_checks_in_its_process_and_replaces_one_that_died(self, session: AsyncSession,
                                                                             queued: Any) -> None:
        client, unit, job_id = queued
        wiring = collaborators_of(client.app, Collaborators)
        checkers = cpu.Checkers()
        try:
            await checkers.start()
            for pid in list(checkers.pool._processes or {}):  # the checker dies (killed, out of memory)
                os.kill(pid, signal.SIGKILL)
            rt = runtime_for(wiring.settings, wiring.sessionmaker, wiring.cipher, None, heartbeat=0, overlap=False,
                             suffix="checkers", checkers=checkers)
            assert await worker.run_once(rt, job_id=job_id)
        finally:
            checkers.close()
        job = (await session.execute(select(ImportJob).where(ImportJob.id == job_id)
                                     .execution_options(populate_existing=True))).scalar_one()
        assert (job.state, job.created_count, job.error_count) == ("done", 23, 2)
        reasons = {e["row"]: e["reasons"] for e in job.errors}
        assert set(reasons) == {5, 9}
        assert any("tương lai" in r for r in reasons[5]) and any("NO.SUCH.UNIT" in r for r in reasons[9])
        assert await profiles_in(session, unit) == 23


class TestExportCells:
    def test_typing_a_row_is_typing_each_cell(self) -> None:
        values = ["2020-01-02" if c.is_date else "3.33" if c.kind == "number" else 4 if c.kind == "integer"
                  else "001188000001" for c in COLUMNS]
        for row in (values, [None] * len(COLUMNS)):
            assert typer(COLUMNS)(row) == [typed(c, v) for c, v in zip(COLUMNS, row, strict=True)]

    def test_a_text_of_characters_xml_refuses_only_is_no_cell(self) -> None:
        assert row_xml(["\x01\ufffe", "a&<b>", " x"], 3) == (
            '<row r="3"><c r="B3" t="inlineStr"><is><t>a&amp;&lt;b&gt;</t></is></c>'
            '<c r="C3" t="inlineStr"><is><t xml:space="preserve"> x</t></is></c></row>')


class TestConcurrentWriters:
    @pytest.mark.parametrize("mode", ["valid_only", "all_or_nothing"])
    async def test_a_chunk_rolled_back_for_a_deadlock_is_committed_again(
            self, session: AsyncSession, client: AsyncClient, agency: Any, monkeypatch: pytest.MonkeyPatch,
            mode: str) -> None:
        """PostgreSQL may roll back a chunk's transaction to break a deadlock with another writer (approval-api
        taking the chunk before): nothing of it stayed, so the worker commits it again; the job ends done with
        every row once, never "stopped on an internal error"."""
        unit, auth = agency
        insert = tasks.store.insert_profiles
        failures = iter([True, True])

        async def deadlocking(*args: Any, **kwargs: Any) -> None:
            await insert(*args, **kwargs)
            if next(failures, False):
                raise DBAPIError("COPY profiles", None, Deadlock("deadlock detected"))

        monkeypatch.setattr(tasks, "CONFLICT_PAUSE_SECONDS", 0.0)
        monkeypatch.setattr(tasks.store, "insert_profiles", deadlocking)
        job = await run(client, auth, xlsx_bytes(People(84).people(unit.code, 12)), mode=mode)
        assert (job["state"], job["created_count"], job["error_count"]) == ("done", 12, 0)
        assert await profiles_in(session, unit) == 12

    async def test_a_chunk_that_keeps_deadlocking_fails_the_job_cleanly(
            self, session: AsyncSession, client: AsyncClient, agency: Any, monkeypatch: pytest.MonkeyPatch) -> None:
        unit, auth = agency

        async def deadlocking(*args: Any, **kwargs: Any) -> None:
            raise DBAPIError("COPY profiles", None, Deadlock("deadlock detected"))

        monkeypatch.setattr(tasks, "CONFLICT_PAUSE_SECONDS", 0.0)
        monkeypatch.setattr(tasks.store, "insert_profiles", deadlocking)
        job = await run(client, auth, xlsx_bytes(People(85).people(unit.code, 5)), mode="all_or_nothing")
        assert job["state"] == "failed" and job["created_count"] == 0
        assert await profiles_in(session, unit) == 0


class Deadlock(Exception):
    sqlstate = "40P01"
