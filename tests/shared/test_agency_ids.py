"""The shape of agencies' electronic identifiers (QĐ 20/2020/QĐ-TTg), which Điều 19 khoản 2 of the Hanoi regulation
requires for data exchange (`hoso_shared.codes.agency_ids`)."""

from __future__ import annotations

import pytest
from pydantic import TypeAdapter, ValidationError

from hoso_shared.codes.agency_ids import AgencyId, is_valid, problem

VALID = ["000.00.00.H26",  # UBND thành phố Hà Nội itself: levels 2–4 unused
         "000.00.01.H26", "000.02.03.H26", "001.05.12.H49", "A01.B2.C3.H26",  # departments, sub-units, letters
         "000.00.00.G09",  # Bộ Nội vụ (a ministry: G)
         "01.000.00.00.H26", "7.AB.000.00.00.H26",  # further levels to the left of the fourth
         "12.34.56.78.90.1.000.00.00.H26"]
INVALID = ["", "H26", "00.00.H26", "000.00.H26",  # fewer than four levels
           "000.00.00.h26", "000.00.00.26H", "000.00.00.HH6", "000.00.00.H2",  # level 1: one letter, two digits
           "00.00.00.H26", "0000.00.00.H26", "000.0.00.H26", "000.00.000.H26",  # levels 4, 3, 2: 3, 2, 2 characters
           "000-00-00-H26", "000.00.00.H26.", ".000.00.00.H26", "000..00.00.H26", "000.00.00.Đ26",
           " 000.00.00.H26", "000.00.00.H26\n", "01.STC",
           "1234.000.00.00.H26"]  # an extra level of four characters


class TestAgencyIdShape:
    @pytest.mark.parametrize("value", VALID)
    def test_accepts_the_decisions_shape(self, value: str) -> None:
        """Điều 19 khoản 2: identifiers as QĐ 20/2020/QĐ-TTg lays them out (level 1 last, e.g. H26 for Hà Nội)."""
        assert is_valid(value), problem(value)
        assert TypeAdapter(AgencyId).validate_python(value) == value

    @pytest.mark.parametrize("value", INVALID)
    def test_refuses_other_shapes(self, value: str) -> None:
        """Điều 19 khoản 2: anything else is not an identifier the national side knows."""
        assert not is_valid(value)
        with pytest.raises(ValidationError):
            TypeAdapter(AgencyId).validate_python(value)

    def test_at_most_35_characters_and_the_reason_is_vietnamese_first(self) -> None:
        """Điều 19 khoản 2 (QĐ 20/2020/QĐ-TTg Điều 4 khoản 1: at most 35 characters)."""
        base = "12.34.56.78.90.12.3.000.00.00.H26"
        assert len(base) == 33 and is_valid(base)
        too_long = "12." + base
        assert len(too_long) == 36 and problem(too_long) == "dài quá 35 ký tự / longer than 35 characters"
        assert is_valid("1." + base) and len("1." + base) == 35
        assert (problem("01.STC") or "").startswith("không đúng cấu trúc mã định danh theo QĐ 20/2020/QĐ-TTg")
