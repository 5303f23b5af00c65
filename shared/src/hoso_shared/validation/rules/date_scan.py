"""One pass over every date a record holds, shared by DUNG-NGAY-001/002 and SACH-JUNK-002 (their fast
paths): while all dates are ISO strings, text order is date order, so a max or min answers whether any
date may be out of bounds; only then do the rules parse and check dates one by one."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from itertools import chain, repeat
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
    values = list(filter(None, map((record.get("items") or {}).get, DATE_KEYS)))
    starts: list[Any] = []
    ends: list[Any] = []
    for section, table in (record.get("sections") or {}).items():
        if section in PERIODS and table.__class__ is list:
            try:
                starts += filter(None, map(dict.get, table, repeat("from_date")))
                ends += filter(None, map(dict.get, table, repeat("to_date")))
            except TypeError:  # a row that is not a dict
                return UNSURE
    try:
        "".join(chain(values, starts, ends))  # raises at the first value that is not a string, in C
    except TypeError:
        return UNSURE
    earliest_item, earliest_start = (min(values) if values else None), (min(starts) if starts else None)
    latest = max(values + starts) if values or starts else None
    return DateTexts(True, latest, earliest_item, earliest_start, min(ends) if ends else None)


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


