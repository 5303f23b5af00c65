"""Values of the record as the paper form prints them: dd/mm/yyyy, mm/yyyy, addresses, code names."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from hoso_shared.codes import ETHNICITIES, RANKS, RELIGIONS, CodeTable

Format = Callable[[Any], str]


def text(value: Any) -> str:
    return "" if value is None else str(value)


def upper(value: Any) -> str:
    return text(value).upper()


def day(value: Any) -> str:
    if not value:
        return ""
    try:
        return date.fromisoformat(str(value)).strftime("%d/%m/%Y")
    except ValueError:
        return str(value)


def month(value: Any) -> str:
    """The form's "tháng/năm" columns: periods are stored as the first of the month."""
    if not value:
        return ""
    try:
        return date.fromisoformat(str(value)).strftime("%m/%Y")
    except ValueError:
        return str(value)


def place(value: Any) -> str:
    if not isinstance(value, dict):
        return text(value)
    return ", ".join(str(value[k]) for k in ("detail", "commune", "district", "province") if value.get(k))


def sex(value: Any) -> str:
    return {"M": "Nam", "F": "Nữ"}.get(str(value), text(value))


def money(value: Any) -> str:
    return "" if value is None else f"{int(value):,} đ".replace(",", ".")


def percent(value: Any) -> str:
    return "" if value is None else f"{value}%"


def measure(unit: str) -> Format:
    return lambda value: "" if value is None else f"{value} {unit}"


def coded(table: CodeTable) -> Format:
    def name(value: Any) -> str:
        entry = table.get(str(value)) if value else None
        return entry.name if entry else text(value)
    return name


ethnicity, religion, rank = coded(ETHNICITIES), coded(RELIGIONS), coded(RANKS)
