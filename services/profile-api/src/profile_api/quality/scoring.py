"""Judging records in pages: load a page and what the rules may know about it in a few bounded
queries, then decrypt and judge off the event loop. Also the tallies a scorecard or a snapshot is
summed from, so both count the same way."""

from __future__ import annotations

import asyncio
import dataclasses
import heapq
import uuid
from collections import Counter
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from hoso_shared import records
from hoso_shared.auth import Principal
from hoso_shared.crypto import FieldCipher
from hoso_shared.db import facts
from hoso_shared.db.calendar import load_calendar
from hoso_shared.db.models import Profile
from hoso_shared.deadlines import DeadlinePolicy
from hoso_shared.records import SectionValues
from hoso_shared.time import STATUTORY, Calendar
from hoso_shared.validation import Criterion, Report, Severity, judge
from profile_api.quality import queries


@dataclass(frozen=True)
class Basis:
    """What every record of one run is judged against."""

    today: date
    policy: DeadlinePolicy
    cipher: FieldCipher
    calendar: Calendar = STATUTORY  # with DOHA's overrides once `with_calendar` read them


@dataclass(frozen=True)
class Judged:
    profile_id: uuid.UUID
    full_name: str
    org_unit_code: str
    unit_path: str
    report: Report


@dataclass(frozen=True)
class Loaded:
    """A page and everything the rules may know about it, read before judging."""

    rows: list[queries.ProfileRow]
    sections: dict[uuid.UUID, list[SectionValues]]
    facts: facts.Facts


def subject(profile: Profile) -> facts.Subject:
    return facts.Subject(profile.id, profile.full_name, profile.birth_date, profile.citizen_id_hmac)


async def load(session: AsyncSession, rows: list[queries.ProfileRow]) -> Loaded:
    profiles = [profile for profile, _, _ in rows]
    loaded = Loaded(rows, await queries.section_values(session, [p.id for p in profiles]),
                    await facts.load(session, [subject(p) for p in profiles]))
    queries.forget(session, profiles)
    return loaded


def judge_loaded(loaded: Loaded, basis: Basis) -> list[Judged]:
    """CPU only (decrypting, judging): run it off the event loop."""
    judged = []
    for profile, code, path in loaded.rows:
        items = records.read_items(profile, basis.cipher, sensitive=True)
        sections = records.read_section_values(loaded.sections.get(profile.id, []), basis.cipher, sensitive=True)
        context = loaded.facts.context(subject(profile), today=basis.today, policy=basis.policy,
                                       calendar=basis.calendar, reviewed_at=profile.reviewed_at)
        report = judge(records.snapshot(profile, items, sections), context)
        judged.append(Judged(profile.id, profile.full_name, code, path, report))
    return judged


async def with_calendar(session: AsyncSession, basis: Basis) -> Basis:
    return dataclasses.replace(basis, calendar=await load_calendar(session))


async def judge_rows(session: AsyncSession, rows: list[queries.ProfileRow], basis: Basis) -> list[Judged]:
    return await _judge_page(session, rows, await with_calendar(session, basis))


async def _judge_page(session: AsyncSession, rows: list[queries.ProfileRow], basis: Basis) -> list[Judged]:
    loaded = await load(session, rows)
    return await asyncio.to_thread(judge_loaded, loaded, basis)


async def judge_subtree(session: AsyncSession, basis: Basis, *, within: str,
                        principal: Principal | None = None) -> AsyncIterator[list[Judged]]:
    """Every kept record under `within`, a page at a time (the calendar read once for them all)."""
    basis = await with_calendar(session, basis)
    after = None
    while True:
        rows = await queries.profile_page(session, within=within, principal=principal, after=after)
        if not rows:
            return
        after = rows[-1][0].id
        yield await _judge_page(session, rows, basis)
        if len(rows) < queries.PAGE:
            return


@dataclass(frozen=True)
class Verdict:
    """One record's report, reduced to what the tallies sum."""

    blocking: bool
    passes: frozenset[Criterion]
    findings: Counter[str]
    errors: int
    warnings: int

    @classmethod
    def of(cls, report: Report) -> Verdict:
        severities = Counter(f.severity for f in report.findings)
        return cls(report.blocking, frozenset(c for c in Criterion if report.passes(c)),
                   Counter(f.code for f in report.findings), severities[Severity.ERROR], severities[Severity.WARNING])


@dataclass
class Tally:
    records: int = 0
    blocking: int = 0
    passing: Counter[Criterion] = field(default_factory=Counter)
    findings: Counter[str] = field(default_factory=Counter)  # per rule code
    affected: Counter[str] = field(default_factory=Counter)  # records with a finding, per rule code

    def add(self, verdict: Verdict) -> None:
        self.records += 1
        self.blocking += verdict.blocking
        self.passing.update(verdict.passes)
        self.findings.update(verdict.findings)
        self.affected.update(verdict.findings.keys())

    def rule_counts(self) -> dict[str, dict[str, int]]:
        return {code: {"records": self.affected[code], "findings": self.findings[code]}
                for code in sorted(self.findings)}


class Worst:
    """The N records with the most errors, then warnings (ties: lowest id first), among those with any."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._heap: list[tuple[int, int, str, Judged]] = []

    def offer(self, judged: Judged, verdict: Verdict) -> None:
        if self.size == 0 or verdict.errors + verdict.warnings == 0:
            return
        # A min-heap of the best kept so far: the largest id loses a tie, so it ranks as the "least bad".
        key = (verdict.errors, verdict.warnings, _inverted(judged.profile_id), judged)
        if len(self._heap) < self.size:
            heapq.heappush(self._heap, key)
        elif key[:3] > self._heap[0][:3]:
            heapq.heapreplace(self._heap, key)

    def ranked(self) -> list[Judged]:
        return [entry[3] for entry in sorted(self._heap, key=lambda e: e[:3], reverse=True)]


def _inverted(profile_id: uuid.UUID) -> str:
    return (uuid.UUID(int=(1 << 128) - 1 - profile_id.int)).hex
