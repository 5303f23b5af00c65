"""What a rule is and what it finds. Rules are data: a stable code, a criterion, a severity, a message
in Vietnamese and English, and the fields they read; `docs/rules.md` is generated from them."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from dataclasses import field as _field
from enum import StrEnum
from typing import Any


class Criterion(StrEnum):
    DUNG = "Đúng"  # correct
    DU = "Đủ"  # complete
    SACH = "Sạch"  # clean
    SONG = "Sống"  # live


class Severity(StrEnum):
    ERROR = "error"  # keeps the record out of the sync
    WARNING = "warning"  # travels with the record
    INFO = "info"


@dataclass(frozen=True, slots=True)
class Fix:
    """A suggested correction: set `field` to `value` (a normalised form, a derived value)."""

    field: str
    value: Any


@dataclass(frozen=True, slots=True)
class Hit:
    """What a rule's check yields for each problem it sees; the engine turns it into a Finding."""

    field: str | None = None
    params: dict[str, Any] = _field(default_factory=dict)  # fills the rule's message templates
    fix: Fix | None = None


@dataclass(frozen=True, slots=True)
class Finding:
    code: str
    criterion: Criterion
    severity: Severity
    field: str | None
    message_vi: str
    message_en: str
    fix: Fix | None = None

    def as_dict(self) -> dict[str, Any]:
        return {"code": self.code, "criterion": self.criterion.value, "severity": self.severity.value,
                "field": self.field, "message_vi": self.message_vi, "message_en": self.message_en,
                "fix": None if self.fix is None else {"field": self.fix.field, "value": self.fix.value}}


Record = dict[str, Any]  # the snapshot shape of hoso_shared.records: items, sections, category, status, …


class RecordView(dict[str, Any]):
    """The record as `judge` hands it to the rules: the same dict, plus a memo where rules that read
    the same derived data (every free-text value, say) compute it once per record, not once per rule."""

    memo: dict[str, Any]

    def __init__(self, record: Record) -> None:
        super().__init__(record)
        self.memo = {}


def memoised(record: Record, key: str, compute: Callable[[Record], Any]) -> Any:
    """`compute(record)`, once per judged record (plain dicts, outside `judge`, just compute)."""
    memo = getattr(record, "memo", None)
    if memo is None:
        return compute(record)
    if key not in memo:
        memo[key] = compute(record)
    return memo[key]


@dataclass(frozen=True)
class Rule:
    code: str  # e.g. DUNG-CCCD-003: criterion, subject, number — never reused
    criterion: Criterion
    severity: Severity
    message_vi: str  # str.format templates over Hit.params
    message_en: str
    reads: tuple[str, ...]
    check: Callable[[Record, Any], Iterable[Hit]]  # (record, Context) -> hits
    # Context facts without which the rule has nothing to say (empty or None): the engine skips it then.
    needs: tuple[str, ...] = ()

    def finding(self, hit: Hit) -> Finding:
        return Finding(self.code, self.criterion, self.severity, hit.field,
                       self.message_vi.format(**hit.params), self.message_en.format(**hit.params), hit.fix)
