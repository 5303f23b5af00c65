"""Output shapes of the quality reports (no defaults: every field is always present)."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any, Literal

from pydantic import BaseModel, Field

ReportFormat = Literal["json", "csv"]


class FixRead(BaseModel):
    field: str
    value: Any = Field(description='The suggested value; "[sensitive]" when the caller may not see that item')


class FindingRead(BaseModel):
    code: str = Field(description="The rule's stable code, e.g. DUNG-CCCD-003 (see docs/rules.md)")
    criterion: str = Field(description="Đúng, Đủ, Sạch or Sống")
    severity: str = Field(description="error (keeps the record out of the sync), warning or info")
    field: str | None
    message_vi: str
    message_en: str
    fix: FixRead | None


class CriterionResult(BaseModel):
    criterion: str
    passed: bool = Field(description="No error or warning of this criterion")


class ProfileQuality(BaseModel):
    profile_id: uuid.UUID
    as_of: date = Field(description="The day the record was judged as of (Asia/Ho_Chi_Minh)")
    policy: str = Field(description="The deadline policy it was judged under")
    blocking: bool = Field(description="An error keeps the record out of the national sync")
    errors: int
    warnings: int
    criteria: list[CriterionResult]
    findings: list[FindingRead]


class CriterionShare(BaseModel):
    criterion: str
    passing: int = Field(description="Records with no error or warning of this criterion")
    share: float | None = Field(description="passing / records; null when there are no records")


class RuleCount(BaseModel):
    code: str
    criterion: str
    severity: str
    records: int = Field(description="Records with at least one finding of this rule")
    findings: int
    persons_to_fix: bool = Field(True, description=(
        "Whether the person whose record it is can fix it (HR may ask them to: POST /api/v1/quality/fix-requests); "
        "false for another party's duty (an approval overdue, a sync pending, the register check due)"))


class WorstRecord(BaseModel):
    profile_id: uuid.UUID
    full_name: str
    org_unit_code: str
    errors: int
    warnings: int
    codes: list[str]


class Scorecard(BaseModel):
    org_unit_id: uuid.UUID
    org_unit_code: str
    org_unit_name: str
    as_of: date
    policy: str
    records: int = Field(description="Kept (not archived) records in the unit's subtree that have a verdict (all of "
                                     "them unless some were never judged yet: see `pending`)")
    blocking: int = Field(description="Records with at least one error")
    pending: int = Field(description=(
        "Records changed since they were last judged and not judged yet (after a large import, or in the first "
        "minutes of a day): counted with their previous verdict, or not at all if never judged. The background "
        "judge brings this to 0 within moments; 0 means every figure is as of `as_of`."))
    criteria: list[CriterionShare]
    rules: list[RuleCount] = Field(description="Every rule that found something, most records first")
    worst: list[WorstRecord] = Field(description="Most errors, then most warnings")


class RuleTally(BaseModel):
    records: int
    findings: int


class HistoryPoint(BaseModel):
    day: date
    policy: str
    records: int
    blocking: int
    criteria: list[CriterionShare]
    rule_counts: dict[str, RuleTally]


class ScorecardHistory(BaseModel):
    org_unit_id: uuid.UUID
    org_unit_code: str
    from_day: date
    to_day: date
    points: list[HistoryPoint] = Field(description="One per day a snapshot was taken, oldest first")
