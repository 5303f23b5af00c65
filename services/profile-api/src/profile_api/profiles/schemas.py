from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

Category = Literal["can_bo", "cong_chuc", "vien_chuc", "cap_xa"]
Status = Literal["active", "transferred_out", "retired", "resigned", "deceased"]


class ProfileSummary(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    org_unit_id: uuid.UUID
    full_name: str
    birth_date: date
    sex: Literal["M", "F"]
    category: Category
    status: Status
    rank_code: str | None
    version: int


class ProfileRead(ProfileSummary):
    citizen_id_masked: str
    data: dict[str, Any]


class ProfilePage(BaseModel):
    items: list[ProfileSummary]
    next_cursor: str | None


@dataclass(frozen=True)
class ProfileFilter:
    org_unit_id: uuid.UUID | None = None
    status: str | None = None
    category: str | None = None
    name_prefix: str | None = None
