"""The one date scan behind the fast paths of DUNG-NGAY-001/002 and SACH-JUNK-002 agrees with a naive
reference on records of any shape: the bounds it reports are the true ones, or it says it is unsure."""

from __future__ import annotations

from datetime import date
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from hoso_shared.validation.rules.date_scan import DATE_KEYS, PERIODS, UNSURE, DateTexts, _date_texts


def reference(record: dict[str, Any]) -> DateTexts:
    items = record.get("items") or {}
    values = [v for v in map(items.get, DATE_KEYS) if v]
    starts: list[Any] = []
    ends: list[Any] = []
    for section, table in (record.get("sections") or {}).items():
        if section in PERIODS and isinstance(table, list):
            for row in table:
                if type(row) is not dict:
                    return UNSURE
                starts += [row["from_date"]] if row.get("from_date") else []
                ends += [row["to_date"]] if row.get("to_date") else []
    if any(type(v) is not str for v in values + starts + ends):
        return UNSURE
    return DateTexts(True, max(values + starts, default=None), min(values, default=None), min(starts, default=None),
                     min(ends, default=None))


ISO = st.dates(date(1890, 1, 1), date(2040, 12, 31)).map(date.isoformat)
VALUE = st.one_of(ISO, ISO, ISO, st.none(), st.just(""), st.just(0), st.integers(), st.dates(), st.just([]))
ROW = st.fixed_dictionaries({}, optional={"from_date": VALUE, "to_date": VALUE, "unit": st.text(max_size=3)})
TABLE = st.one_of(st.lists(st.one_of(ROW, ROW, ROW, st.none(), st.integers()), max_size=4), st.none(), st.integers())
RECORDS = st.fixed_dictionaries({
    "items": st.dictionaries(st.sampled_from([*DATE_KEYS, "full_name"]), VALUE, max_size=8),
    "sections": st.dictionaries(st.sampled_from([*sorted(PERIODS), "family"]), TABLE, max_size=4),
})


@settings(database=None, max_examples=500, deadline=None)
@given(RECORDS)
def test_the_scan_agrees_with_a_naive_reference(record: dict[str, Any]) -> None:
    assert _date_texts(record) == reference(record)


def test_a_clean_record_s_bounds() -> None:
    record = {"items": {"birth_date": "1980-05-02", "first_recruited_on": "2004-09-01", "full_name": "Lan"},
              "sections": {"work-history": [{"from_date": "2004-09-01", "to_date": "2010-12-31"},
                                            {"from_date": "2011-01-01"}],
                           "family": [{"from_date": "1700-01-01"}]}}
    assert _date_texts(record) == DateTexts(True, "2011-01-01", "1980-05-02", "2004-09-01", "2010-12-31")
