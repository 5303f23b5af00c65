"""An import worker process of its own: `python -m profile_api.bulk.worker` claims queued import jobs (and those
whose worker died) and runs them, with no web server, on profile-api's settings (`HOSO_…`). Run as many as you
like, anywhere: a job is claimed by one of them at a time. `make run`, deploy/compose.yaml and deploy/k8s run one.

`run_once` is also the in-process runner's (`HOSO_IMPORT_RUNNER=in_process`): the app runs the job it just queued
after the response, on its own sessions."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import uuid
from typing import Any

import httpx
from prometheus_client import start_http_server

from hoso_shared.auth.tokens import TokenIssuer, load_signing_key
from hoso_shared.crypto import FieldCipher
from hoso_shared.db.engine import create_engine, create_sessionmaker, session_scope
from hoso_shared.logging import configure_logging, get_logger
from profile_api.bulk import cpu, jobs, queries, tasks
from profile_api.bulk.exports import NICENESS
from profile_api.bulk.runtime import Runtime, runtime_for
from profile_api.changes.clients import ApprovalClient
from profile_api.settings import Settings

log = get_logger("hoso.bulk.worker")
GAVE_UP = ("Việc nhập đã bị gián đoạn {n} lần; hãy tải tệp lên lại. The import's worker stopped {n} times; upload "
           "the file again.")


def job_of(row: Any) -> tasks.Job:
    summary = {"filename": row.filename, "sha256": row.file_sha256, "mode": row.mode, "dry_run": row.dry_run,
               "file_format": row.file_format}
    return tasks.Job(row.id, jobs.principal_of(row.acting_as), row.mode, row.dry_run, row.file_format,
                     row.checked_on, row.resume_row, row.attempts, summary)


async def run_once(rt: Runtime, *, job_id: uuid.UUID | None = None) -> bool:
    """Claims one job (the oldest claimable, or `job_id`) and runs it to its end; False when none was claimable.
    A job claimed more than `max_attempts` times (each run died) is failed with the reason instead."""
    async with session_scope(rt.sessionmaker) as session:
        claimed = await jobs.claim(session, rt.worker, rt.clock(), stale=rt.stale, job_id=job_id)
        job = None if claimed is None else job_of(claimed)
    if job is None:
        return False
    log.info("import_claimed", job_id=str(job.id), worker=rt.worker, attempt=job.attempts,
             resume_after=job.resume_row)
    if job.attempts > rt.max_attempts:
        await tasks.give_up(rt, job, GAVE_UP.format(n=job.attempts - 1))
        return True
    beating = asyncio.create_task(_beat(rt, job.id)) if rt.heartbeat > 0 else None
    try:
        await tasks.run_job(rt, job)
    finally:
        if beating is not None:
            beating.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await beating
    return True


async def _beat(rt: Runtime, job_id: uuid.UUID) -> None:
    """Keeps the job's heartbeat fresh while long steps run (reading the file, the all-or-nothing store)."""
    while True:
        await asyncio.sleep(rt.heartbeat)
        try:
            async with session_scope(rt.sessionmaker) as session:
                await jobs.beat(session, job_id, rt.worker, rt.clock())
        except jobs.JobLost:
            return
        except Exception as exc:  # a passing database outage: the next beat retries
            log.warning("import_heartbeat_failed", job_id=str(job_id), error=type(exc).__name__)


async def serve(rt: Runtime, poll: float, stop: asyncio.Event) -> None:
    """Runs jobs while there are some; then polls every `poll` seconds (a cheap indexed query) until `stop`."""
    while not stop.is_set():
        try:
            busy = await run_once(rt)
        except Exception:  # a failed claim (database restart): the next poll retries
            log.exception("import_claim_failed")
            busy = False
        if not busy:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), poll)


def approval_client(settings: Settings) -> tuple[ApprovalClient | None, httpx.AsyncClient]:
    """The create requests go to approval-api with a service token this process mints with profile-api's own
    signing key; without the key (a bare dev run) they are left to the pending-records reconciler."""
    http = httpx.AsyncClient(base_url=settings.approval_api_url, timeout=httpx.Timeout(10.0, connect=3.0))
    secret = settings.token_signing_key.get_secret_value()
    if not secret:
        log.warning("import_worker_without_signing_key")
        return None, http
    issuer = TokenIssuer(load_signing_key(secret), settings.auth_issuer, settings.token_ttl_seconds)
    return ApprovalClient(http, issuer, settings.auth_audience), http


async def run(settings: Settings) -> None:
    configure_logging(settings.log_level, json=settings.log_json)
    os.nice(NICENESS)  # on a host shared with the API processes, an import waits rather than a request
    cipher = FieldCipher.from_settings(settings)
    engine = create_engine(settings.database_url, pool_size=3, cipher=cipher,
                           command_timeout=queries.STATEMENT_SECONDS)  # no request waits on a worker's statements
    if settings.worker_metrics_port:
        start_http_server(settings.worker_metrics_port)  # the process's own metrics: what liveness asks
    approval, http = approval_client(settings)
    checkers = cpu.Checkers()
    await checkers.start()
    rt = runtime_for(settings, create_sessionmaker(engine), cipher, approval, checkers=checkers)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(sig, stop.set)
    log.info("import_worker_started", worker=rt.worker)
    try:
        await serve(rt, settings.import_poll_seconds, stop)
    finally:
        checkers.close()
        await http.aclose()
        await engine.dispose()


def main() -> None:
    asyncio.run(run(Settings()))


if __name__ == "__main__":
    main()
