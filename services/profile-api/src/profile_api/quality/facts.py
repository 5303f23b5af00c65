"""What the rule engine may know beyond the record, made from the rows `queries` loads: the change
history as ChangeFacts, possible duplicates, review and release dates. Pure: no I/O.

Which changes need evidence is data in one place, the rule's own table
(`hoso_shared.validation.rules.evidence.EVIDENCE`), so the rule and the facts it judges agree."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any, NamedTuple, Protocol

from hoso_shared.deadlines import DeadlinePolicy
from hoso_shared.time import STATUTORY, Calendar, local_day
from hoso_shared.validation import ChangeFact, CitizenCheck, Context, DuplicateCandidate
from hoso_shared.validation.normalise import place_text
from hoso_shared.validation.rules.evidence import needs_evidence


class ChangeRow(NamedTuple):
    """One change request, as much of it as the rules need (never its values)."""

    profile_id: uuid.UUID
    state: str
    created_at: datetime
    decided_at: datetime | None
    occurred_on: str | None  # payload["occurred_on"], when the proposer gave it
    touched: list[str]  # the item keys and table names it changes, and its other top-level keys (status …)
    has_attachments: bool


class CandidateRow(NamedTuple):
    """A profile that may be the same person as one being judged (born the same day, or the same ID)."""

    profile_id: uuid.UUID
    full_name: str
    birth_date: date
    birth_place: dict[str, Any] | None
    citizen_id_hmac: bytes


def _day(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def change_fact(row: ChangeRow) -> ChangeFact:
    entered = local_day(row.created_at)
    return ChangeFact(occurred_on=_day(row.occurred_on) or entered, entered_on=entered, state=row.state,
                      decided_on=local_day(row.decided_at) if row.decided_at else None,
                      needs_evidence=needs_evidence(row.touched), has_evidence=row.has_attachments)


def candidates(own_id: uuid.UUID, own_hmac: bytes, rows: list[CandidateRow], limit: int) -> tuple[
        DuplicateCandidate, ...]:
    """The first `limit` of `rows` (most likely first) that are not the record itself."""
    found = [DuplicateCandidate(str(r.profile_id), r.full_name, r.birth_date, place_text(r.birth_place),
                                same_citizen_id=r.citizen_id_hmac == own_hmac)
             for r in rows if r.profile_id != own_id]
    return tuple(found[:limit])


def context(*, today: date, policy: DeadlinePolicy, reviewed_at: datetime | None, approved_at: datetime | None,
            changes: list[ChangeRow], found: tuple[DuplicateCandidate, ...],
            acknowledged_at: datetime | None = None, check: CheckRow | None = None,
            calendar: Calendar = STATUTORY) -> Context:
    """The latest population-DB check and national acknowledgement come from sync-gateway's tables; a
    record never checked (or never acknowledged) has None there, which the Sống rules report as such."""
    citizen = None if check is None else CitizenCheck(local_day(check.checked_at), check.result,  # type: ignore[arg-type]
                                                      tuple(check.mismatched))
    return Context(today=today, policy=policy, changes=tuple(change_fact(c) for c in changes),
                   calendar=calendar, citizen_check=citizen,
                   reviewed_at=reviewed_at, approved_at=approved_at, acknowledged_at=acknowledged_at,
                   candidates=found)


class CheckRow(Protocol):
    """A stored population-DB check (sync-gateway's `citizen_checks` row)."""

    checked_at: datetime
    result: str
    mismatched: list[Any]
