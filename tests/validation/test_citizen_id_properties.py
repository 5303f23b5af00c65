"""Properties of the personal-ID rules DUNG-CCCD-001…004 (DOMAIN §3: positions 1–3 the province of
birth registration, 4 the century and sex, 5–6 the last two digits of the birth year, 7–12 random).

Built from a valid province code (CITIZEN_ID_PROVINCES), a sex and a birth date in 1900–2099, an ID
passes every DUNG-CCCD rule for the record it was built for, whatever its six random digits.

Changing one of its first six digits to a different digit is caught, and by exactly one rule: by
DUNG-CCCD-002 for positions 1–3, DUNG-CCCD-003 for position 4 and DUNG-CCCD-004 for positions 5–6,
except when the change lands positions 1–3 on another valid province code ("001" → "031"): that ID is
well formed and no rule can tell, so none fires."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from hoso_shared.codes import CITIZEN_ID_PROVINCES
from hoso_shared.validation import RULES, Context, judge
from hoso_shared.validation.rules.citizen_id import expected_digit, parts

CCCD_RULES = [rule for code, rule in RULES.items() if code.startswith("DUNG-CCCD-")]
PROVINCES = sorted(CITIZEN_ID_PROVINCES.codes())
CONTEXT = Context(today=date(2026, 11, 23))
RULE_OF_POSITION = {0: "DUNG-CCCD-002", 1: "DUNG-CCCD-002", 2: "DUNG-CCCD-002", 3: "DUNG-CCCD-003",
                    4: "DUNG-CCCD-004", 5: "DUNG-CCCD-004"}
SETTINGS = settings(database=None, max_examples=300, deadline=None)


@st.composite
def people(draw: st.DrawFn) -> dict[str, Any]:
    """A record's sex and birth date, with a personal ID built from them."""
    sex = draw(st.sampled_from("MF"))
    born = draw(st.dates(date(1900, 1, 1), date(2099, 12, 31)))
    province = draw(st.sampled_from(PROVINCES))
    random_part = draw(st.text(alphabet="0123456789", min_size=6, max_size=6))
    citizen_id = f"{province}{expected_digit(sex, born.year)}{born.year % 100:02d}{random_part}"
    return {"items": {"citizen_id": citizen_id, "sex": sex, "birth_date": born.isoformat()}}


def cccd_codes(record: dict[str, Any]) -> set[str]:
    return judge(record, CONTEXT, CCCD_RULES).codes()


def with_digit(record: dict[str, Any], position: int, digit: str) -> dict[str, Any]:
    value = record["items"]["citizen_id"]
    return {"items": {**record["items"], "citizen_id": value[:position] + digit + value[position + 1:]}}


def test_the_four_rules_are_the_ones_under_test() -> None:
    assert sorted(rule.code for rule in CCCD_RULES) == [f"DUNG-CCCD-00{n}" for n in range(1, 5)]


class TestBuiltFromTheRecord:
    @SETTINGS
    @given(people())
    @example({"items": {"citizen_id": "001099000000", "sex": "M", "birth_date": "1999-12-31"}})
    @example({"items": {"citizen_id": "096300999999", "sex": "F", "birth_date": "2000-01-01"}})
    @example({"items": {"citizen_id": "001000000001", "sex": "M", "birth_date": "1900-01-01"}})
    def test_passes_every_cccd_rule(self, record: dict[str, Any]) -> None:
        assert cccd_codes(record) == set()

    @SETTINGS
    @given(people(), st.integers(6, 11), st.sampled_from("0123456789"))
    def test_the_random_digits_are_not_checked(self, record: dict[str, Any], position: int, digit: str) -> None:
        assert cccd_codes(with_digit(record, position, digit)) == set()

    @pytest.mark.parametrize(("sex", "year", "digit"), [("M", 1900, 0), ("F", 1999, 1), ("M", 2000, 2),
                                                        ("F", 2099, 3), ("M", 2100, 4)])
    def test_century_and_sex_digit(self, sex: str, year: int, digit: int) -> None:
        assert expected_digit(sex, year) == digit


class TestOneDigitChanged:
    @SETTINGS
    @given(people(), st.integers(0, 5), st.sampled_from("0123456789"))
    def test_is_caught_by_exactly_one_rule_unless_it_lands_on_another_province(
            self, record: dict[str, Any], position: int, digit: str) -> None:
        original = record["items"]["citizen_id"]
        if original[position] == digit:
            return  # not a change
        changed = with_digit(record, position, digit)
        prefix = changed["items"]["citizen_id"][:3]
        if position < 3 and prefix in CITIZEN_ID_PROVINCES:
            assert cccd_codes(changed) == set()  # another real province: undetectable
        else:
            assert cccd_codes(changed) == {RULE_OF_POSITION[position]}

    def test_a_prefix_change_onto_another_province_is_indeed_possible(self) -> None:
        assert "001" in PROVINCES and "031" in PROVINCES  # one digit apart: Hà Nội, Hải Phòng


class TestMalformed:
    @SETTINGS
    @given(st.text(max_size=20).filter(lambda v: v and not (len(v) == 12 and v.isascii() and v.isdigit())))
    def test_anything_but_twelve_ascii_digits_is_caught_by_the_first_rule_alone(self, value: str) -> None:
        record = {"items": {"citizen_id": value, "sex": "F", "birth_date": "1988-03-04"}}
        assert cccd_codes(record) == {"DUNG-CCCD-001"}
        assert parts(value) is None

    @pytest.mark.parametrize("born", [None, "", "năm 1988", "88-03-04", 1988])
    def test_an_unreadable_birth_date_does_not_break_the_rules(self, born: object) -> None:
        record = {"items": {"citizen_id": "001188000123", "sex": "F", "birth_date": born}}
        assert cccd_codes(record) == set()
