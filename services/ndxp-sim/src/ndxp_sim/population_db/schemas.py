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
    ethnicity_code: Annotated[str | None, Field(max_length=10, description="Compared when given (QĐ 121-TCTK)")] = None
    religion_code: Annotated[str | None, Field(max_length=10, description="Compared when given")] = None


class CitizenCheckRead(BaseModel):
    result: Literal["match", "mismatch", "not_found"]
    mismatched: list[Literal["full_name", "birth_date", "sex", "ethnicity_code", "religion_code"]]
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


class PlaceRead(BaseModel):
    commune: str | None = Field(description="xã, phường, đặc khu (two-level tree since 1/7/2025)")
    province: str = Field(description="tỉnh, thành phố")
    detail: str | None = Field(description="số nhà, đường, thôn (residence only)")


class CodedValue(BaseModel):
    code: str = Field(description="The national code (ethnicities QĐ 121-TCTK, religions)")
    name: str = Field(description="Its Vietnamese name")


class CitizenRecord(BaseModel):
    """What the register holds about a person, for filling in a form (the lookup route)."""

    citizen_id: str = Field(description="Số định danh cá nhân")
    full_name: str = Field(description="Họ, chữ đệm và tên khai sinh")
    birth_date: date = Field(description="Ngày, tháng, năm sinh")
    sex: Literal["M", "F"] = Field(description="Giới tính")
    birth_place: PlaceRead = Field(description="Nơi đăng ký khai sinh")
    home_town: PlaceRead = Field(description="Quê quán")
    ethnicity: CodedValue = Field(description="Dân tộc")
    religion: CodedValue = Field(description="Tôn giáo")
    residence: PlaceRead = Field(description="Nơi thường trú")
    looked_up_at: str = Field(description="When the register answered (UTC, ISO 8601)")
