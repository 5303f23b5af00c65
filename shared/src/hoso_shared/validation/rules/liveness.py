"""Sống: the record keeps up with reality, by the deadlines of the context's policy (DOMAIN
"decisions"; `hoso_shared.validation.policies`). Working days come from `hoso_shared.workdays` with the
context's overrides (extra days off, make-up Saturdays).

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

import calendar
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta

from hoso_shared.validation.context import Context
from hoso_shared.validation.model import Criterion, Hit, Record, Severity
from hoso_shared.validation.registry import rule
from hoso_shared.workdays import add_working_days, working_days_between

# The national side's receipt is automatic and no SLA for it is published (DOMAIN §8 [NOT FOUND]);
# a week of calendar days covers a weekend, a long holiday bridge and a retry cycle of the gateway.
# Past that, someone should look at the sync.
ACK_WAIT_DAYS = 7
NOT_COUNTED = frozenset({"rejected", "withdrawn"})
LIVE_STATUSES = frozenset({"active", None})


def _days_off(context: Context) -> dict[str, frozenset[date]]:
    return {"extra_holidays": context.extra_holidays, "extra_working_days": context.extra_working_days}


def month_end(day: date) -> date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def add_months(day: date, months: int) -> date:
    """The same day `months` later, clamped to the month's end (31/1 + 1 → 28/2 or 29/2)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    return date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def _live(record: Record) -> bool:
    status = record.get("status")
    return status.__class__ is str and status in LIVE_STATUSES


@rule("SONG-CHANGE-001", Criterion.SONG, Severity.WARNING, needs=["changes"], reads=["context.changes"],
      vi="Thay đổi ngày {occurred:%d/%m/%Y} được nhập ngày {entered:%d/%m/%Y}, trễ {late} ngày làm việc so với "
         "hạn {deadline:%d/%m/%Y} ({limit} ngày làm việc theo {policy}).",
      en="The change of {occurred:%Y-%m-%d} was entered on {entered:%Y-%m-%d}, {late} working day(s) after its "
         "deadline {deadline:%Y-%m-%d} ({limit} working days under {policy}).")
def _entered_late(_: Record, context: Context) -> Iterator[Hit]:
    limit = context.policy.change_deadline_working_days
    for change in context.changes:
        # N working days span at least N calendar days: a change entered sooner is on time.
        if change.state in NOT_COUNTED or (change.entered_on - change.occurred_on).days <= limit:
            continue
        deadline = add_working_days(change.occurred_on, limit, **_days_off(context))
        if change.entered_on > deadline:
            late = working_days_between(deadline, change.entered_on, **_days_off(context))
            yield Hit(None, {"occurred": change.occurred_on, "entered": change.entered_on, "deadline": deadline,
                             "late": late, "limit": limit, "policy": context.policy.name})


@rule("SONG-APPROVE-001", Criterion.SONG, Severity.WARNING, needs=["changes"], reads=["context.changes"],
      vi="Thay đổi gửi ngày {entered:%d/%m/%Y} vẫn chờ phê duyệt: kỳ phê duyệt cuối tháng "
         "({start:%d/%m}–{end:%d/%m/%Y}) đã qua {overdue} ngày.",
      en="The change submitted on {entered:%Y-%m-%d} still awaits approval: the month-end approval window "
         "({start:%Y-%m-%d} to {end:%Y-%m-%d}) ended {overdue} day(s) ago.")
def _window_passed(_: Record, context: Context) -> Iterator[Hit]:
    window = context.policy.approval_window_days
    if window is None:
        return
    for change in context.changes:
        if change.state != "submitted":
            continue
        end = month_end(change.entered_on)
        if context.today > end:
            yield Hit(None, {"entered": change.entered_on, "start": end - timedelta(days=window - 1), "end": end,
                             "overdue": (context.today - end).days})


@rule("SONG-APPROVE-002", Criterion.SONG, Severity.WARNING, needs=["changes"], reads=["context.changes"],
      vi="Thay đổi gửi ngày {entered:%d/%m/%Y} chưa được cơ quan cập nhật trong {limit} ngày làm việc "
         "(hạn {due:%d/%m/%Y}, đã trễ {late} ngày làm việc).",
      en="The change submitted on {entered:%Y-%m-%d} was not taken up by the agency within {limit} working days "
         "(due {due:%Y-%m-%d}, {late} working day(s) late).")
def _agency_late(_: Record, context: Context) -> Iterator[Hit]:
    limit = context.policy.agency_update_working_days
    if limit is None:
        return
    for change in context.changes:
        if change.state != "submitted" or (context.today - change.entered_on).days <= limit:
            continue
        due = add_working_days(change.entered_on, limit, **_days_off(context))
        if context.today > due:
            yield Hit(None, {"entered": change.entered_on, "due": due, "limit": limit,
                             "late": working_days_between(due, context.today, **_days_off(context))})


@rule("SONG-REVIEW-001", Criterion.SONG, Severity.WARNING, reads=["context.reviewed_at", "status"],
      vi="Hồ sơ chưa được rà soát từ ngày {reviewed:%d/%m/%Y}, quá {months} tháng.",
      en="The record has not been reviewed since {reviewed:%Y-%m-%d}, more than {months} months ago.")
def _review_stale(record: Record, context: Context) -> Iterator[Hit]:
    if context.reviewed_at is None or not _live(record):
        return
    reviewed, months = context.reviewed_at.date(), context.policy.review_months
    # A month has at least 28 days: sooner than that, the review cannot be stale yet.
    if (context.today - reviewed).days > 28 * months and context.today > add_months(reviewed, months):
        yield Hit(None, {"reviewed": reviewed, "months": months})


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
    check, max_days = context.citizen_check, context.policy.citizen_check_max_age_days
    if check is not None and _live(record) and (context.today - check.checked_on).days > max_days:
        yield Hit("citizen_id", {"checked": check.checked_on, "max_days": max_days})


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
