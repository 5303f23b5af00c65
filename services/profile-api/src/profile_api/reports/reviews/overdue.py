"""What is overdue, per the deadline policy. Pure: no I/O.

The change-request rule is approval-api's (`approval_api.windows.policy.overdue`), copied rather than
imported, since services share no code: under `hanoi-2024` a request submitted in a month is overdue
once that month's approval window (its last days) has closed undecided; under `nd27-2026` once it has
waited more than the agency's working days. An incoming person gets an account within the policy's
working days of arriving (profile-api's `accounts.incoming`)."""

from __future__ import annotations

import calendar
from collections.abc import Set
from datetime import date, datetime, timedelta

from hoso_shared.validation import Policy
from hoso_shared.workdays import NO_DAYS, add_working_days, working_days_between
from profile_api.reports.reviews.quarters import local_day


def request_overdue(policy: Policy, submitted_at: datetime, now: datetime, *, holidays: Set[date] = NO_DAYS,
                    working: Set[date] = NO_DAYS) -> bool:
    submitted, today = local_day(submitted_at), local_day(now)
    if policy.approval_window_days is not None:
        window_end = submitted.replace(day=calendar.monthrange(submitted.year, submitted.month)[1])
        return today > window_end
    limit = policy.agency_update_working_days
    return limit is not None and working_days_between(
        submitted, today, extra_holidays=holidays, extra_working_days=working) > limit


def latest_overdue_arrival(today: date, within: int, *, holidays: Set[date] = NO_DAYS,
                           working: Set[date] = NO_DAYS) -> date:
    """The last arrival day whose account deadline (`within` working days later) is before `today`."""
    arrival = today - timedelta(days=within + 1)  # n working days take at least n calendar days
    while add_working_days(arrival, within, extra_holidays=holidays, extra_working_days=working) >= today:
        arrival -= timedelta(days=1)
    return arrival
