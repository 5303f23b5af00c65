"""What the rule engine may know beyond the record, read from the database once per page of records:
the change history (with its evidence), possible duplicates anywhere in the province, release and
acknowledgement dates, the latest population-DB check, the last review. Every service that judges a
record builds its `Context` here (profile-api's quality reports and proposals, sync-gateway's packet
builder), so a record is judged with the same facts wherever a decision is made.

A page costs a fixed number of bounded queries whatever its size: the latest CHANGES_PER_RECORD change
requests of each record, at most CANDIDATES_PER_BIRTH_DATE records per birth date, one row per record
for the rest. Nothing here reads a personal value beyond what the duplicate rules compare (names, birth
dates, birth places, the citizen ID's keyed hash); change requests are read for the keys they touch,
never their values.

Which changes need evidence is data in one place, the rule's own table
(`hoso_shared.validation.rules.evidence.EVIDENCE`), so the rule and the facts it judges agree."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Any, NamedTuple, Protocol

from sqlalchemy import Date, LargeBinary, Text, Uuid, any_, bindparam, func, or_, select
from sqlalchemy.dialects.postgresql import ARRAY, distinct_on
from sqlalchemy.ext.asyncio import AsyncSession

from hoso_shared.db.models import ChangeRequest, CitizenCheck, OutboxRow, PacketRecord, Profile
from hoso_shared.deadlines import DeadlinePolicy
from hoso_shared.time import STATUTORY, Calendar, local_day
from hoso_shared.validation import ChangeFact, Context, DuplicateCandidate
from hoso_shared.validation import CitizenCheck as CheckFact
from hoso_shared.validation.normalise import place_text
from hoso_shared.validation.rules.evidence import needs_evidence

CHANGES_PER_RECORD = 50  # the latest change requests a record is judged with
CANDIDATES_PER_RECORD = 100  # possible duplicates passed to the rules per record
CANDIDATES_PER_BIRTH_DATE = 100  # records born the same day read per page and birth date
# What a population-DB check compares: a check older than a change to one of these compared other values.
IDENTITY = frozenset({"citizen_id", "full_name", "birth_date", "sex"})


class ChangeRow(NamedTuple):
    """One change request, as much of it as the rules need (never its values)."""

    profile_id: uuid.UUID
    state: str
    created_at: datetime
    decided_at: datetime | None
    # The day the information changed: the request's `occurred_on` column (an ISO string is read too, from a
    # proposal's JSON); None only on requests older than the field, which count as occurring when entered.
    occurred_on: date | str | None
    touched: list[str]  # the item keys and table names it changes, and its other top-level keys (status …)
    has_attachments: bool
    submitted_at: datetime | None = None  # its latest submission (None: a draft, or not stored yet)


class CandidateRow(NamedTuple):
    """A profile that may be the same person as one being judged (born the same day, or the same ID)."""

    profile_id: uuid.UUID
    full_name: str
    birth_date: date
    birth_place: dict[str, Any] | None
    citizen_id_hmac: bytes


class Subject(NamedTuple):
    """The record being judged, as the duplicate search sees it: its own values (a proposal's or a
    version's, which may differ from the profile row's)."""

    profile_id: uuid.UUID
    full_name: str
    birth_date: date
    citizen_id_hmac: bytes


class CheckRow(Protocol):
    """A stored population-DB check (sync-gateway's `citizen_checks` row)."""

    checked_at: datetime
    result: str
    mismatched: list[Any]


def _any(column: Any, values: Collection[Any], type_: Any) -> Any:
    """`column = ANY($1)`: one array parameter for a page, where `in_` binds (and SQLAlchemy renders) one per value."""
    return column == any_(bindparam(None, list(values), type_=ARRAY(type_)))


def _day(value: date | str | None) -> date | None:
    if value is None or isinstance(value, date):
        return value
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def change_fact(row: ChangeRow) -> ChangeFact:
    """Entered the day it was (last) submitted, as approval-api measured its lateness then (SONG-CHANGE-001
    counts the same days); a draft the day it was made."""
    entered = local_day(row.submitted_at or row.created_at)
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
            changes: Sequence[ChangeRow], found: tuple[DuplicateCandidate, ...],
            acknowledged_at: datetime | None = None, check: CheckRow | None = None,
            calendar: Calendar = STATUTORY) -> Context:
    """The latest population-DB check and national acknowledgement come from sync-gateway's tables; a
    record never checked (or never acknowledged) has None there, which the Sống rules report as such."""
    citizen = None if check is None else CheckFact(local_day(check.checked_at), check.result,  # type: ignore[arg-type]
                                                   tuple(check.mismatched))
    return Context(today=today, policy=policy, changes=tuple(change_fact(c) for c in changes),
                   calendar=calendar, citizen_check=citizen,
                   reviewed_at=reviewed_at, approved_at=approved_at, acknowledged_at=acknowledged_at,
                   candidates=found)


@dataclass(frozen=True)
class Facts:
    """Everything the rules may know about one page of records, read before judging (no I/O after)."""

    changes: dict[uuid.UUID, list[ChangeRow]]
    candidates: list[CandidateRow]
    released: dict[uuid.UUID, datetime]
    acknowledged: dict[uuid.UUID, datetime]
    checks: dict[uuid.UUID, CitizenCheck]
    reviewed: dict[uuid.UUID, datetime] = field(default_factory=dict)  # only when `load(reviews=True)`
    _by_hmac: dict[bytes, list[CandidateRow]] = field(default_factory=dict, init=False, repr=False)
    _by_name: dict[tuple[str, date], list[CandidateRow]] = field(default_factory=dict, init=False, repr=False)
    _by_day: dict[date, list[CandidateRow]] = field(default_factory=dict, init=False, repr=False)

    def __post_init__(self) -> None:
        by_hmac: dict[bytes, list[CandidateRow]] = defaultdict(list)
        by_name: dict[tuple[str, date], list[CandidateRow]] = defaultdict(list)
        by_day: dict[date, list[CandidateRow]] = defaultdict(list)
        for candidate in self.candidates:
            by_hmac[candidate.citizen_id_hmac].append(candidate)
            by_name[(candidate.full_name, candidate.birth_date)].append(candidate)
            by_day[candidate.birth_date].append(candidate)
        object.__setattr__(self, "_by_hmac", dict(by_hmac))
        object.__setattr__(self, "_by_name", dict(by_name))
        object.__setattr__(self, "_by_day", dict(by_day))

    def near(self, subject: Subject) -> tuple[DuplicateCandidate, ...]:
        """The likeliest duplicates first (same ID, same name), then the rest born that day; each once."""
        seen = {c.profile_id: c for c in [*self._by_hmac.get(subject.citizen_id_hmac, []),
                                          *self._by_name.get((subject.full_name, subject.birth_date), []),
                                          *self._by_day.get(subject.birth_date, [])]}
        return candidates(subject.profile_id, subject.citizen_id_hmac, list(seen.values()), CANDIDATES_PER_RECORD)

    def context(self, subject: Subject, *, today: date, policy: DeadlinePolicy, calendar: Calendar = STATUTORY,
                reviewed_at: datetime | None = None, extra_facts: Sequence[ChangeFact] = (),
                identity_changed_at: datetime | None = None) -> Context:
        """`subject`'s context. `reviewed_at` defaults to what `load(reviews=True)` read; `extra_facts`
        are changes not stored yet (a proposal judged before it is forwarded). A population-DB check
        taken before `identity_changed_at` (when the judged record's citizen ID, name, birth date or sex
        last changed) compared other values than the record's, so it is left out."""
        check = self.checks.get(subject.profile_id)
        if check is not None and identity_changed_at is not None and check.checked_at < identity_changed_at:
            check = None
        reviewed = reviewed_at if reviewed_at is not None else self.reviewed.get(subject.profile_id)
        built = context(today=today, policy=policy, calendar=calendar, reviewed_at=reviewed,
                        approved_at=self.released.get(subject.profile_id),
                        acknowledged_at=self.acknowledged.get(subject.profile_id), check=check,
                        changes=self.changes.get(subject.profile_id, []), found=self.near(subject))
        return replace(built, changes=(*built.changes, *extra_facts)) if extra_facts else built


async def load(session: AsyncSession, subjects: Sequence[Subject], *, reviews: bool = False) -> Facts:
    """The facts of a page of records: five bounded queries (six with `reviews`), whatever its size."""
    ids = list(dict.fromkeys(s.profile_id for s in subjects))
    return Facts(await change_rows(session, ids), await candidate_rows(session, subjects),
                 await releases(session, ids), await acknowledgements(session, ids),
                 await citizen_checks(session, ids), await last_reviews(session, ids) if reviews else {})


async def change_rows(session: AsyncSession, ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, list[ChangeRow]]:
    """The latest CHANGES_PER_RECORD change requests of each record: which keys they touch, never
    the values (a change may carry whole sensitive tables)."""
    if not ids:
        return {}
    cr = ChangeRequest
    ranked = (select(cr.profile_id, cr.state, cr.created_at, cr.decided_at, cr.occurred_on, cr.submitted_at,
                     cr.outline["keys"].label("top"), cr.outline["items"].label("items"),
                     cr.outline["sections"].label("sections"),
                     (func.jsonb_array_length(cr.attachment_ids) > 0).label("evidence"),
                     func.row_number().over(partition_by=cr.profile_id, order_by=cr.created_at.desc()).label("n"))
              .where(_any(cr.profile_id, ids, Uuid())).subquery())
    stmt = select(ranked).where(ranked.c.n <= CHANGES_PER_RECORD).order_by(ranked.c.profile_id, ranked.c.created_at)
    found: dict[uuid.UUID, list[ChangeRow]] = defaultdict(list)
    for row in await session.execute(stmt):
        touched = [k for k in row.top if k not in ("items", "sections")] + [*row.items, *row.sections]
        found[row.profile_id].append(ChangeRow(row.profile_id, row.state, row.created_at, row.decided_at,
                                               row.occurred_on, touched, bool(row.evidence), row.submitted_at))
    return found


async def candidate_rows(session: AsyncSession, subjects: Sequence[Subject]) -> list[CandidateRow]:
    """Kept records anywhere in the province that may be the same person as one of the page's: born
    the same day (the rules compare names loosely: word order, case, spacing), or with the same
    citizen ID (which the unique key makes impossible among stored records; a proposal or an older
    version may still carry another record's ID). At most CANDIDATES_PER_BIRTH_DATE per day, those
    bearing a page record's exact name first."""
    if not subjects:
        return []
    p = Profile
    namesake = _any(p.full_name, {s.full_name for s in subjects}, Text())
    ranked = (select(p.id, p.full_name, p.birth_date, p.data["birth_place"].label("birth_place"), p.citizen_id_hmac,
                     func.row_number().over(partition_by=p.birth_date, order_by=(namesake.desc(), p.id)).label("n"))
              .where(p.archived_at.is_(None), or_(_any(p.birth_date, {s.birth_date for s in subjects}, Date()),
                                                  _any(p.citizen_id_hmac, [s.citizen_id_hmac for s in subjects],
                                                       LargeBinary())))
              .subquery())
    stmt = select(ranked).where(ranked.c.n <= CANDIDATES_PER_BIRTH_DATE)
    return [CandidateRow(r.id, r.full_name, r.birth_date, r.birth_place, r.citizen_id_hmac)
            for r in await session.execute(stmt)]


async def releases(session: AsyncSession, ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, datetime]:
    """When each record's latest version was released for sync (its batch approved by DOHA)."""
    stmt = (select(OutboxRow.profile_id, func.max(OutboxRow.released_at))
            .where(_any(OutboxRow.profile_id, ids, Uuid()), OutboxRow.released_at.is_not(None))
            .group_by(OutboxRow.profile_id))
    return {profile_id: at for profile_id, at in await session.execute(stmt) if at is not None}


async def acknowledgements(session: AsyncSession, ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, datetime]:
    """When the national side last accepted each record (sync-gateway's receipts)."""
    stmt = (select(PacketRecord.profile_id, func.max(PacketRecord.decided_at))
            .where(_any(PacketRecord.profile_id, ids, Uuid()), PacketRecord.status == "accepted")
            .group_by(PacketRecord.profile_id))
    return {profile_id: at for profile_id, at in await session.execute(stmt) if at is not None}


async def citizen_checks(session: AsyncSession, ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, CitizenCheck]:
    """Each record's latest population-DB check (sync-gateway's)."""
    stmt = (select(CitizenCheck).where(_any(CitizenCheck.profile_id, ids, Uuid()))
            .order_by(CitizenCheck.profile_id, CitizenCheck.checked_at.desc())
            .ext(distinct_on(CitizenCheck.profile_id)))
    return {c.profile_id: c for c in (await session.scalars(stmt)).all()}


async def last_reviews(session: AsyncSession, ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, datetime]:
    """When each record was last reviewed (profile-api's quarterly review marks the profile)."""
    stmt = select(Profile.id, Profile.reviewed_at).where(_any(Profile.id, ids, Uuid()),
                                                         Profile.reviewed_at.is_not(None))
    return {profile_id: at for profile_id, at in await session.execute(stmt) if at is not None}
