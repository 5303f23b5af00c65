"""Import jobs run by workers: claimed one at a time (FOR UPDATE SKIP LOCKED), resumed by the next worker after
their last committed chunk when a worker dies (its heartbeat goes stale), failed with a reason when they keep
dying, and never left `running`. The upload itself only stores the file (sealed) with a queued job."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from httpx import AsyncClient
from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from hoso_shared.auth import TokenIssuer
from hoso_shared.db.engine import session_scope
from hoso_shared.db.models import ImportJob, ImportJobFile, ImportJobRow, Profile
from hoso_shared.time import utc_now
from hoso_shared.web import collaborators_of
from profile_api.bulk import jobs, tasks, worker
from profile_api.bulk.runtime import Runtime, runtime_for
from profile_api.collaborators import Collaborators
from tests.factories import bearer, make_account, make_unit, principal_for
from tests.profile_api.bulk.helpers import People, csv_bytes, start


class Killed(BaseException):
    """The worker process dying mid-run: nothing of it runs after this (not even its `except Exception`)."""


def runtime(client: Any, name: str) -> Runtime:
    wiring = collaborators_of(client.app, Collaborators)
    return runtime_for(wiring.settings, wiring.sessionmaker, wiring.cipher, None, heartbeat=0, overlap=False,
                       suffix=name)


async def job_of(session: AsyncSession, job_id: uuid.UUID) -> ImportJob:
    stmt = select(ImportJob).where(ImportJob.id == job_id).execution_options(populate_existing=True)
    return (await session.execute(stmt)).scalar_one()


async def stored(session: AsyncSession, model: Any, **where: Any) -> int:
    stmt = select(func.count()).select_from(model).filter_by(**where)
    return int((await session.execute(stmt)).scalar_one())


@pytest.fixture
async def queued(session: AsyncSession, client_for: Callable[..., Any], token_issuer: TokenIssuer
                 ) -> tuple[AsyncClient, Any, uuid.UUID]:
    """A 35-row valid_only upload left queued: no in-process runner, as with worker processes."""
    client = await client_for("profile-api", import_runner="worker")
    unit = await make_unit(session)
    admin = await make_account(session, unit=unit, role="agency_admin")
    location = await start(client, bearer(token_issuer, principal_for(admin, unit)),
                           csv_bytes(People(61).people(unit.code, 35)), filename="a.csv", mode="valid_only")
    return client, unit, uuid.UUID(location.rsplit("/", 1)[1])


class TestQueue:
    async def test_the_upload_only_queues_the_job_with_its_sealed_file(self, session: AsyncSession,
                                                                        queued: Any) -> None:
        _, unit, job_id = queued
        job = await job_of(session, job_id)
        assert (job.state, job.attempts, job.worker, job.file_format) == ("queued", 0, None, "csv")
        assert await stored(session, ImportJobFile, job_id=job_id) == 1
        raw = (await session.execute(select(func.encode(ImportJobFile.content.expression, "escape"))
                                     .where(ImportJobFile.job_id == job_id))).scalar_one()
        assert "org_unit_code" not in raw  # sealed at rest (docs/security.md)
        assert await stored(session, Profile, org_unit_id=unit.id) == 0

    async def test_a_job_is_claimed_by_one_worker(self, session: AsyncSession, queued: Any) -> None:
        client, _, _ = queued
        first, second = runtime(client, "a"), runtime(client, "b")
        async with session_scope(first.sessionmaker) as one:
            assert (await jobs.claim(one, first.worker, utc_now(), stale=first.stale)) is not None
        async with session_scope(second.sessionmaker) as other:
            assert await jobs.claim(other, second.worker, utc_now(), stale=second.stale) is None  # beating


class TestDeadWorkers:
    async def test_a_killed_worker_s_job_is_resumed_after_its_last_chunk(
            self, session: AsyncSession, queued: Any, monkeypatch: pytest.MonkeyPatch) -> None:
        """Worker A commits its first chunk of 10 rows, then dies; while its heartbeat is fresh nobody takes the
        job; once stale, worker B claims it, goes on after row 11 and finishes: 35 records, none twice."""
        client, unit, job_id = queued
        a, b = runtime(client, "a"), runtime(client, "b")
        monkeypatch.setattr(tasks, "CHUNK", 10)
        advance, chunks = jobs.advance, []

        async def dying(session: AsyncSession, job: uuid.UUID, name: str, now: Any, **values: Any) -> None:
            if "resume_row" in values:
                chunks.append(values["resume_row"])
                if len(chunks) == 2:
                    raise Killed
            await advance(session, job, name, now, **values)

        monkeypatch.setattr(jobs, "advance", dying)
        with pytest.raises(Killed):
            await worker.run_once(a)
        monkeypatch.setattr(jobs, "advance", advance)

        job = await job_of(session, job_id)
        assert (job.state, job.worker, job.resume_row, job.created_count) == ("running", a.worker, 11, 10)
        assert await stored(session, Profile, org_unit_id=unit.id) == 10
        assert not await worker.run_once(b)  # A may still be alive: its heartbeat is fresh

        await session.execute(update(ImportJob).where(ImportJob.id == job_id).values(
            heartbeat_at=utc_now() - a.stale - timedelta(seconds=1)))
        assert await worker.run_once(b)
        job = await job_of(session, job_id)
        assert (job.state, job.worker, job.attempts) == ("done", b.worker, 2)
        assert (job.total_rows, job.processed_rows, job.created_count, job.error_count) == (35, 35, 35, 0)
        assert await stored(session, Profile, org_unit_id=unit.id) == 35
        assert await stored(session, ImportJobFile, job_id=job_id) == 0  # the file goes with the job
        assert await stored(session, ImportJobRow, job_id=job_id) == 0
        async with session_scope(a.sessionmaker) as late:  # A, back from the dead, writes nothing more
            with pytest.raises(jobs.JobLost):
                await jobs.beat(late, job_id, a.worker, utc_now())

    async def test_a_job_whose_workers_keep_dying_is_failed_with_the_reason(self, session: AsyncSession,
                                                                             queued: Any) -> None:
        client, unit, job_id = queued
        b = runtime(client, "b")
        await session.execute(update(ImportJob).where(ImportJob.id == job_id).values(
            state="running", worker="gone:1", attempts=b.max_attempts,
            heartbeat_at=utc_now() - b.stale - timedelta(seconds=1)))
        assert await worker.run_once(b)
        job = await job_of(session, job_id)
        assert job.state == "failed" and job.finished_at is not None
        assert job.failure is not None and f"stopped {b.max_attempts} times" in job.failure
        assert await stored(session, ImportJobFile, job_id=job_id) == 0
        assert await stored(session, Profile, org_unit_id=unit.id) == 0

    async def test_an_all_or_nothing_run_that_died_starts_over(self, session: AsyncSession, queued: Any) -> None:
        """Nothing of an all-or-nothing run lasts until its end: the next run checks from the first row again."""
        client, _, job_id = queued
        await session.execute(update(ImportJob).where(ImportJob.id == job_id).values(
            mode="all_or_nothing", state="running", worker="gone:1", attempts=1, processed_rows=20, error_count=3,
            errors=[{"row": 2, "reasons": ["stale"]}], heartbeat_at=utc_now() - timedelta(hours=1)))
        assert await worker.run_once(runtime(client, "b"))
        job = await job_of(session, job_id)
        assert (job.state, job.processed_rows, job.error_count, job.created_count) == ("done", 35, 0, 35)
        assert job.errors == []
