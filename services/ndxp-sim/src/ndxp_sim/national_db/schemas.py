from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field


class NationalProfile(BaseModel):
    """A record as the national CBCCVC database returns it: our items/sections shape, and the province
    that keeps the profile."""

    model_config = ConfigDict(extra="forbid")
    citizen_id: Annotated[str, Field(pattern=r"^\d{12}$")]
    source_province: Annotated[str, Field(pattern=r"^\d{2}$", description="2-digit province code")]
    items: dict[str, Any]
    sections: dict[str, Any]


class ProfilesAdded(BaseModel):
    added: int
    replaced: int
    total: int
