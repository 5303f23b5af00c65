"""Running one claimed import job: read the file (`scan`), check its rows chunk by chunk, store the good ones,
forward each stored row's `create` request, close the job. Never raises: whatever goes wrong is written on it.

- `valid_only`: each chunk's new records, its bad rows, the progress and the checkpoint (`resume_row`) commit
  together, so a run that dies resumes after its last committed chunk.
- dry run: the same without storing.
- `all_or_nothing`: a first pass checks every row (committing progress and bad rows); only a clean file is read
  again and stored in one transaction with the job's final state, so a crash leaves nothing half-written and the
  next run starts over.
The CPU-heavy parts run off the event loop: inflating and parsing in a thread (once: the scan keeps the rows it
read), checking and sealing in the worker's checker process (`cpu.py`; a thread in the in-process runner).
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, TypeVar

from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from hoso_shared.auth import Principal
from hoso_shared.db.engine import session_scope
from hoso_shared.logging import get_logger
from hoso_shared.problems import sqlstate_of
from profile_api.audit import service as audit
from profile_api.bulk import cpu, files, jobs, queries, store
from profile_api.bulk.columns import UNIT_COLUMN
from profile_api.bulk.reasons import say
from profile_api.bulk.rows import CheckedRow
from profile_api.bulk.runtime import Runtime
from profile_api.bulk.scan import Scan, Staged, batches, scan
from profile_api.changes import create

log = get_logger("hoso.bulk")
T = TypeVar("T")
FORWARD_BATCH = 1000  # create requests per call to approval-api
CHUNK = 1000  # rows checked (and progress committed) at a time
TAKEN = say("citizen_id", "taken")
# A chunk PostgreSQL rolled back for another writer (deadlock, serialization failure) is committed again.
TRANSIENT = frozenset({"40P01", "40001"})
CONFLICT_RETRIES = 5
CONFLICT_PAUSE_SECONDS = 0.2
INTERNAL = "Việc nhập dừng vì một lỗi hệ thống. The import stopped on an internal error."
RACED = ("Một hồ sơ mang một trong các số định danh này vừa được tạo; hãy nhập lại. A profile with one of these "
         "citizen IDs was created meanwhile; run the import again.")


@dataclass
class Job:
    """A claimed job, as its worker runs it."""

    id: uuid.UUID
    principal: Principal  # the uploader, whom the worker acts for
    mode: str
    dry_run: bool
    file_format: files.FileFormat
    today: date  # the upload's day: rows are checked against it, also on a resumed run
    resume_row: int  # rows of the profiles sheet up to here are done (committed)
    attempts: int
    summary: dict[str, Any]  # filename, sha256, mode, dry_run, file_format: what the audit entry records
    header: list[str] = field(default_factory=list)

    @property
    def all_or_nothing(self) -> bool:
        return self.mode == "all_or_nothing" and not self.dry_run


class Refused(Exception):
    """The all-or-nothing store met rows it must refuse after all (a citizen ID taken meanwhile): nothing stored."""

    def __init__(self, errors: list[dict[str, Any]]) -> None:
        self.errors = errors


async def run_job(rt: Runtime, job: Job) -> None:
    try:
        await _run(rt, job)
    except jobs.JobLost:
        log.warning("import_job_lost", job_id=str(job.id), worker=rt.worker)
    except files.FileRefused as exc:
        await _closing(rt, job, state="failed", failure=str(exc))
    except Exception as exc:
        log.error("import_failed", job_id=str(job.id), exc_info=exc)
        await _closing(rt, job, state="failed", failure=INTERNAL)


async def _closing(rt: Runtime, job: Job, **values: Any) -> None:
    try:
        async with session_scope(rt.sessionmaker) as session:
            await _close(rt, session, job, **values)
    except jobs.JobLost:
        log.warning("import_job_lost", job_id=str(job.id), worker=rt.worker)
    except Exception as again:
        log.error("import_unrecorded", job_id=str(job.id), exc_info=again)


async def _run(rt: Runtime, job: Job) -> None:
    async with session_scope(rt.sessionmaker) as session:
        if job.resume_row == 0 and job.attempts > 1:  # the earlier run kept nothing: start over
            await jobs.advance(session, job.id, rt.worker, rt.clock(), processed_rows=0, error_count=0,
                               created_count=0, reset=True)
        await jobs.clear_staged(session, job.id)
        content = await jobs.file_content(session, job.id)
    book = await asyncio.to_thread(files.open_book, content, job.file_format)
    try:
        found = await scan(book, lambda staged: _stage(rt, job, staged))
        job.header = found.header
        await _advance(rt, job, total_rows=found.total)
        if not job.all_or_nothing:
            await _pass(rt, job, book, found, storing=not job.dry_run)
            await _closing(rt, job, state="done", orphans=found.orphans)
            return
        if await _pass(rt, job, book, found, storing=False) or found.orphans:
            await _closing(rt, job, state="done", orphans=found.orphans)
            return
        try:
            stored = await _again_on_conflict(job, lambda: _store_all(rt, job, book, found))
        except Refused as refused:
            await _closing(rt, job, state="done", more_errors=refused.errors)
            return
        await _forward(rt, job, stored)
    finally:
        book.close()


async def _stage(rt: Runtime, job: Job, staged: list[Staged]) -> None:
    async with session_scope(rt.sessionmaker) as session:
        await jobs.stage(session, rt.cipher, job.id, staged)
        await jobs.beat(session, job.id, rt.worker, rt.clock())


async def _advance(rt: Runtime, job: Job, **values: Any) -> None:
    async with session_scope(rt.sessionmaker) as session:
        await jobs.advance(session, job.id, rt.worker, rt.clock(), **values)


async def _chunks(book: files.Book, found: Scan, after: int) -> AsyncIterator[list[files.Row]]:
    chunk: list[files.Row] = []
    async for batch in batches(found.rows(book), CHUNK):
        chunk += [row for row in batch if row[0] > after]
        if len(chunk) >= CHUNK:
            yield chunk[:CHUNK]
            chunk = chunk[CHUNK:]
    if chunk:
        yield chunk


@dataclass
class Prepared:
    """A chunk checked (and its good rows built), ready to commit."""

    chunk: list[files.Row]
    checked: list[CheckedRow]
    new: list[store.NewProfile]


async def _pass(rt: Runtime, job: Job, book: files.Book, found: Scan, *, storing: bool) -> int:
    """Checks (and, with `storing`, stores) every row after the checkpoint, one committed chunk at a time; returns
    how many bad rows this pass found. A dry run and a `valid_only` run move the checkpoint with each chunk. The
    forwarding of a chunk's create requests runs beside the next chunk (with `rt.overlap`)."""
    checkpoint = storing or job.dry_run
    chunks = _chunks(book, found, job.resume_row if checkpoint else 0)
    forwarding: asyncio.Task[None] | None = None
    bad = 0
    try:
        async for prepared in _prepared(rt, job, found, chunks, storing=storing):
            await _commit(rt, job, prepared, checkpoint=checkpoint)
            bad += sum(1 for r in prepared.checked if r.reasons)
            if forwarding is not None:
                await forwarding
            forwarding = asyncio.create_task(_forward(rt, job, [(n.id, n.org_unit_id) for n in prepared.new]))
            if not rt.overlap:
                await forwarding
        if forwarding is not None:
            await forwarding
    finally:
        if forwarding is not None and not forwarding.done():
            forwarding.cancel()
    return bad


async def _prepared(rt: Runtime, job: Job, found: Scan, chunks: AsyncIterator[list[files.Row]], *,
                    storing: bool) -> AsyncIterator[Prepared]:
    """The chunks checked (and built). With `rt.overlap` the next chunk is read, checked and built (this process's
    CPU) while the caller stores the last one (the database's CPU), so both cores of a small machine work."""
    units: dict[str, uuid.UUID | str] = {}
    if not rt.overlap:
        async for chunk in chunks:
            yield await _prepare(rt, job, found, chunk, units, storing=storing)
        return
    ready: asyncio.Queue[Prepared | BaseException | None] = asyncio.Queue(maxsize=1)

    async def produce() -> None:
        try:
            async for chunk in chunks:
                await ready.put(await _prepare(rt, job, found, chunk, units, storing=storing))
            await ready.put(None)
        except Exception as exc:  # handed to the consumer, which raises it
            await ready.put(exc)

    producer = asyncio.create_task(produce())
    try:
        while (item := await ready.get()) is not None:
            if isinstance(item, BaseException):
                raise item
            yield item
    finally:
        producer.cancel()


async def _prepare(rt: Runtime, job: Job, found: Scan, chunk: list[files.Row], units: dict[str, uuid.UUID | str],
                   *, storing: bool) -> Prepared:
    async with session_scope(rt.sessionmaker) as session:
        checked = await _check(rt, session, job, found, chunk, units)
    return Prepared(chunk, checked, await _build(rt, job, checked) if storing else [])


async def _commit(rt: Runtime, job: Job, prepared: Prepared, *, checkpoint: bool) -> None:
    """The chunk's new records, bad rows, progress and checkpoint in one transaction. A citizen ID stored by
    someone else since the check refuses its row (found again, once) instead of failing the chunk."""
    refused = False
    while True:
        try:
            await _again_on_conflict(job, lambda: _commit_once(rt, job, prepared, checkpoint=checkpoint))
            return
        except IntegrityError:
            if refused:
                raise
            refused = True
            async with session_scope(rt.sessionmaker) as session:
                taken = await queries.taken_citizen_ids(session, [n.citizen_id_hmac for n in prepared.new])
            late = {n.number for n in prepared.new if n.citizen_id_hmac in taken}
            for row in prepared.checked:
                if row.number in late:
                    row.refuse(TAKEN)
            prepared.new = [n for n in prepared.new if n.number not in late]


async def _commit_once(rt: Runtime, job: Job, prepared: Prepared, *, checkpoint: bool) -> None:
    async with session_scope(rt.sessionmaker) as session:
        if prepared.new:
            await store.insert_profiles(session, job.principal, prepared.new, rt.clock())
        errors = _errors(prepared.checked)
        progress: dict[str, Any] = {"resume_row": prepared.chunk[-1][0]} if checkpoint else {}
        await jobs.advance(session, job.id, rt.worker, rt.clock(), errors=errors,
                           processed_rows=jobs.plus("processed_rows", len(prepared.chunk)),
                           error_count=jobs.plus("error_count", len(errors)),
                           created_count=jobs.plus("created_count", len(prepared.new)), **progress)


async def _again_on_conflict(job: Job, attempt: Callable[[], Awaitable[T]]) -> T:
    """A transaction PostgreSQL rolled back for a concurrent writer (a deadlock, a serialization failure: nothing
    of it stayed) is run again, a few times, before the job fails."""
    conflicts = 0
    while True:
        try:
            return await attempt()
        except DBAPIError as exc:
            if sqlstate_of(exc) not in TRANSIENT or conflicts >= CONFLICT_RETRIES:
                raise
            conflicts += 1
            log.warning("import_transaction_retried", job_id=str(job.id), sqlstate=sqlstate_of(exc), attempt=conflicts)
            await asyncio.sleep(CONFLICT_PAUSE_SECONDS * conflicts)


async def _check(rt: Runtime, session: AsyncSession, job: Job, found: Scan, chunk: list[files.Row],
                 units: dict[str, uuid.UUID | str]) -> list[CheckedRow]:
    staged = (await jobs.staged(session, job.id, chunk[0][0], chunk[-1][0])) if found.tables else []
    checked = await cpu.offload(rt.checkers, cpu.check_chunk, rt.cipher, job.today, chunk, staged)
    units.update(await _units(session, job, {r.unit_code for r in checked if r.unit_code} - set(units)))
    taken = await queries.taken_citizen_ids(session, [r.citizen_id_hmac for r in checked if r.citizen_id_hmac])
    for row in checked:
        _resolve_unit(row, units)
        if row.number in found.repeats:
            row.refuse(found.repeats[row.number])
        if row.citizen_id_hmac in taken:
            row.refuse(TAKEN)
    return checked


async def _units(session: AsyncSession, job: Job, codes: set[str]) -> dict[str, uuid.UUID | str]:
    """Unit code → its id, or the reason a row can't use it. Units outside the uploader's subtree read
    as unknown, so a file can't probe another agency's codes."""
    resolved: dict[str, uuid.UUID | str] = {}
    for code, unit_id, path, valid_to in await queries.units_by_code(session, codes):
        if not job.principal.covers(path):
            continue
        closed = valid_to is not None and valid_to <= job.today
        resolved[code] = say(UNIT_COLUMN, "unit-closed", code=code, day=f"{valid_to:%d/%m/%Y}") if closed else unit_id
    return resolved


def _resolve_unit(row: CheckedRow, units: dict[str, uuid.UUID | str]) -> None:
    if row.unit_code is None:
        return
    target = units.get(row.unit_code, say(UNIT_COLUMN, "unit-unknown", code=row.unit_code))
    if isinstance(target, str):
        row.refuse(target)
    else:
        row.unit_id = target


def _errors(checked: list[CheckedRow]) -> list[dict[str, Any]]:
    return [{"row": r.number, "reasons": r.reasons} for r in checked if r.reasons]


async def _build(rt: Runtime, job: Job, checked: list[CheckedRow]) -> list[store.NewProfile]:
    good = [r for r in checked if not r.reasons]
    return await cpu.offload(rt.checkers, cpu.build, good, job.principal.subject, rt.cipher, job.today)


async def _store_all(rt: Runtime, job: Job, book: files.Book, found: Scan) -> list[tuple[uuid.UUID, uuid.UUID]]:
    """All or nothing: every row again, checked and stored in one transaction with the job's final state."""
    stored: list[tuple[uuid.UUID, uuid.UUID]] = []
    units: dict[str, uuid.UUID | str] = {}
    async with session_scope(rt.sessionmaker) as session:
        async for chunk in _chunks(book, found, 0):
            checked = await _check(rt, session, job, found, chunk, units)
            if errors := _errors(checked):
                raise Refused(errors)
            new = await _build(rt, job, checked)
            await store.insert_profiles(session, job.principal, new, rt.clock())
            stored += [(n.id, n.org_unit_id) for n in new]
            await _advance(rt, job)  # the heartbeat, committed beside the long transaction
        await _close(rt, session, job, state="done", created=len(stored))
    return stored


async def _forward(rt: Runtime, job: Job, stored: list[tuple[uuid.UUID, uuid.UUID]]) -> None:
    """After the commit (approval-api's rows name the profiles): a `create` request per pending record. One that
    fails to go is logged; the pending-records reconciler forwards it again (its id is fixed by the profile)."""
    if rt.approval is None or not stored:
        return
    changes = [create.create_change(profile_id, unit_id, job.principal.subject, occurred_on=job.today, judged=None)
               for profile_id, unit_id in stored]
    for start in range(0, len(changes), FORWARD_BATCH):
        try:
            await rt.approval.forward_many(changes[start:start + FORWARD_BATCH])
        except Exception as exc:  # approval-api down, or refusing: the reconciler retries
            log.error("create_requests_unforwarded", job_id=str(job.id), first_row=start, exc_info=exc)


async def _close(rt: Runtime, session: AsyncSession, job: Job, *, state: str, failure: str | None = None,
                 created: int | None = None, orphans: Sequence[dict[str, Any]] = (),
                 more_errors: Sequence[dict[str, Any]] = ()) -> None:
    """The job's final state and its audit entry; its file and staged rows deleted."""
    extra = [*more_errors, *orphans]
    if extra:
        await jobs.advance(session, job.id, rt.worker, rt.clock(), errors=extra,
                           error_count=jobs.plus("error_count", len(extra)))
    counts = await jobs.counts(session, job.id)
    if created is not None:
        counts["created_count"] = created
    values: dict[str, Any] = {"state": state, "failure": failure, "finished_at": rt.clock(), **counts}
    await jobs.close(session, job.id, rt.worker, **values)
    outcome = {k: values.get(k) for k in ("state", "created_count", "error_count", "failure")}
    await audit.record(session, job.principal, "import", "import_job", job.id, fields=job.header,
                       after={**job.summary, **outcome})


async def give_up(rt: Runtime, job: Job, reason: str) -> None:
    await _closing(rt, job, state="failed", failure=reason)
