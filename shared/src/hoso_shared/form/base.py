from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

Text = Annotated[str, Field(max_length=500)]
LongText = Annotated[str, Field(max_length=5000)]


class FormModel(BaseModel):
    """Strict input: unknown keys refused, strings trimmed, NUL bytes refused (asyncpg would 500)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, frozen=False)

    @field_validator("*", mode="before")
    @classmethod
    def _no_nul(cls, value: Any) -> Any:
        if isinstance(value, str) and "\x00" in value:
            raise ValueError("NUL characters are not allowed")
        return value


class Period(FormModel):
    """The form's "Từ … Đến …" columns: month precision, stored as the first of the month."""

    from_date: date | None = Field(default=None, description="Từ (tháng/năm)")
    to_date: date | None = Field(default=None, description="Đến (tháng/năm); empty while ongoing")


class Place(FormModel):
    """An address in the two-level (post-2025) or three-level (legacy) administrative tree."""

    commune: Text | None = Field(default=None, description="xã, phường, đặc khu")
    district: Text | None = Field(default=None, description="huyện, quận (legacy, before 1/7/2025)")
    province: Text | None = Field(default=None, description="tỉnh, thành phố")
    detail: Text | None = Field(default=None, description="số nhà, đường, thôn")
