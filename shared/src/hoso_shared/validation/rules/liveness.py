"""Sống: the record keeps up with reality, by the deadlines of the context's policy (DOMAIN
"decisions"; `hoso_shared.deadlines`), which counts working days in the context's calendar (the law's
holidays with DOHA's overrides). The rules ask the policy; they do no deadline arithmetic themselves.

- A change entered later than `change_deadline_working_days` after it occurred (5 under hanoi-2024,
  3 under nd27-2026). Rejected and withdrawn changes are not counted.
- A change still `submitted` (waiting for approval):
  - with an approval window (hanoi-2024: the last `approval_window_days` days of each month), once
    the month it was submitted in has ended: its window has passed without a decision. A change
    submitted inside the window counts the same way: the window is where it should have been decided.
  - with `agency_update_working_days` (nd27-2026: 3), once that many working days after entry passed.
  The change's `entered_on` is its submission date.
- For active records only (a departed person's record is archived, not kept live):
  - not reviewed for `review_months` (warning); never reviewed at all is advice (info);
  - the population-DB check older than `citizen_check_max_age_days` (warning); no check at all is
    advice (info): the check needs the C06 connection, which not every unit has yet, so its absence
    must not fail Sống, whereas a unit that had the check and let it age can act on it. A check's
    result (match or not) is a Đúng question, not judged here.
- The last approved version sent for sync and not acknowledged by the national side after
  ACK_WAIT_DAYS calendar days.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

from hoso_shared.validation.context import Context
from hoso_shared.validation.model import Criterion, Hit, Record, Severity
from hoso_shared.validation.registry import rule

# The national side's receipt is automatic and no SLA for it is published (DOMAIN §8 [NOT FOUND]);
# a week of calendar days covers a weekend, a long holiday bridge and a retry cycle of the gateway.
# Past that, someone should look at the sync.
ACK_WAIT_DAYS = 7
NOT_COUNTED = frozenset({"rejected", "withdrawn"})
LIVE_STATUSES = frozenset({"active", None})


def _live(record: Record) -> bool:
    status = record.get("status")
    return status.__class__ is str and status in LIVE_STATUSES


@rule("SONG-CHANGE-001", Criterion.SONG, Severity.WARNING, needs=["changes"], reads=["context.changes"],
      vi="Thay đổi ngày {occurred:%d/%m/%Y} được nhập ngày {entered:%d/%m/%Y}, trễ {late} ngày làm việc so với "
         "hạn {deadline:%d/%m/%Y} ({limit} ngày làm việc theo {policy}).",
      en="The change of {occurred:%Y-%m-%d} was entered on {entered:%Y-%m-%d}, {late} working day(s) after its "
         "deadline {deadline:%Y-%m-%d} ({limit} working days under {policy}).")
def _entered_late(_: Record, context: Context) -> Iterator[Hit]:
    policy, days = context.policy, context.calendar
    for change in context.changes:
        if change.state in NOT_COUNTED:
            continue
        late = policy.self_update_late_by(change.occurred_on, change.entered_on, days)
        if late is not None:
            yield Hit(None, {"occurred": change.occurred_on, "entered": change.entered_on,
                             "deadline": policy.self_update_due(change.occurred_on, days), "late": late,
                             "limit": policy.change_deadline_working_days, "policy": policy.name})


@rule("SONG-APPROVE-001", Criterion.SONG, Severity.WARNING, needs=["changes"], reads=["context.changes"],
      vi="Thay đổi gửi ngày {entered:%d/%m/%Y} vẫn chờ phê duyệt: kỳ phê duyệt cuối tháng "
         "({start:%d/%m}–{end:%d/%m/%Y}) đã qua {overdue} ngày.",
      en="The change submitted on {entered:%Y-%m-%d} still awaits approval: the month-end approval window "
         "({start:%Y-%m-%d} to {end:%Y-%m-%d}) ended {overdue} day(s) ago.")
def _window_passed(_: Record, context: Context) -> Iterator[Hit]:
    policy = context.policy
    if policy.approval_window_days is None:
        return
    for change in context.changes:
        window = policy.approval_window(change.entered_on)
        if change.state == "submitted" and window is not None and policy.window_passed(change.entered_on,
                                                                                       context.today):
            yield Hit(None, {"entered": change.entered_on, "start": window[0], "end": window[1],
                             "overdue": (context.today - window[1]).days})


@rule("SONG-APPROVE-002", Criterion.SONG, Severity.WARNING, needs=["changes"], reads=["context.changes"],
      vi="Thay đổi gửi ngày {entered:%d/%m/%Y} chưa được cơ quan cập nhật trong {limit} ngày làm việc "
         "(hạn {due:%d/%m/%Y}, đã trễ {late} ngày làm việc).",
      en="The change submitted on {entered:%Y-%m-%d} was not taken up by the agency within {limit} working days "
         "(due {due:%Y-%m-%d}, {late} working day(s) late).")
def _agency_late(_: Record, context: Context) -> Iterator[Hit]:
    policy, days = context.policy, context.calendar
    limit = policy.agency_update_working_days
    if limit is None:
        return
    for change in context.changes:
        # N working days span at least N calendar days: sooner than that, nothing is counted.
        if change.state != "submitted" or (context.today - change.entered_on).days <= limit:
            continue
        due = policy.agency_due(change.entered_on, days)
        if due is not None and policy.agency_late(change.entered_on, context.today, days):
            yield Hit(None, {"entered": change.entered_on, "due": due, "limit": limit,
                             "late": days.working_days_between(due, context.today)})


@rule("SONG-REVIEW-001", Criterion.SONG, Severity.WARNING, reads=["context.reviewed_at", "status"],
      vi="Hồ sơ chưa được rà soát từ ngày {reviewed:%d/%m/%Y}, quá {months} tháng.",
      en="The record has not been reviewed since {reviewed:%Y-%m-%d}, more than {months} months ago.")
def _review_stale(record: Record, context: Context) -> Iterator[Hit]:
    if context.reviewed_at is None or not _live(record):
        return
    reviewed = context.reviewed_at.date()
    if context.policy.record_review_stale(reviewed, context.today):
        yield Hit(None, {"reviewed": reviewed, "months": context.policy.review_months})


@rule("SONG-REVIEW-002", Criterion.SONG, Severity.INFO, reads=["context.reviewed_at", "status"],
      vi="Chưa có lần rà soát hồ sơ nào được ghi nhận.",
      en="No review of this record has been recorded.")
def _never_reviewed(record: Record, context: Context) -> Iterator[Hit]:
    if context.reviewed_at is None and _live(record):
        yield Hit(None)


@rule("SONG-CITIZEN-001", Criterion.SONG, Severity.WARNING, reads=["context.citizen_check", "status"],
      vi="Lần đối chiếu với CSDL quốc gia về dân cư gần nhất ({checked:%d/%m/%Y}) đã quá {max_days} ngày.",
      en="The last check against the national population database ({checked:%Y-%m-%d}) is more than "
         "{max_days} days old.")
def _check_stale(record: Record, context: Context) -> Iterator[Hit]:
    check = context.citizen_check
    if check is not None and _live(record) and context.policy.citizen_check_stale(check.checked_on, context.today):
        yield Hit("citizen_id", {"checked": check.checked_on, "max_days": context.policy.citizen_check_max_age_days})


@rule("SONG-CITIZEN-002", Criterion.SONG, Severity.INFO, reads=["context.citizen_check", "status"],
      vi="Hồ sơ chưa được đối chiếu với CSDL quốc gia về dân cư.",
      en="The record has not been checked against the national population database.")
def _never_checked(record: Record, context: Context) -> Iterator[Hit]:
    if context.citizen_check is None and _live(record):
        yield Hit("citizen_id")


def _utc(moment: datetime) -> datetime:
    """Comparable instants: a naive timestamp is taken as UTC."""
    return moment.astimezone(UTC) if moment.tzinfo else moment.replace(tzinfo=UTC)


@rule("SONG-SYNC-001", Criterion.SONG, Severity.WARNING, needs=["approved_at"],
      reads=["context.approved_at", "context.acknowledged_at"],
      vi="Phiên bản duyệt ngày {approved:%d/%m/%Y} đã gửi đồng bộ nhưng sau {days} ngày CSDL quốc gia "
         "vẫn chưa xác nhận đã nhận.",
      en="The version approved on {approved:%Y-%m-%d} was sent for sync, but the national database has not "
         "acknowledged it after {days} days.")
def _not_acknowledged(_: Record, context: Context) -> Iterator[Hit]:
    approved, acknowledged = context.approved_at, context.acknowledged_at
    if approved is None or (acknowledged is not None and _utc(acknowledged) >= _utc(approved)):
        return
    days = (context.today - approved.date()).days
    if days > ACK_WAIT_DAYS:
        yield Hit(None, {"approved": approved.date(), "days": days})
