"""One pass over every date a record holds, shared by DUNG-NGAY-001/002 and SACH-JUNK-002 (their fast
paths): while all dates are ISO strings, text order is date order, so a max or min answers whether any
date may be out of bounds; only then do the rules parse and check dates one by one."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from hoso_shared.form import ProfileItems
from hoso_shared.form.base import Period
from hoso_shared.form.sections import SECTIONS
from hoso_shared.validation.model import Record, memoised

# The date items of the form (dates.DATE_ITEMS labels the same keys; a test keeps them in step).
DATE_KEYS = tuple(name for name, f in ProfileItems.model_fields.items() if f.annotation in (date, date | None))
PERIODS = frozenset(name for name, (_, model, _) in SECTIONS.items() if issubclass(model, Period))


# The scan below is the hot path of DUNG-NGAY-001/002 and SACH-JUNK-002: every date they read, gathered
# once per judged record; while all are strings, ISO text order is date order, so one max/min answers
# whether any date may be out of bounds. Only then are the dates parsed and checked one by one.

@dataclass(frozen=True, slots=True)
class DateTexts:
    strings: bool  # every date a string? (if not, the bounds below are None: look closer)
    latest: str | None  # of the date items and the table starts
    earliest_item: str | None
    earliest_start: str | None  # of the table rows' "từ"
    earliest_end: str | None  # of the table rows' "đến"


UNSURE = DateTexts(False, None, None, None, None)


def date_texts(record: Record) -> DateTexts:
    result: DateTexts = memoised(record, "date_texts", _date_texts)
    return result


def _date_texts(record: Record) -> DateTexts:
    """Plain loops over typed text: compiled (mypyc), they beat gathering lists for min and max. Blank
    values are skipped; anything else that is not text makes the answer UNSURE."""
    found = _item_dates(record.get("items") or {})
    rows = _row_dates(record.get("sections") or {})
    if found is None or rows is None:
        return UNSURE
    (earliest_item, latest), (earliest_start, latest_start, earliest_end) = found, rows
    if latest is None or (latest_start is not None and latest_start > latest):
        latest = latest_start
    return DateTexts(True, latest, earliest_item, earliest_start, earliest_end)


Bound = str | None


def _widen(text: str, low: Bound, high: Bound) -> tuple[str, str]:
    return (text if low is None or text < low else low), (text if high is None or text > high else high)


def _item_dates(items: Any) -> tuple[Bound, Bound] | None:
    """(earliest, latest) of the date items, or None when one is not text."""
    low: Bound = None
    high: Bound = None
    for key in DATE_KEYS:
        value = items.get(key)
        if value:
            if value.__class__ is not str:
                return None
            low, high = _widen(value, low, high)
    return low, high


def _row_dates(sections: Any) -> tuple[Bound, Bound, Bound] | None:
    """(earliest, latest) of the period tables' starts and the earliest end, or None when a row is not
    a dict or a date in it not text."""
    low: Bound = None
    high: Bound = None
    low_end: Bound = None
    for section, table in sections.items():
        if table.__class__ is not list or section not in PERIODS:
            continue
        for row in table:
            if row.__class__ is not dict:
                return None
            start, end = row.get("from_date"), row.get("to_date")
            if start:
                if start.__class__ is not str:
                    return None
                low, high = _widen(start, low, high)
            if end:
                if end.__class__ is not str:
                    return None
                low_end = end if low_end is None or end < low_end else low_end
    return low, high, low_end


def any_after(record: Record, text: str) -> bool:
    texts = date_texts(record)
    return not texts.strings or (texts.latest is not None and texts.latest > text)


def any_before(record: Record, text: str, month: str) -> bool:
    texts = date_texts(record)
    if not texts.strings:
        return True
    return (texts.earliest_item is not None and texts.earliest_item < text) or (
        texts.earliest_start is not None and texts.earliest_start < month)


def any_on_or_before(record: Record, text: str) -> bool:
    """Might any date the record holds (items, table starts and ends) fall on or before `text`?"""
    texts = date_texts(record)
    return not texts.strings or any(
        d is not None and d <= text for d in (texts.earliest_item, texts.earliest_start, texts.earliest_end))


