from __future__ import annotations

import uuid
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

ImportMode = Literal["all_or_nothing", "valid_only"]
ExportFormat = Literal["xlsx", "csv", "json"]
JobState = Literal["queued", "running", "done", "failed"]


class ImportRowError(BaseModel):
    row: int = Field(description="The row number as the sheet shows it (the header is row 1)")
    reasons: list[str] = Field(description="Every problem of the row, each starting with its column key")


class ImportJobRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    org_unit_id: uuid.UUID = Field(description="The subtree the job may write to (the caller's unit)")
    created_by: uuid.UUID
    filename: str
    file_format: str
    mode: ImportMode
    dry_run: bool
    state: JobState
    total_rows: int | None = Field(description="Non-blank data rows; null until the file is read")
    processed_rows: int = Field(description="Rows checked so far")
    created_count: int = Field(description="Profiles created (0 for a dry run or a refused all-or-nothing)")
    error_count: int = Field(description="Rows with at least one problem")
    failure: str | None = Field(description="Why the whole file was refused or the job failed")
    created_at: datetime
    finished_at: datetime | None
    errors: list[ImportRowError] = Field(description="One page of the bad rows, in row order")
    errors_total: int = Field(description="How many bad rows the report holds in all")
    errors_offset: int
