from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from hoso_shared.form.base import FormModel


class OverrideWrite(FormModel):
    kind: Literal["holiday", "working_day"] = Field(description="An extra day off, or a make-up working day")
    note: str = Field(min_length=1, max_length=500, description="Why: the decision that set it")


class OverrideRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    day: date
    kind: Literal["holiday", "working_day"]
    note: str
