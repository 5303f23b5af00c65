from __future__ import annotations

import uuid
from datetime import date, datetime

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field


class WindowOpen(BaseModel):
    model_config = ConfigDict(extra="forbid")

    org_unit_id: uuid.UUID = Field(description="The window covers this unit's whole subtree")
    opens_at: AwareDatetime
    closes_at: AwareDatetime
    reason: str = Field(min_length=1, max_length=2000)


class WindowRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    org_unit_id: uuid.UUID
    opens_at: datetime
    closes_at: datetime
    reason: str
    opened_by: uuid.UUID


class WindowPage(BaseModel):
    items: list[WindowRead] = Field(description="Windows over units of the caller's subtree, latest opening first")
    next_cursor: str | None = Field(description="Pass back as `cursor` for the next page (null: the last page)")


class WindowStatus(BaseModel):
    policy: str
    open: bool = Field(description="May approvals and batch submissions happen now for this unit?")
    monthly_window: tuple[date, date] | None = Field(description="This month's policy window (null: none)")
    extraordinary: list[WindowRead] = Field(description="Extraordinary windows covering the unit, open or to come")
