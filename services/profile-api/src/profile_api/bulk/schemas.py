from __future__ import annotations

import uuid
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

ImportMode = Literal["all_or_nothing", "valid_only"]
ExportFormat = Literal["xlsx", "csv", "json"]
JobState = Literal["queued", "running", "done", "failed"]


class ImportRowError(BaseModel):
    sheet: str = Field("profiles", description="The sheet of the row: `profiles`, or a table's sheet (e.g. "
                       "`work-history`) for a table row that belongs to no row of the profiles sheet")
    row: int = Field(description="The row number as the sheet shows it (the header is row 1)")
    reasons: list[str] = Field(description="Every problem of the row, each starting with its column key (a table "
                               "row's with its sheet and row: `work-history[7].from_date: …`)")


class ImportJobRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID = Field(description="The job's id, polled at `Location`")
    org_unit_id: uuid.UUID = Field(description="The subtree the job may write to (the caller's unit)")
    created_by: uuid.UUID = Field(description="The account that uploaded the file; the job acts for it")
    filename: str = Field(description="The uploaded file's name (its last path segment)")
    file_format: str = Field(description="`xlsx` or `csv`, from the file's bytes")
    mode: ImportMode = Field(description="`all_or_nothing` or `valid_only`")
    dry_run: bool = Field(description="Only checked, nothing stored")
    state: JobState = Field(description="`queued` until a worker takes it, `running`, then `done` or `failed`")
    total_rows: int | None = Field(description="Non-blank data rows of the profiles sheet; null until the file is "
                                   "read")
    processed_rows: int = Field(description="Rows checked so far")
    created_count: int = Field(description="Profiles created (0 for a dry run or a refused all-or-nothing)")
    error_count: int = Field(description="Rows with at least one problem")
    failure: str | None = Field(description="Why the whole file was refused or the job failed")
    attempts: int = Field(description="Runs of the job so far: more than one when a worker stopped and another "
                          "resumed it")
    created_at: datetime = Field(description="When the file was uploaded")
    finished_at: datetime | None = Field(description="When the job ended")
    errors: list[ImportRowError] = Field(description="One page of the bad rows, in row order")
    errors_total: int = Field(description="How many bad rows the report holds in all")
    errors_offset: int = Field(description="Where this page of bad rows starts")
