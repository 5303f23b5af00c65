"""Đúng: the 12-digit personal ID (DOMAIN §3): province of birth registration, century/sex digit,
two digits of the birth year, six random digits; and its agreement with the record."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from hoso_shared.codes import CITIZEN_ID_PROVINCES
from hoso_shared.validation.model import Criterion, Hit, Record, Severity
from hoso_shared.validation.registry import rule


def parts(citizen_id: str) -> tuple[str, int, int] | None:
    """(province code, century/sex digit, two-digit year) or None when not 12 digits."""
    if len(citizen_id) != 12 or not citizen_id.isdigit():
        return None
    return citizen_id[:3], int(citizen_id[3]), int(citizen_id[4:6])


def expected_digit(sex: str, birth_year: int) -> int:
    return 2 * ((birth_year - 1900) // 100) + (1 if sex == "F" else 0)


def _id(record: Record) -> str | None:
    value = record.get("items", {}).get("citizen_id")
    return value if isinstance(value, str) and value else None


@rule("DUNG-CCCD-001", Criterion.DUNG, Severity.ERROR, reads=["citizen_id"],
      vi="Số định danh cá nhân phải gồm đúng 12 chữ số.", en="The personal ID must be exactly 12 digits.")
def _twelve_digits(record: Record, _: Any) -> Iterator[Hit]:
    value = _id(record)
    if value is not None and parts(value) is None:
        yield Hit("citizen_id")


@rule("DUNG-CCCD-002", Criterion.DUNG, Severity.ERROR, reads=["citizen_id"],
      vi="Mã tỉnh nơi đăng ký khai sinh {code} trong số định danh không có trong danh mục.",
      en="The birth-registration province code {code} of the personal ID is not in the code list.")
def _province(record: Record, _: Any) -> Iterator[Hit]:
    value = _id(record)
    split = parts(value) if value else None
    if split is not None and split[0] not in CITIZEN_ID_PROVINCES:
        yield Hit("citizen_id", {"code": split[0]})


@rule("DUNG-CCCD-003", Criterion.DUNG, Severity.ERROR, reads=["citizen_id", "sex", "birth_date"],
      vi="Chữ số thứ 4 của số định danh ({digit}) không khớp giới tính và thế kỷ sinh (phải là {expected}).",
      en="Digit 4 of the personal ID ({digit}) does not match the sex and birth century (expected {expected}).")
def _century_sex(record: Record, _: Any) -> Iterator[Hit]:
    items = record.get("items", {})
    value, sex, born = _id(record), items.get("sex"), str(items.get("birth_date") or "")
    split = parts(value) if value else None
    if split is not None and sex in ("M", "F") and len(born) >= 4:
        expected = expected_digit(sex, int(born[:4]))
        if split[1] != expected:
            yield Hit("citizen_id", {"digit": split[1], "expected": expected})


@rule("DUNG-CCCD-004", Criterion.DUNG, Severity.ERROR, reads=["citizen_id", "birth_date"],
      vi="Chữ số 5–6 của số định danh ({digits}) không khớp năm sinh {year}.",
      en="Digits 5–6 of the personal ID ({digits}) do not match the birth year {year}.")
def _birth_year(record: Record, _: Any) -> Iterator[Hit]:
    value, born = _id(record), str(record.get("items", {}).get("birth_date") or "")
    split = parts(value) if value else None
    if split is not None and len(born) >= 4 and split[2] != int(born[2:4]):
        yield Hit("citizen_id", {"digits": f"{split[2]:02d}", "year": born[:4]})
