"""Đúng: the salary step and coefficient against the rank's scale (NĐ 204/2004/NĐ-CP, DOMAIN §5.1),
for item 30.1 and for every salary-history row (37.1) that names a rank.

Coefficients are compared as decimals ("3.0" equals "3.00"). A rank missing from the code list is
DUNG-NGACH-001's finding, and a missing value is the Đủ rules' business, so both are skipped here.
The finding carries the derivable value as a `Fix`: the scale's coefficient for the step, or the step
whose coefficient the record holds."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal, InvalidOperation
from typing import Any

from hoso_shared.codes import RANKS, SalaryScale, scale_of
from hoso_shared.validation.context import Context
from hoso_shared.validation.model import Criterion, Fix, Hit, Record, Severity
from hoso_shared.validation.registry import rule
from hoso_shared.validation.rules.codes import ITEM_30_1
from hoso_shared.validation.rules.dates import cell, rows

SCALE_OF_RANK: dict[str, SalaryScale] = {code: scale for code in RANKS.codes() if (scale := scale_of(code))}


def spellings(coefficient: Decimal) -> frozenset[str]:
    """The usual ways to write a coefficient ("3.00", "3.0", "3"), for a check without Decimal."""
    text = str(coefficient)
    forms = {text}
    while "." in text and text.endswith("0"):
        text = text[:-1].removesuffix(".")
        forms.add(text)
    return frozenset(forms)


# rank → per step (1-based, index 0 unused): the scale's coefficient and its spellings. Built once.
EXPECTED: dict[str, tuple[tuple[Decimal, frozenset[str]], ...]] = {
    rank: ((Decimal(0), frozenset()), *((c, spellings(c)) for c in scale.coefficients))
    for rank, scale in SCALE_OF_RANK.items()
}

# Every plainly right (rank, step, coefficient) as written, so a clean slot costs one set lookup.
VALID = frozenset((rank, step, text) for rank, steps in EXPECTED.items()
                  for step, (_, spelt) in enumerate(steps) if step for text in spelt)

# One place that states a rank, a step and a coefficient: (rank, step, coefficient, salary-history row
# or None for item 30.1).
Slot = tuple[Any, Any, Any, int | None]


def _suspect(rank: Any, step: Any, coefficient: Any) -> bool:
    """A listed rank whose step or coefficient is not plainly right (look closer)."""
    if rank.__class__ is not str or rank not in EXPECTED:
        return False  # no rank, or one DUNG-NGACH-001 reports
    try:
        return step.__class__ is not int or (rank, step, coefficient) not in VALID
    except TypeError:  # an unhashable value
        return True


def _slots(record: Record) -> list[Slot]:
    """The slots worth a closer look (most records have none)."""
    items = record.get("items") or {}
    rank, step, coefficient = items.get("rank_code"), items.get("salary_step"), items.get("salary_coefficient")
    found: list[Slot] = [(rank, step, coefficient, None)] if _suspect(rank, step, coefficient) else []
    for i, row in enumerate(rows(record, "salary-history")):
        if row.__class__ is dict:
            rank, step, coefficient = row.get("rank_code"), row.get("salary_step"), row.get("coefficient")
            if _suspect(rank, step, coefficient):
                found.append((rank, step, coefficient, i))
    return found


def _field(row: int | None, column: str) -> str:
    """The field of a slot's step ("step") or coefficient ("coefficient")."""
    if row is None:
        return "salary_step" if column == "step" else "salary_coefficient"
    return f"salary-history[{row}]." + ("salary_step" if column == "step" else "coefficient")


def _where(row: int | None) -> dict[str, str]:
    vi, en = ITEM_30_1 if row is None else cell("salary-history", row)
    return {"where_vi": vi, "where_en": en}


def as_step(value: Any) -> int | None:
    """A step written as a whole number (3, "3", 3.0), or None."""
    if value.__class__ is int or (value.__class__ is float and value.is_integer()):
        return int(value)
    text = value.strip() if value.__class__ is str else ""
    return int(text) if text.isascii() and text.isdigit() else None


def as_decimal(value: Any) -> Decimal | None:
    """A JSON number or decimal string as a finite Decimal, or None when unreadable."""
    if isinstance(value, bool) or not isinstance(value, int | float | str | Decimal):
        return None
    try:
        number = Decimal(repr(value) if isinstance(value, float) else value)
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def _absent(value: Any) -> bool:
    return value is None or value == ""


def _step_of_coefficient(rank: str, coefficient: Any) -> int | None:
    number = as_decimal(coefficient)
    matches = [step for step, (c, _) in enumerate(EXPECTED[rank]) if step and c == number]
    return matches[0] if len(matches) == 1 else None


@rule("DUNG-LUONG-001", Criterion.DUNG, Severity.ERROR,
      reads=["rank_code", "salary_step", "salary-history.rank_code", "salary-history.salary_step"],
      vi="Bậc lương {step} ({where_vi}) không có trong thang lương của ngạch {rank} (nhóm {group}, từ bậc 1 đến "
         "bậc {count}).",
      en="Salary step {step} ({where_en}) is not in the scale of rank {rank} (group {group}, steps 1 to {count}).")
def _step(record: Record, _: Context) -> Iterator[Hit]:
    for rank, step, coefficient, row in _slots(record):
        number = as_step(step)
        if (number is not None and 0 < number < len(EXPECTED[rank])) or _absent(step):
            continue
        scale, derived, step_field = SCALE_OF_RANK[rank], _step_of_coefficient(rank, coefficient), _field(row, "step")
        yield Hit(step_field, {"step": step, "rank": rank, "group": scale.group, "count": len(scale.coefficients),
                               **_where(row)}, None if derived is None else Fix(step_field, derived))


@rule("DUNG-LUONG-002", Criterion.DUNG, Severity.ERROR,
      reads=["rank_code", "salary_step", "salary_coefficient", "salary-history.rank_code",
             "salary-history.salary_step", "salary-history.coefficient"],
      vi="Hệ số lương {value} ({where_vi}) không đúng với bậc {step} của ngạch {rank}: theo thang lương phải là "
         "{expected}.",
      en="Salary coefficient {value} ({where_en}) does not match step {step} of rank {rank}: the scale says "
         "{expected}.")
def _coefficient(record: Record, _: Context) -> Iterator[Hit]:
    for rank, step, coefficient, row in _slots(record):
        number, scale = as_step(step), EXPECTED[rank]
        if number is None or not 0 < number < len(scale) or _absent(coefficient):
            continue
        expected, spelt = scale[number]
        if (coefficient.__class__ is str and coefficient in spelt) or as_decimal(coefficient) == expected:
            continue
        coefficient_field = _field(row, "coefficient")
        yield Hit(coefficient_field, {"value": coefficient, "step": number, "rank": rank, "expected": str(expected),
                                      **_where(row)}, Fix(coefficient_field, str(expected)))
