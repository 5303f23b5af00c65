"""Output shape of the workforce statistics (no defaults: every field is always present)."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

ReportFormat = Literal["json", "csv", "xlsx", "pdf"]


class UnitRef(BaseModel):
    id: uuid.UUID
    code: str
    name: str


class Period(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    first: date = Field(alias="from", description="First day (inclusive)")
    last: date = Field(alias="to", description="Last day (inclusive)")


class WorkforceStatistics(BaseModel):
    org_unit: UnitRef
    as_of: date = Field(description="The day the headcount is taken on")
    period: Period = Field(description="The period `recruited` and `departed` count over")
    total: int = Field(description="People in the unit's subtree on `as_of`")
    by: dict[str, dict[str, int]] = Field(
        description="Per dimension, the headcount per value; each dimension sums to `total`. `party` is "
                    "present only for callers cleared to read Party records (level 3) in their subtree")
    recruited: int = Field(description="People in the subtree during the period whose first recruitment (item "
                                       "13) or joining of their current agency (item 14) falls in it")
    departed: int = Field(description="People whose stay in the subtree ended in the period (archived, retired, "
                                      "transferred out); moves inside the subtree are not departures")
