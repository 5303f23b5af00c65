"""What a rule may know beyond the record: today, the deadline policy, the working-day calendar, and
facts the services gather (the population-DB check, the change history, sync acknowledgements,
possible duplicates). Pure data: the engine does no I/O."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Literal

from hoso_shared.deadlines import HANOI_2024, DeadlinePolicy, resolve_policy
from hoso_shared.time.calendar import STATUTORY, Calendar


@dataclass(frozen=True)
class CitizenCheck:
    checked_on: date
    result: Literal["match", "mismatch", "not_found"]
    mismatched: tuple[str, ...] = ()  # which of citizen_id, full_name, birth_date, sex disagreed


@dataclass(frozen=True)
class ChangeFact:
    """One reported change: when it happened (the decision's date), when it was entered (submitted), its
    state."""

    occurred_on: date
    entered_on: date
    state: str  # draft | submitted | approved | rejected | returned | applied | withdrawn
    decided_on: date | None = None
    needs_evidence: bool = False  # DOMAIN's list (or a lifecycle event) asks a document; the policy may ask more
    has_evidence: bool = True


@dataclass(frozen=True)
class DuplicateCandidate:
    profile_id: str
    full_name: str
    birth_date: date
    birth_place: str | None
    same_citizen_id: bool = False


@dataclass(frozen=True)
class Context:
    today: date
    policy: DeadlinePolicy = HANOI_2024
    calendar: Calendar = STATUTORY
    citizen_check: CitizenCheck | None = None
    changes: tuple[ChangeFact, ...] = ()
    reviewed_at: datetime | None = None
    approved_at: datetime | None = None  # last approved version sent for sync
    acknowledged_at: datetime | None = None  # the national side's receipt of it
    candidates: tuple[DuplicateCandidate, ...] = ()
    extra: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Context:
        """The JSON form used by the golden set and by callers over HTTP."""
        def day(value: str | None) -> date | None:
            return date.fromisoformat(value) if value else None

        def moment(value: str | None) -> datetime | None:
            return datetime.fromisoformat(value) if value else None

        check = data.get("citizen_check")
        return cls(
            today=date.fromisoformat(data["today"]), policy=resolve_policy(data.get("policy", HANOI_2024.name)),
            calendar=Calendar(frozenset(date.fromisoformat(d) for d in data.get("extra_holidays", [])),
                              frozenset(date.fromisoformat(d) for d in data.get("extra_working_days", []))),
            citizen_check=None if not check else CitizenCheck(
                date.fromisoformat(check["checked_on"]), check["result"], tuple(check.get("mismatched", []))),
            changes=tuple(ChangeFact(date.fromisoformat(c["occurred_on"]), date.fromisoformat(c["entered_on"]),
                                     c["state"], day(c.get("decided_on")), c.get("needs_evidence", False),
                                     c.get("has_evidence", True)) for c in data.get("changes", [])),
            reviewed_at=moment(data.get("reviewed_at")), approved_at=moment(data.get("approved_at")),
            acknowledged_at=moment(data.get("acknowledged_at")),
            candidates=tuple(DuplicateCandidate(c["profile_id"], c["full_name"], date.fromisoformat(c["birth_date"]),
                                                c.get("birth_place"), c.get("same_citizen_id", False))
                             for c in data.get("candidates", [])),
            extra=data.get("extra", {}),
        )
