"""Ngạch (ranks) and their salary scales, NĐ 204/2004/NĐ-CP (DOMAIN §5). Kept as data: the list is
incomplete upstream ([NOT FOUND] an authoritative one), so entries are easy to add or correct."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from hoso_shared.codes.table import CodeEntry, CodeTable


@dataclass(frozen=True, slots=True)
class SalaryScale:
    group: str  # A3.1, A2.1, A1, A0, B, C1 …
    coefficients: tuple[Decimal, ...]
    step_months: int

    def coefficient(self, step: int) -> Decimal | None:
        return self.coefficients[step - 1] if 1 <= step <= len(self.coefficients) else None


def _arith(start: str, step: str, count: int) -> tuple[Decimal, ...]:
    return tuple(Decimal(start) + Decimal(step) * i for i in range(count))


def _listed(values: str) -> tuple[Decimal, ...]:
    return tuple(Decimal(v) for v in values.split())


SCALES: dict[str, SalaryScale] = {s.group: s for s in [
    SalaryScale("CG", _listed("8.80 9.40 10.00"), 60),
    SalaryScale("A3.1", _listed("6.20 6.56 6.92 7.28 7.64 8.00"), 36),
    SalaryScale("A3.2", _listed("5.75 6.11 6.47 6.83 7.19 7.55"), 36),
    SalaryScale("A2.1", _listed("4.40 4.74 5.08 5.42 5.76 6.10 6.44 6.78"), 36),
    SalaryScale("A2.2", _listed("4.00 4.34 4.68 5.02 5.36 5.70 6.04 6.38"), 36),
    SalaryScale("A1", _listed("2.34 2.67 3.00 3.33 3.66 3.99 4.32 4.65 4.98"), 36),
    SalaryScale("A0", _listed("2.10 2.41 2.72 3.03 3.34 3.65 3.96 4.27 4.58 4.89"), 36),
    SalaryScale("B", _arith("1.86", "0.20", 12), 24),
    SalaryScale("C1", _arith("1.65", "0.18", 12), 24),
    SalaryScale("C2", _arith("1.50", "0.18", 12), 24),
    SalaryScale("C3", _arith("1.35", "0.18", 12), 24),
]}

_RANKS = [
    ("01.001", "Chuyên viên cao cấp", "A3.1"), ("01.002", "Chuyên viên chính", "A2.1"),
    ("01.003", "Chuyên viên", "A1"), ("01.004", "Cán sự", "A0"), ("01.005", "Nhân viên", "B"),
    ("02.006", "Văn thư viên chính", "A2.1"), ("02.007", "Văn thư viên", "A1"),
    ("02.008", "Văn thư viên trung cấp", "B"),
    ("04.023", "Thanh tra viên cao cấp", "A3.1"), ("04.024", "Thanh tra viên chính", "A2.1"),
    ("04.025", "Thanh tra viên", "A1"),
    ("06.029", "Kế toán viên cao cấp", "A3.2"), ("06.030", "Kế toán viên chính", "A2.2"),
    ("06.031", "Kế toán viên", "A1"), ("06.032", "Kế toán viên trung cấp", "B"),
]

RANKS = CodeTable("rank", (CodeEntry(code, name, extra={"scale": group}) for code, name, group in _RANKS))


def scale_of(rank_code: str) -> SalaryScale | None:
    entry = RANKS.get(rank_code)
    return SCALES[entry.extra["scale"]] if entry else None
