from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

CitizenId = Annotated[str, Field(pattern=r"^\d{12}$")]


class CitizenCheck(BaseModel):
    """What the caller holds about a person; the register answers whether it agrees."""

    model_config = ConfigDict(extra="ignore")
    citizen_id: CitizenId
    full_name: Annotated[str, Field(max_length=200)]
    birth_date: date
    sex: Annotated[str, Field(max_length=10, description="M or F (Nam/Nữ, male/female also understood)")]


class CitizenCheckRead(BaseModel):
    result: Literal["match", "mismatch", "not_found"]
    mismatched: list[Literal["full_name", "birth_date", "sex"]]
    checked_at: str


class PersonIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    citizen_id: CitizenId
    full_name: Annotated[str, Field(min_length=1, max_length=200)]
    birth_date: date
    sex: Literal["M", "F"]


class PeopleAdded(BaseModel):
    added: int
    replaced: int
    total: int
