"""Pydantic types for code-listed fields: a value must be a code of its table (any period; whether
it was in force on the record's dates is the rule engine's question)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from pydantic import AfterValidator, Field

from hoso_shared.codes.ethnicities import ETHNICITIES
from hoso_shared.codes.provinces import PROVINCES
from hoso_shared.codes.ranks import RANKS
from hoso_shared.codes.religions import RELIGIONS
from hoso_shared.codes.table import CodeTable


def _member_of(table: CodeTable) -> Callable[[str], str]:
    def check(value: str) -> str:
        if value not in table:
            raise ValueError(f"not a code of the {table.name} list")
        return value

    return check


EthnicityCode = Annotated[str, Field(pattern=r"^\d{2}$"), AfterValidator(_member_of(ETHNICITIES))]
ReligionCode = Annotated[str, Field(pattern=r"^\d{2}$"), AfterValidator(_member_of(RELIGIONS))]
RankCode = Annotated[str, Field(max_length=20), AfterValidator(_member_of(RANKS))]
ProvinceCode = Annotated[str, Field(pattern=r"^\d{2}$"), AfterValidator(_member_of(PROVINCES))]
