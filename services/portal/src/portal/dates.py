"""Days as people type them and as pages show them: dd/mm/yyyy (the Vietnamese way, and what a page shows) or
yyyy-mm-dd (a date input's value)."""

from __future__ import annotations

from datetime import date


def parse_day(text: str | None) -> date | None:
    """None for an empty field; raises ValueError for anything else that is not a day."""
    text = (text or "").strip()
    if not text:
        return None
    if "/" in text:
        day, month, year = (int(part) for part in text.split("/"))
        return date(year, month, day)
    return date.fromisoformat(text)


def read_day(text: str | None) -> date | None:
    """The day, or None for an empty field and for one that is not a day (the caller says which is wrong)."""
    try:
        return parse_day(text)
    except ValueError:
        return None


def shown(day: date | None) -> str:
    return day.strftime("%d/%m/%Y") if day else ""
