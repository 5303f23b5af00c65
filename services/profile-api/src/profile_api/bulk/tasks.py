"""Running an import job after the request that queued it: read the file, check every row, then store.

Each step is its own short unit of work (`session_scope`), so a poller sees progress; the stored rows
and the job's final state are one transaction, so an all-or-nothing import is atomic and a crash
leaves no half-written import behind. The CPU-heavy parts (parsing, validation, sealing) run in a
worker thread, off the event loop; the database work stays sequential on the task's own sessions.
"""

from __future__ import annotations

import asyncio
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from hoso_shared.auth import Principal
from hoso_shared.crypto import FieldCipher
from hoso_shared.db.engine import SessionMaker, session_scope
from hoso_shared.logging import get_logger
from hoso_shared.time import utc_now
from profile_api.audit import service as audit
from profile_api.bulk import files, queries, store
from profile_api.bulk.columns import UNIT_COLUMN
from profile_api.bulk.rows import CheckedRow, check_row
from profile_api.changes import create
from profile_api.changes.clients import ApprovalClient
from profile_api.changes.errors import ApprovalUnavailable

log = get_logger("hoso.bulk")
FORWARD_BATCH = 1000  # create requests per call to approval-api
CHUNK = 1000  # rows checked (and progress committed) at a time
TAKEN = "citizen_id: a profile with this citizen ID already exists"


@dataclass
class ImportRun:
    sessionmaker: SessionMaker
    cipher: FieldCipher
    job_id: uuid.UUID
    principal: Principal
    content: bytes
    file_format: files.FileFormat
    summary: dict[str, Any]  # filename, sha256, mode, dry_run: what the audit entry records
    today: date
    header: list[str] = field(default_factory=list)
    # Forwards each stored row's `create` change request (hanoi-2024 Điều 7); None only in unit tests of the store.
    approval: ApprovalClient | None = None

    @property
    def all_or_nothing(self) -> bool:
        return bool(self.summary["mode"] == "all_or_nothing")


async def run_import(run: ImportRun) -> None:
    """The background task. It never raises: whatever goes wrong is written on the job."""
    try:
        await _run(run)
    except Exception as exc:
        log.error("import_failed", job_id=str(run.job_id), exc_info=exc)
        failure = ("A profile with one of these citizen IDs was created meanwhile; run the import again."
                   if isinstance(exc, IntegrityError) else "The import stopped on an internal error.")
        try:
            await _finish(run, state="failed", failure=failure)
        except Exception as again:
            log.error("import_unrecorded", job_id=str(run.job_id), exc_info=again)


async def _run(run: ImportRun) -> None:
    await _update(run, state="running")
    try:
        run.header, rows = await asyncio.to_thread(files.read_rows, run.content, run.file_format)
    except files.FileRefused as exc:
        await _finish(run, state="failed", failure=str(exc))
        return
    await _update(run, total_rows=len(rows))
    checked = await _check_all(run, rows)
    if run.summary["dry_run"] or (run.all_or_nothing and any(r.reasons for r in checked)):
        await _finish(run, checked=checked)
        return
    good = [r for r in checked if not r.reasons]
    new = await asyncio.to_thread(_build_all, good, run)
    stored = await _store(run, checked, new)
    await _request_creates(run, stored)


async def _request_creates(run: ImportRun, stored: list[store.NewProfile]) -> None:
    """After the commit (approval-api's rows name the profiles): a `create` request per pending record. One
    that fails to go is logged; its id is fixed by the profile, so forwarding it again is a no-op."""
    if run.approval is None:
        return
    changes = [create.create_change(item.profile["id"], item.profile["org_unit_id"], run.principal.subject,
                                    occurred_on=run.today, judged=None) for item in stored]
    for start in range(0, len(changes), FORWARD_BATCH):
        try:
            await run.approval.forward_many(changes[start:start + FORWARD_BATCH])
        except ApprovalUnavailable as exc:
            log.error("create_requests_unforwarded", job_id=str(run.job_id), first_row=start, exc_info=exc)


async def _update(run: ImportRun, **values: Any) -> None:
    async with session_scope(run.sessionmaker) as session:
        await queries.update_job(session, run.job_id, **values)


async def _check_all(run: ImportRun, rows: list[files.Row]) -> list[CheckedRow]:
    repeats = _repeats(rows)
    units: dict[str, uuid.UUID | str] = {}
    checked: list[CheckedRow] = []
    for start in range(0, len(rows), CHUNK):
        chunk = await asyncio.to_thread(_check_chunk, rows[start:start + CHUNK], run)
        async with session_scope(run.sessionmaker) as session:
            units.update(await _units(session, run, {r.unit_code for r in chunk if r.unit_code} - set(units)))
            taken = await queries.taken_citizen_ids(session, [r.citizen_id_hmac for r in chunk if r.citizen_id_hmac])
            for row in chunk:
                _resolve_unit(row, units)
                if row.number in repeats:
                    row.refuse(repeats[row.number])
                if row.citizen_id_hmac in taken:
                    row.refuse(TAKEN)
            checked += chunk
            await queries.update_job(session, run.job_id, processed_rows=len(checked),
                                     error_count=sum(1 for r in checked if r.reasons))
    return checked


def _check_chunk(rows: list[files.Row], run: ImportRun) -> list[CheckedRow]:
    return [check_row(number, cells, today=run.today, cipher=run.cipher) for number, cells in rows]


async def _units(session: AsyncSession, run: ImportRun, codes: set[str]) -> dict[str, uuid.UUID | str]:
    """Unit code → its id, or the reason a row can't use it. Units outside the caller's subtree read
    as unknown, so a file can't probe another agency's codes."""
    resolved: dict[str, uuid.UUID | str] = {}
    for code, unit_id, path, valid_to in await queries.units_by_code(session, codes):
        if not run.principal.covers(path):
            continue
        closed = valid_to is not None and valid_to <= run.today
        resolved[code] = f"{UNIT_COLUMN}: unit {code} was closed on {valid_to}" if closed else unit_id
    return resolved


def _resolve_unit(row: CheckedRow, units: dict[str, uuid.UUID | str]) -> None:
    if row.unit_code is None:
        return
    target = units.get(row.unit_code, f"{UNIT_COLUMN}: no unit with code {row.unit_code} in your subtree")
    if isinstance(target, str):
        row.refuse(target)
    else:
        row.unit_id = target


def _repeats(rows: list[files.Row]) -> dict[int, str]:
    """Row number → reason, for every row whose citizen ID is on another row of the file too."""
    by_id: dict[str, list[int]] = defaultdict(list)
    for number, cells in rows:
        value = cells.get("citizen_id")
        if isinstance(value, str) and value.strip():
            by_id[value.strip()].append(number)
    reasons: dict[int, str] = {}
    for numbers in (n for n in by_id.values() if len(n) > 1):
        for number in numbers:
            others = [str(n) for n in numbers if n != number]
            listed = ", ".join(others[:5]) + (" …" if len(others) > 5 else "")
            reasons[number] = f"citizen_id: the same citizen ID is also on row {listed}"
    return reasons


def _build_all(rows: list[CheckedRow], run: ImportRun) -> list[store.NewProfile]:
    return [store.build_profile(row, run.principal.subject, run.cipher, run.today) for row in rows]


async def _store(run: ImportRun, checked: list[CheckedRow], new: list[store.NewProfile]) -> list[store.NewProfile]:
    """The one transaction that writes: the job's outcome and, with it, every new profile."""
    async with session_scope(run.sessionmaker) as session:
        taken = await queries.taken_citizen_ids(session, [n.citizen_id_hmac for n in new])
        if taken:  # stored by someone else since the check
            late = {n.number for n in new if n.citizen_id_hmac in taken}
            for row in checked:
                if row.number in late:
                    row.refuse(TAKEN)
            new = [] if run.all_or_nothing else [n for n in new if n.number not in late]
        await _close(session, run, state="done", checked=checked, created=len(new))
        await store.insert_profiles(session, run.principal, new)
    return new


async def _finish(run: ImportRun, *, state: str = "done", checked: list[CheckedRow] | None = None,
                  failure: str | None = None) -> None:
    async with session_scope(run.sessionmaker) as session:
        await _close(session, run, state=state, checked=checked, failure=failure)


async def _close(session: AsyncSession, run: ImportRun, *, state: str, checked: list[CheckedRow] | None = None,
                 created: int = 0, failure: str | None = None) -> None:
    """The job's final state and its audit entry."""
    values: dict[str, Any] = {"state": state, "created_count": created, "failure": failure,
                              "finished_at": utc_now()}
    if checked is not None:
        errors = [{"row": r.number, "reasons": r.reasons} for r in checked if r.reasons]
        values.update(processed_rows=len(checked), error_count=len(errors), errors=errors)
    await queries.update_job(session, run.job_id, **values)
    outcome = {k: values.get(k) for k in ("state", "created_count", "error_count", "failure")}
    await audit.record(session, run.principal, "import", "import_job", run.job_id, fields=run.header,
                       after={**run.summary, **outcome})
