"""The import job's lifecycle in the database: its file stored in sealed pieces, claimed by one worker at a time
(`FOR UPDATE SKIP LOCKED`, as sync-gateway's delivery workers claim packets), a heartbeat while it runs, progress
committed chunk by chunk, the staged rows of its table sheets, and its file and staged rows deleted at the end.

A worker owns a running job while `worker` is its name: every write of the run says `WHERE worker = me`, so a
worker that was taken for dead (no heartbeat for `stale` seconds) and claimed again finds its writes refused
(`JobLost`) instead of racing the new owner."""

from __future__ import annotations

import json
import uuid
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, delete, func, or_, select, type_coerce, update
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import defer

from hoso_shared.auth import Principal
from hoso_shared.crypto import FieldCipher
from hoso_shared.db.models import ImportJob, ImportJobFile, ImportJobRow
from hoso_shared.db.sealed import seal
from profile_api.bulk import queries

PIECE = 1024 * 1024  # bytes of the uploaded file per stored piece
ROWS_FIELD = "import_job_rows.cells"  # the sealed column's name: what `hoso_shared.db.sealed` binds it to


class JobLost(Exception):
    """Another worker holds the job now (this one was taken for dead): stop without writing."""


async def add_piece(session: AsyncSession, job_id: uuid.UUID, seq: int, content: bytes) -> None:
    session.add(ImportJobFile(job_id=job_id, seq=seq, content=content))
    await session.flush()


async def file_content(session: AsyncSession, job_id: uuid.UUID) -> bytes:
    stmt = select(ImportJobFile.content).where(ImportJobFile.job_id == job_id).order_by(ImportJobFile.seq)
    return b"".join((await session.execute(stmt)).scalars())


async def claim(session: AsyncSession, worker: str, now: datetime, *, stale: timedelta,
                job_id: uuid.UUID | None = None) -> ImportJob | None:
    """The oldest job (or job `job_id`) that is queued, or running with a heartbeat older than `stale` (its worker
    died); taken by `worker` for this transaction's lifetime and, through `worker` and the heartbeat, after it."""
    stmt = (select(ImportJob).where(or_(ImportJob.state == "queued",
                                        and_(ImportJob.state == "running", ImportJob.heartbeat_at < now - stale)))
            .order_by(ImportJob.created_at).limit(1).with_for_update(skip_locked=True)
            .options(defer(ImportJob.errors, raiseload=True)))
    if job_id is not None:
        stmt = stmt.where(ImportJob.id == job_id)
    job = (await session.scalars(stmt)).first()
    if job is None:
        return None
    job.state, job.worker, job.heartbeat_at, job.attempts = "running", worker, now, job.attempts + 1
    await session.flush()
    return job


def _owned(job_id: uuid.UUID, worker: str) -> Any:
    return (ImportJob.id == job_id) & (ImportJob.worker == worker) & (ImportJob.state == "running")


async def beat(session: AsyncSession, job_id: uuid.UUID, worker: str, now: datetime) -> None:
    await advance(session, job_id, worker, now)


def plus(column: str, n: int) -> Any:
    """`column + n`, computed by the database (the job's counts add up across chunks and runs)."""
    return getattr(ImportJob, column) + n


async def advance(session: AsyncSession, job_id: uuid.UUID, worker: str, now: datetime, *,
                  errors: Sequence[dict[str, Any]] = (), reset: bool = False, **values: Any) -> None:
    """The heartbeat, with any progress (`values`) and more bad rows appended to the job's list (or the list
    emptied: `reset`); `JobLost` if the job is no longer this worker's."""
    changes: dict[str, Any] = {"heartbeat_at": now, **values}
    if reset:
        changes["errors"] = []
    elif errors:
        changes["errors"] = ImportJob.errors.op("||")(type_coerce(list(errors), JSONB))
    result = await session.execute(update(ImportJob).where(_owned(job_id, worker)).values(**changes))
    if result.rowcount != 1:  # type: ignore[attr-defined]
        raise JobLost(str(job_id))


async def close(session: AsyncSession, job_id: uuid.UUID, worker: str | None, **values: Any) -> None:
    """The job's final state; its file and staged rows go with it. `worker` None: whoever held it (a job failed
    because its workers kept dying)."""
    where = ImportJob.id == job_id if worker is None else _owned(job_id, worker)
    result = await session.execute(update(ImportJob).where(where).values(**values))
    if result.rowcount != 1:  # type: ignore[attr-defined]
        raise JobLost(str(job_id))
    await session.execute(delete(ImportJobFile).where(ImportJobFile.job_id == job_id))
    await session.execute(delete(ImportJobRow).where(ImportJobRow.job_id == job_id))


async def counts(session: AsyncSession, job_id: uuid.UUID) -> dict[str, int]:
    stmt = select(ImportJob.processed_rows, ImportJob.created_count, ImportJob.error_count).where(
        ImportJob.id == job_id)
    processed, created, errors = (await session.execute(stmt)).one()
    return {"processed_rows": processed, "created_count": created, "error_count": errors}


async def clear_staged(session: AsyncSession, job_id: uuid.UUID) -> None:
    await session.execute(delete(ImportJobRow).where(ImportJobRow.job_id == job_id))


async def stage(session: AsyncSession, cipher: FieldCipher, job_id: uuid.UUID,
                rows: Sequence[tuple[str, int, int, dict[str, Any]]]) -> None:
    """(sheet, row, owner row, cells) of table sheets, sealed as the sealed column would (COPY bypasses it)."""
    records = [(job_id, sheet, row, owner, seal(cipher, json.dumps(cells, ensure_ascii=False).encode(),
                                                 field=ROWS_FIELD)) for sheet, row, owner, cells in rows]
    await queries.copy_rows(session, "import_job_rows", ("job_id", "sheet", "row", "owner_row", "cells"), records)


async def staged(session: AsyncSession, job_id: uuid.UUID, first: int, last: int) -> list[tuple[str, int, int, Any]]:
    """The staged table rows of the people on profiles-sheet rows `first`…`last`, in sheet order."""
    stmt = (select(ImportJobRow.sheet, ImportJobRow.row, ImportJobRow.owner_row, ImportJobRow.cells)
            .where(ImportJobRow.job_id == job_id, ImportJobRow.owner_row.between(first, last))
            .order_by(ImportJobRow.owner_row, ImportJobRow.sheet, ImportJobRow.row))
    return [(sheet, row, owner, cells) for sheet, row, owner, cells in await session.execute(stmt)]


async def count_running(session: AsyncSession) -> int:
    stmt = select(func.count()).select_from(ImportJob).where(ImportJob.state == "running")
    return int((await session.execute(stmt)).scalar_one())


def acting_as(principal: Principal) -> dict[str, Any]:
    """What a worker needs to act for the uploader: who, with which scopes, over which subtree."""
    return {"subject": str(principal.subject), "username": principal.username, "roles": sorted(principal.roles),
            "scopes": sorted(principal.scopes), "org_unit_id": str(principal.org_unit_id),
            "org_path": principal.org_path,
            "profile_id": str(principal.profile_id) if principal.profile_id else None,
            "client_id": principal.client_id}


def principal_of(acting: dict[str, Any]) -> Principal:
    return Principal(subject=uuid.UUID(acting["subject"]), username=acting["username"],
                     roles=frozenset(acting["roles"]), scopes=frozenset(acting["scopes"]),
                     org_unit_id=uuid.UUID(acting["org_unit_id"]), org_path=acting["org_path"],
                     profile_id=uuid.UUID(acting["profile_id"]) if acting.get("profile_id") else None,
                     client_id=acting.get("client_id"))
