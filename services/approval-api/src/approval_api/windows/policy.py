"""When approvals and sync submissions may happen, and when a request is overdue, per the deadline
policy (DOMAIN "decisions"). Dates are Vietnamese calendar dates (Asia/Ho_Chi_Minh); storage is UTC.

- `hanoi-2024`: the unit approves, and submits its sync batch, in the last 5 days of each month. A
  request submitted in a month is overdue once that month's window has closed without a decision.
- `nd27-2026`: no window; the agency updates within 3 working days, so a request is overdue when it
  has waited more than 3 working days."""

from __future__ import annotations

import calendar
from collections.abc import Set
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from hoso_shared.validation import Policy
from hoso_shared.workdays import NO_DAYS, working_days_between

LOCAL = ZoneInfo("Asia/Ho_Chi_Minh")


def local_day(moment: datetime) -> date:
    return moment.astimezone(LOCAL).date()


def monthly_window(policy: Policy, day: date) -> tuple[date, date] | None:
    """The policy's window in `day`'s month (first and last day, inclusive), or None when it has none."""
    days = policy.approval_window_days
    if days is None:
        return None
    end = day.replace(day=calendar.monthrange(day.year, day.month)[1])
    return end - timedelta(days=days - 1), end


def in_monthly_window(policy: Policy, moment: datetime) -> bool:
    day = local_day(moment)
    window = monthly_window(policy, day)
    return window is None or window[0] <= day <= window[1]


def overdue(policy: Policy, submitted_at: datetime, now: datetime, *, extra_holidays: Set[date] = NO_DAYS,
            extra_working_days: Set[date] = NO_DAYS) -> bool:
    """Has a request submitted at `submitted_at` and still undecided at `now` missed its deadline?"""
    submitted, today = local_day(submitted_at), local_day(now)
    window = monthly_window(policy, submitted)
    if window is not None:
        return today > window[1]
    limit = policy.agency_update_working_days
    return limit is not None and working_days_between(
        submitted, today, extra_holidays=extra_holidays, extra_working_days=extra_working_days) > limit
