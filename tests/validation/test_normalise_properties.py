"""Every normaliser offered as a fix is idempotent: applying its own output changes nothing, so a
value equal to its normal form is clean and a fix applied twice is harmless."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from datetime import date

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from hoso_shared.validation.normalise import (
    name_key,
    nfc,
    normalise_date,
    normalise_email,
    normalise_multiline,
    normalise_name,
    normalise_phone,
    normalise_text,
)

VIETNAMESE = "aăâbcdđeêghiklmnoôơpqrstuưvxyAĂÂBCDĐEÊGHIKLMNOÔƠPQRSTUƯVXY" \
             "áàảãạắằẳẵặấầẩẫậéèẻẽẹếềểễệíìỉĩịóòỏõọốồổỗộớờởỡợúùủũụứừửữựýỳỷỹỵ" \
             "ÁÀẢÃẠẮẰẲẴẶẤẦẨẪẬÉÈẺẼẸẾỀỂỄỆÍÌỈĨỊÓÒỎÕỌỐỒỔỖỘỚỜỞỠỢÚÙỦŨỤỨỪỬỮỰÝỲỶỸỴ"
COMBINING = "\u0300\u0301\u0303\u0309\u0323\u0302\u0306\u031b\u0345\u0307"  # the five tones, hats, horn, …
SPACES = " \t\n\r\u00a0\u2003\u3000\u2028\x85"
AWKWARD = "ßİıŉǰΣσςǅǆﬁ0123456789+-/.@()"
vietnamese_text = st.text(alphabet=st.sampled_from(VIETNAMESE + COMBINING + SPACES + AWKWARD), max_size=40)
any_text = st.text(max_size=40)
text = st.one_of(vietnamese_text, any_text)

NORMALISERS: list[Callable[[str], str]] = [
    nfc, normalise_text, normalise_multiline, normalise_name, name_key, normalise_phone, normalise_email,
    normalise_date,
]


@pytest.mark.parametrize("normalise", NORMALISERS, ids=lambda n: n.__name__)
class TestIdempotent:
    @settings(max_examples=400)
    @given(value=text)
    @example(value="e\u0302\u0301 ")
    @example(value="ı\u0301 İSTANBUL ß")
    @example(value="+84 084 123")
    @example(value="84084123456")
    @example(value="31/02/2026")
    @example(value="A@B.İ")
    @example(value="ǰ ΣΑΣ")
    def test_twice_is_once(self, normalise: Callable[[str], str], value: str) -> None:
        once = normalise(value)
        assert normalise(once) == once

    @given(value=text)
    @example(value="ǰ")
    def test_output_is_nfc(self, normalise: Callable[[str], str], value: str) -> None:
        assert unicodedata.is_normalized("NFC", normalise(value))


class TestShapes:
    @given(value=text)
    def test_text_has_no_edge_or_double_whitespace(self, value: str) -> None:
        out = normalise_text(value)
        assert out == out.strip() and "  " not in out and all(c == " " or not c.isspace() for c in out)

    @given(value=text)
    def test_multiline_lines_are_clean(self, value: str) -> None:
        out = normalise_multiline(value)
        assert "\n\n\n" not in out and out == out.strip()
        assert all(line == normalise_text(line) for line in out.split("\n"))

    @given(value=text)
    def test_phone_is_digits(self, value: str) -> None:
        assert all(c in "0123456789" for c in normalise_phone(value))

    @given(value=vietnamese_text)
    def test_name_words_are_capitalised(self, value: str) -> None:
        for word in normalise_name(value).split(" "):
            letters = [c for c in word if c.isalpha()]
            if letters and len(letters[0].upper()) == 1:
                assert letters[0] == letters[0].upper()

    @given(st.dates(min_value=date(1000, 1, 1)))
    def test_dmy_dates_become_iso(self, day: date) -> None:
        assert normalise_date(f"{day.day}/{day.month:02d}/{day.year}") == day.isoformat()
        assert normalise_date(day.isoformat()) == day.isoformat()
