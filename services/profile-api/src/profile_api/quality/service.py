"""One record's findings and a unit's scorecard, judged now; a unit's history, read from snapshots.

A record's report is visible to whoever may read the record (an officer: their own); a scorecard and
its history to `quality:read` holders whose subtree holds the unit. Suggested fixes of sensitive items
are shown only to callers cleared to those items' levels (hoso_shared.form.access), and such reads are audited like
the record's."""

from __future__ import annotations

import re
import uuid
from datetime import date, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from hoso_shared.auth import Principal
from hoso_shared.crypto import FieldCipher
from hoso_shared.db.models import OrgUnit, QualitySnapshot
from hoso_shared.deadlines import DeadlinePolicy
from hoso_shared.form import SENSITIVE_ITEMS, SENSITIVE_SECTIONS, access
from hoso_shared.problems import Forbidden
from hoso_shared.validation import RULES, Criterion, Finding, Severity, duties
from profile_api.access import reach
from profile_api.audit import service as audit
from profile_api.quality import aggregates, queries, scoring, stored
from profile_api.quality.auth import READ
from profile_api.quality.errors import InvalidPeriod, OrgUnitNotFound, ProfileNotFound
from profile_api.quality.schemas import (
    CriterionResult,
    CriterionShare,
    FindingRead,
    FixRead,
    HistoryPoint,
    ProfileQuality,
    RuleCount,
    RuleTally,
    Scorecard,
    ScorecardHistory,
    WorstRecord,
)
from profile_api.quality.scoring import Basis
from profile_api.quality.snapshots import PASSING_COLUMN

READ_ALL, READ_SELF = "profiles:read", "profiles:read:self"
MAX_HISTORY_DAYS = 731
# Records a scorecard request judges itself before summing (about a second's work); the background judge does
# the rest within seconds.
INLINE_JUDGED = 2000
DEFAULT_HISTORY_DAYS = 90
SENSITIVE_NAMES = SENSITIVE_ITEMS | SENSITIVE_SECTIONS


def basis(policy: DeadlinePolicy, cipher: FieldCipher, *, today: date) -> Basis:
    return Basis(today=today, policy=policy, cipher=cipher)


def _self_only(principal: Principal) -> bool:
    if principal.has_scopes(READ) or principal.has_scopes(READ_ALL):
        return False
    if principal.has_scopes(READ_SELF) and principal.profile_id is not None:
        return True
    raise Forbidden("The token lacks a scope to read this record's quality.", missing_scopes=[READ])


def is_sensitive(field: str | None) -> bool:
    """`citizen_id`, `discipline[0].form`, `sections.family.1`: any part naming a sensitive item or table."""
    return field is not None and any(part in SENSITIVE_NAMES for part in re.split(r"[.\[\]/]+", field))


def is_withheld(field: str | None, level: int) -> bool:
    """Any part of `field` naming an item or table above `level` (hoso_shared.form.access)."""
    return field is not None and any((found := access.level_of(part)) is not None and found > level
                                     for part in re.split(r"[.\[\]/]+", field))


def _finding(finding: Finding, level: int) -> FindingRead:
    fix = None
    if finding.fix is not None:
        hidden = is_withheld(finding.fix.field, level)
        fix = FixRead(field=finding.fix.field, value="[sensitive]" if hidden else finding.fix.value)
    return FindingRead(code=finding.code, criterion=finding.criterion.value, severity=finding.severity.value,
                       field=finding.field, message_vi=finding.message_vi, message_en=finding.message_en, fix=fix)


async def get_profile_quality(session: AsyncSession, principal: Principal, profile_id: uuid.UUID,
                              basis: Basis) -> ProfileQuality:
    row = await queries.visible_profile(session, principal, profile_id, self_only=_self_only(principal))
    if row is None:
        raise ProfileNotFound()  # not 403: do not confirm that someone else's record exists
    level = await reach.level_within_reach(session, principal, profile_id, basis.today)
    [judged] = await scoring.judge_rows(session, [row], basis)
    report = judged.report
    shown = sorted({f.fix.field for f in report.findings
                    if f.fix and is_sensitive(f.fix.field) and not is_withheld(f.fix.field, level)})
    if shown:
        await audit.record(session, principal, "read_sensitive", "profile", profile_id, fields=shown)
    verdict = scoring.Verdict.of(report)
    return ProfileQuality(
        profile_id=profile_id, as_of=basis.today, policy=basis.policy.name, blocking=report.blocking,
        errors=verdict.errors, warnings=verdict.warnings,
        criteria=[CriterionResult(criterion=c.value, passed=c in verdict.passes) for c in Criterion],
        findings=[_finding(f, level) for f in report.findings])


async def visible_unit(session: AsyncSession, principal: Principal, unit_id: uuid.UUID) -> OrgUnit:
    unit = await queries.unit(session, unit_id)
    if unit is None or not principal.covers(unit.path):
        raise OrgUnitNotFound()  # 404, never 403: no leak
    return unit


def _shares(records: int, passing: dict[Criterion, int]) -> list[CriterionShare]:
    return [CriterionShare(criterion=c.value, passing=passing.get(c, 0),
                           share=round(passing.get(c, 0) / records, 4) if records else None) for c in Criterion]


def _meta(code: str) -> tuple[str, str]:
    rule = RULES.get(code)
    return (rule.criterion.value, rule.severity.value) if rule else ("", "")


def _rules(sums: aggregates.Sums) -> list[RuleCount]:
    ranked = sorted(sums.findings, key=lambda code: (-sums.affected[code], code))
    return [RuleCount(code=code, criterion=_meta(code)[0], severity=_meta(code)[1], records=sums.affected[code],
                      findings=sums.findings[code], persons_to_fix=duties.persons_to_fix(code)) for code in ranked]


def _worst(record: aggregates.Worst) -> WorstRecord:
    return WorstRecord(profile_id=record.profile_id, full_name=record.full_name, org_unit_code=record.org_unit_code,
                       errors=record.errors, warnings=record.warnings,
                       codes=[c for c in record.codes if _meta(c)[1] != Severity.INFO.value])


async def get_scorecard(session: AsyncSession, principal: Principal, unit_id: uuid.UUID, basis: Basis, *,
                        worst: int) -> Scorecard:
    """Sums of the stored verdicts (`stored`, `aggregates`): the records touched since they were last judged are
    judged here first, up to INLINE_JUDGED; beyond that (a bulk import a moment ago, the first minute of a day)
    the rest keep their last verdict for now and are counted in `pending`."""
    unit = await visible_unit(session, principal, unit_id)
    settled = await stored.settle(session, basis, within=unit.path, limit=INLINE_JUDGED)
    sums = await aggregates.subtree(session, unit.path)
    return Scorecard(org_unit_id=unit.id, org_unit_code=unit.code, org_unit_name=unit.name, as_of=basis.today,
                     policy=basis.policy.name, records=sums.records, blocking=sums.blocking, pending=settled.pending,
                     criteria=_shares(sums.records, sums.passing), rules=_rules(sums),
                     worst=[_worst(w) for w in await aggregates.worst(session, unit.path, worst)])


def _point(snapshot: QualitySnapshot) -> HistoryPoint:
    passing = {c: int(getattr(snapshot, column)) for c, column in PASSING_COLUMN.items()}
    return HistoryPoint(day=snapshot.day, policy=snapshot.policy, records=snapshot.records,
                        blocking=snapshot.blocking, criteria=_shares(snapshot.records, passing),
                        rule_counts={code: RuleTally.model_validate(counts)
                                     for code, counts in snapshot.rule_counts.items()})


async def get_history(session: AsyncSession, principal: Principal, unit_id: uuid.UUID, *, start: date | None,
                      end: date | None, today: date) -> ScorecardHistory:
    end = end or today
    start = start or end - timedelta(days=DEFAULT_HISTORY_DAYS)
    if start > end or (end - start).days > MAX_HISTORY_DAYS:
        raise InvalidPeriod(f"`from` must not be after `to`, and the period at most {MAX_HISTORY_DAYS} days.")
    unit = await visible_unit(session, principal, unit_id)
    points = [_point(s) for s in await queries.history(session, unit.id, start, end)]
    return ScorecardHistory(org_unit_id=unit.id, org_unit_code=unit.code, from_day=start, to_day=end, points=points)
