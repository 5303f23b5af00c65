"""Đúng: the 12-digit personal ID (DOMAIN §3): province of birth registration, century/sex digit,
two digits of the birth year, six random digits; and its agreement with the record."""

from __future__ import annotations

from typing import Any

from hoso_shared.codes import CITIZEN_ID_PROVINCES
from hoso_shared.validation.model import Criterion, Hit, Record, Severity, memoised
from hoso_shared.validation.registry import rule

PROVINCE_CODES = frozenset(CITIZEN_ID_PROVINCES.codes())


def parts(citizen_id: str) -> tuple[str, int, int] | None:
    """(province code, century/sex digit, two-digit year) or None when not 12 ASCII digits."""
    if len(citizen_id) != 12 or not (citizen_id.isascii() and citizen_id.isdigit()):
        return None
    return citizen_id[:3], int(citizen_id[3]), int(citizen_id[4:6])


def expected_digit(sex: str, birth_year: int) -> int:
    return 2 * ((birth_year - 1900) // 100) + (1 if sex == "F" else 0)


def _parts_of(record: Record) -> tuple[str, int, int] | None:
    return _split(record)[0]


def _year_of(record: Record) -> str | None:
    """The four digits of the birth year, or None when the birth date is absent or unreadable."""
    return _split(record)[1]


def _split(record: Record) -> tuple[tuple[str, int, int] | None, str | None]:
    """The ID's parts and the birth year, worked out once per judged record for the four rules."""
    result: tuple[tuple[str, int, int] | None, str | None] = memoised(record, "citizen_id", _compute)
    return result


def _compute(record: Record) -> tuple[tuple[str, int, int] | None, str | None]:
    items = record.get("items") or {}
    value, born = items.get("citizen_id"), items.get("birth_date")
    year = born[:4] if born.__class__ is str else None
    year = year if year is not None and len(year) == 4 and year.isascii() and year.isdigit() else None
    return (parts(value) if value.__class__ is str else None), year


@rule("DUNG-CCCD-001", Criterion.DUNG, Severity.ERROR, reads=["citizen_id"],
      vi="Số định danh cá nhân phải gồm đúng 12 chữ số.", en="The personal ID must be exactly 12 digits.")
def _twelve_digits(record: Record, _: Any) -> tuple[Hit, ...]:
    value = (record.get("items") or {}).get("citizen_id")
    if value.__class__ is str and value and parts(value) is None:
        return (Hit("citizen_id"),)
    return ()


@rule("DUNG-CCCD-002", Criterion.DUNG, Severity.ERROR, reads=["citizen_id"],
      vi="Mã tỉnh nơi đăng ký khai sinh {code} trong số định danh không có trong danh mục.",
      en="The birth-registration province code {code} of the personal ID is not in the code list.")
def _province(record: Record, _: Any) -> tuple[Hit, ...]:
    split = _parts_of(record)
    if split is not None and split[0] not in PROVINCE_CODES:
        return (Hit("citizen_id", {"code": split[0]}),)
    return ()


@rule("DUNG-CCCD-003", Criterion.DUNG, Severity.ERROR, reads=["citizen_id", "sex", "birth_date"],
      vi="Chữ số thứ 4 của số định danh ({digit}) không khớp giới tính và thế kỷ sinh (phải là {expected}).",
      en="Digit 4 of the personal ID ({digit}) does not match the sex and birth century (expected {expected}).")
def _century_sex(record: Record, _: Any) -> tuple[Hit, ...]:
    split, sex, year = _parts_of(record), (record.get("items") or {}).get("sex"), _year_of(record)
    if split is not None and sex in ("M", "F") and year is not None:
        expected = expected_digit(sex, int(year))
        if split[1] != expected:
            return (Hit("citizen_id", {"digit": split[1], "expected": expected}),)
    return ()


@rule("DUNG-CCCD-004", Criterion.DUNG, Severity.ERROR, reads=["citizen_id", "birth_date"],
      vi="Chữ số 5–6 của số định danh ({digits}) không khớp năm sinh {year}.",
      en="Digits 5–6 of the personal ID ({digits}) do not match the birth year {year}.")
def _birth_year(record: Record, _: Any) -> tuple[Hit, ...]:
    split, year = _parts_of(record), _year_of(record)
    if split is not None and year is not None and split[2] != int(year[2:]):
        return (Hit("citizen_id", {"digits": f"{split[2]:02d}", "year": year}),)
    return ()
