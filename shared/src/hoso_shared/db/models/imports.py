"""Written by profile-api. Bulk import jobs: what was asked, how far it got, every bad row and why; the uploaded
file until the job is done, and the rows of its repeating-table sheets while it runs.

A job is queued by the upload and run by an import worker (`python -m profile_api.bulk.worker`), which claims it
with `FOR UPDATE SKIP LOCKED` and keeps `heartbeat_at` fresh; a job whose worker stopped beating is claimed again
and resumed after `resume_row`, the last row of the profiles sheet whose chunk was committed.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import CheckConstraint, ForeignKey, Index, Text, func, text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from hoso_shared.db.base import Base, UUIDKey
from hoso_shared.db.sealed import SealedBytes, SealedJSON


class ImportJob(UUIDKey, Base):
    __tablename__ = "import_jobs"

    org_unit_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("org_units.id"))  # the subtree it may write
    created_by: Mapped[uuid.UUID] = mapped_column(ForeignKey("accounts.id"))
    filename: Mapped[str] = mapped_column(Text)
    file_format: Mapped[str] = mapped_column(Text)  # xlsx | csv
    mode: Mapped[str] = mapped_column(Text)  # all_or_nothing | valid_only
    dry_run: Mapped[bool]
    state: Mapped[str] = mapped_column(Text, server_default="queued")
    total_rows: Mapped[int | None]
    processed_rows: Mapped[int] = mapped_column(server_default="0")
    created_count: Mapped[int] = mapped_column(server_default="0")
    error_count: Mapped[int] = mapped_column(server_default="0")
    errors: Mapped[list[Any]] = mapped_column(JSONB, server_default="[]")  # [{row, reasons: [...]}]
    failure: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())
    finished_at: Mapped[datetime | None]
    # Who the worker acts as (the uploader: subject, username, roles, scopes, unit and subtree path).
    acting_as: Mapped[dict[str, Any]] = mapped_column(JSONB, server_default="{}")
    checked_on: Mapped[date | None]  # the day the rows are checked against (the upload's), kept across resumes
    file_bytes: Mapped[int] = mapped_column(server_default="0")
    file_sha256: Mapped[str | None] = mapped_column(Text)
    worker: Mapped[str | None] = mapped_column(Text)  # host:pid of the worker that holds it
    heartbeat_at: Mapped[datetime | None]
    attempts: Mapped[int] = mapped_column(server_default="0")  # claims so far
    resume_row: Mapped[int] = mapped_column(server_default="0")

    __table_args__ = (
        CheckConstraint("mode IN ('all_or_nothing', 'valid_only')", name="mode"),
        CheckConstraint("state IN ('queued', 'running', 'done', 'failed')", name="state"),
        # What workers claim: the queued jobs and the running ones whose worker may have died.
        Index("ix_import_jobs_claimable", "created_at", postgresql_where=text("state IN ('queued', 'running')")),
    )


class ImportJobFile(Base):
    """The uploaded file in pieces of ~1 MiB, sealed (it holds personal data); deleted when the job ends."""

    __tablename__ = "import_job_files"

    job_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("import_jobs.id", ondelete="CASCADE"), primary_key=True)
    seq: Mapped[int] = mapped_column(primary_key=True)
    content: Mapped[bytes] = mapped_column(SealedBytes("import_job_files.content"))


class ImportJobRow(Base):
    """A row of a repeating-table sheet, staged while the job runs: found by the profiles-sheet row of the person
    it belongs to (`owner_row`), so the worker never holds a whole table in memory. Sealed: family, discipline …"""

    __tablename__ = "import_job_rows"

    job_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("import_jobs.id", ondelete="CASCADE"), primary_key=True)
    sheet: Mapped[str] = mapped_column(Text, primary_key=True)
    row: Mapped[int] = mapped_column(primary_key=True)
    owner_row: Mapped[int]
    cells: Mapped[dict[str, Any]] = mapped_column(SealedJSON("import_job_rows.cells"))

    __table_args__ = (Index("ix_import_job_rows_owner", "job_id", "owner_row"),)
