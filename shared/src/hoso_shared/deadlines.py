"""Every legal deadline the project knows, answered by one `DeadlinePolicy` over the working-day
`Calendar` (DOMAIN "decisions"). A preset is chosen by setting and resolved once (`resolve_policy`); no
other module does date arithmetic on a deadline. Adding a decree is one new preset and its tests.

- `hanoi-2024` is QĐ 6187/QĐ-UBND (29/11/2024): a change is entered within 5 working days of happening
  (Điều 6), approved in the last 5 days of each month (Điều 7), and reviewed each quarter by the 25th of
  its last month (the year's last one before 31 December).
- `nd27-2026` is Nghị định 27/2026/NĐ-CP: 3 working days to enter a change, no monthly window, the agency
  updates within 3 working days. It says nothing of a quarterly review, so the provincial one stays.

Besides deadlines a preset says which changes need their evidence (`evidence_for_every_change`): under
`hanoi-2024` every change of the record (Điều 6 khoản 3).

All dates are Vietnamese calendar dates (`hoso_shared.time.local_day`); a thing done on its due day is on
time."""

from __future__ import annotations

import calendar as months
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from hoso_shared.time.calendar import STATUTORY, Calendar
from hoso_shared.time.clock import ZONE


@dataclass(frozen=True)
class DeadlinePolicy:
    name: str
    change_deadline_working_days: int  # a change is entered within this many working days of happening
    approval_window_days: int | None  # approvals happen in the last N days of each month (None: any time)
    agency_update_working_days: int | None  # the agency takes up a submitted change within N working days
    incoming_account_working_days: int  # an incoming person gets an account within N working days
    # The receiving agency accepts or refuses a proposed transfer within N working days (Điều 12 khoản 1 điểm a
    # says "đồng thời", at the same time as the file is handed over, and names no number: 5 is our choice, the
    # same as an officer's own update, after which the person re-checks their record).
    transfer_acceptance_working_days: int = 5
    review_months: int = 12  # a record not reviewed for this long is stale
    citizen_check_max_age_days: int = 365  # a population-DB check older than this is stale
    quarterly_review_day: int = 25  # the quarterly review is due on this day of the quarter's last month
    year_end_review_before: int = 31  # … and the fourth quarter's strictly before this December day
    # Which changes must carry their evidence (a digitised document certified by the competent body) to be
    # submitted: True asks it of every change of the record; False only of the changes DOMAIN lists
    # (`hoso_shared.validation.rules.evidence.EVIDENCE`, and lifecycle events' decisions), which every
    # policy asks. A preset that exempts some change (an obvious typo …) must say so here, with its reason.
    evidence_for_every_change: bool = False
    # The public progress page is published as editions, each kept: MOHA's directive (Công văn 1632/BNV-VP, 2023)
    # publishes progress at 12:00 every Monday, Wednesday and Friday, and the province follows it. An edition
    # published more than `grace` after its slot is marked late; a slot passed more than `catch_up` ago is no
    # longer published (the first run after a deploy or a long outage would otherwise date today's figures back).
    progress_edition_weekdays: tuple[int, ...] = (0, 2, 4)  # date.weekday(): Monday is 0
    progress_edition_time: time = time(12, 0)  # Vietnamese time
    progress_edition_grace: timedelta = timedelta(minutes=30)
    progress_edition_catch_up: timedelta = timedelta(days=1)

    # The approval and sync window (Điều 7)

    def approval_window(self, day: date) -> tuple[date, date] | None:
        """The window in `day`'s month (first and last day, inclusive), or None when the policy has none."""
        if self.approval_window_days is None:
            return None
        end = month_end(day)
        return end - timedelta(days=self.approval_window_days - 1), end

    def in_approval_window(self, day: date) -> bool:
        window = self.approval_window(day)
        return window is None or window[0] <= day <= window[1]

    # A submitted change request awaiting its agency

    def request_overdue(self, submitted: date, today: date, days: Calendar = STATUTORY) -> bool:
        """Has a request submitted on `submitted`, still undecided on `today`, missed a deadline: its
        month's window, or the agency's working days?"""
        return self.window_passed(submitted, today) or self.agency_late(submitted, today, days)

    def window_passed(self, submitted: date, today: date) -> bool:
        """The window of the month a request was submitted in has closed: it should have been decided there."""
        window = self.approval_window(submitted)
        return window is not None and today > window[1]

    def agency_due(self, submitted: date, days: Calendar = STATUTORY) -> date | None:
        """The last working day the agency has to take up a request (None: no such limit)."""
        if self.agency_update_working_days is None:
            return None
        return days.add_working_days(submitted, self.agency_update_working_days)

    def agency_late(self, submitted: date, today: date, days: Calendar = STATUTORY) -> bool:
        """The request has waited more than the agency's working days (a weekend after the due day is not
        yet late: it has not waited another working day)."""
        limit = self.agency_update_working_days
        return limit is not None and days.working_days_between(submitted, today) > limit

    def request_due(self, submitted: date, days: Calendar = STATUTORY) -> date | None:
        """The last day to decide a request submitted on `submitted`: its month's window's last day, or the
        agency's last working day (the earlier, were a policy to have both); None when neither binds."""
        window = self.approval_window(submitted)
        dues = [d for d in (window[1] if window else None, self.agency_due(submitted, days)) if d is not None]
        return min(dues, default=None)

    def overdue_submitted_before(self, today: date, days: Calendar = STATUTORY) -> date | None:
        """The first submission day not yet overdue on `today`: an undecided request submitted before it is
        overdue, one submitted on or after it is not (`request_overdue` only turns false as the submission
        day moves forward, so one cut-off splits them; counted in SQL). None: nothing is ever overdue."""
        if self.approval_window_days is None and self.agency_update_working_days is None:
            return None
        first = today  # a request submitted today is never overdue today
        while not self.request_overdue(first - timedelta(days=1), today, days):
            first -= timedelta(days=1)
        return first

    # The monthly sync (Điều 14): what was approved in a month goes out in that month's window

    def sync_due(self, appended: date, days: Calendar = STATUTORY) -> date | None:
        """The last day to send, in a sync batch, a change approved (its outbox row appended) on `appended`:
        the same window as approvals (Điều 14 khoản 1 and Điều 7 both say the last 5 days of each month),
        or, without one, the agency's working days (NĐ 27/2026: updated and synced within 3)."""
        return self.request_due(appended, days)

    def sync_overdue(self, appended: date, today: date, days: Calendar = STATUTORY) -> bool:
        """A change approved on `appended`, still in no batch on `today`, has missed its sync deadline."""
        return self.request_overdue(appended, today, days)

    # An officer's own update (Điều 6): from the day the information changed

    def self_update_due(self, occurred: date, days: Calendar = STATUTORY) -> date:
        return days.add_working_days(occurred, self.change_deadline_working_days)

    def self_update_late_by(self, occurred: date, entered: date, days: Calendar = STATUTORY) -> int | None:
        """Working days by which a change entered on `entered` missed its deadline; None when on time."""
        # N working days span at least N calendar days: a change entered sooner is on time, uncounted.
        if (entered - occurred).days <= self.change_deadline_working_days:
            return None
        due = self.self_update_due(occurred, days)
        return days.working_days_between(due, entered) if entered > due else None

    # Moves (Điều 12): an incoming person's account, a transfer's acceptance, the re-check after a move

    def account_due(self, arrived: date, days: Calendar = STATUTORY) -> date:
        return days.add_working_days(arrived, self.incoming_account_working_days)

    def latest_overdue_arrival(self, today: date, days: Calendar = STATUTORY) -> date:
        """The last arrival day whose account deadline is before `today` (counted in SQL)."""
        return _latest_overdue_start(today, self.incoming_account_working_days, days)

    def transfer_accept_due(self, proposed: date, days: Calendar = STATUTORY) -> date:
        """The last day the receiving agency has to accept or refuse a transfer proposed on `proposed`."""
        return days.add_working_days(proposed, self.transfer_acceptance_working_days)

    def latest_overdue_transfer(self, today: date, days: Calendar = STATUTORY) -> date:
        """The last proposal day whose acceptance deadline is before `today` (counted in SQL)."""
        return _latest_overdue_start(today, self.transfer_acceptance_working_days, days)

    def recheck_due(self, moved: date, days: Calendar = STATUTORY) -> date:
        """The person checks and updates their record after a move as Điều 6 asks of any change (Điều 12 khoản 1
        điểm b, khoản 2.2 điểm c): within the self-update deadline of the day they moved."""
        return self.self_update_due(moved, days)

    # The quarterly review of a unit's records

    def review_due(self, year: int, quarter: int) -> date:
        """The last day a review of quarter `quarter` (1–4) of `year` is on time."""
        due = date(year, 3 * quarter, self.quarterly_review_day)
        if quarter == 4:
            due = min(due, date(year, 12, self.year_end_review_before) - timedelta(days=1))
        return due

    def review_late(self, year: int, quarter: int, submitted: date) -> bool:
        return submitted > self.review_due(year, quarter)

    # How long a record's facts stay live

    def record_review_stale(self, reviewed: date, today: date) -> bool:
        # A month has at least 28 days: sooner than that, the review cannot be stale yet.
        return (today - reviewed).days > 28 * self.review_months and today > add_months(reviewed, self.review_months)

    def citizen_check_stale(self, checked: date, today: date) -> bool:
        return (today - checked).days > self.citizen_check_max_age_days

    # Editions of the public progress page (MOHA 1632)

    def progress_edition_slot(self, now: datetime) -> datetime:
        """The latest scheduled publication time (UTC) at or before `now`."""
        local = now.astimezone(ZONE)
        for back in range(8):  # today's slot may still be ahead: then the same weekday a week ago
            day = local.date() - timedelta(days=back)
            slot = datetime.combine(day, self.progress_edition_time, tzinfo=ZONE)
            if day.weekday() in self.progress_edition_weekdays and slot <= local:
                return slot.astimezone(UTC)
        raise ValueError(f"policy {self.name} publishes no progress editions")

    def progress_edition_due(self, now: datetime) -> datetime | None:
        """The slot whose edition is due at `now` (the latest passed one, unless it passed over `catch_up` ago)."""
        slot = self.progress_edition_slot(now)
        return slot if now - slot <= self.progress_edition_catch_up else None

    def progress_edition_late(self, slot: datetime, published: datetime) -> bool:
        return published - slot > self.progress_edition_grace


def _latest_overdue_start(today: date, working_days: int, days: Calendar) -> date:
    """The last start day whose deadline (`working_days` after it) is before `today`. The deadline only moves
    forward with the start day, so this one cut-off splits late from on time."""
    start = today - timedelta(days=working_days + 1)  # n working days take at least n calendar days
    while days.add_working_days(start, working_days) >= today:
        start -= timedelta(days=1)
    return start


def month_end(day: date) -> date:
    return day.replace(day=months.monthrange(day.year, day.month)[1])


def add_months(day: date, months_: int) -> date:
    """The same day `months_` later, clamped to the month's end (31/1 + 1 → 28/2 or 29/2)."""
    index = day.year * 12 + day.month - 1 + months_
    year, month = divmod(index, 12)
    return date(year, month + 1, min(day.day, months.monthrange(year, month + 1)[1]))


# Điều 6 khoản 3: every update "do có thay đổi, hiệu chỉnh" (a change or a correction) is entered "kèm theo bản
# số hóa của tài liệu đã được cấp có thẩm quyền xác nhận": every change carries its document. Corrections are
# named alongside changes, so not even an obvious typo is exempt.
HANOI_2024 = DeadlinePolicy("hanoi-2024", change_deadline_working_days=5, approval_window_days=5,
                            agency_update_working_days=None, incoming_account_working_days=10,
                            evidence_for_every_change=True)
# What is reported of Nghị định 27/2026 ([R] in DOMAIN) says nothing of evidence for each update: the
# changes DOMAIN lists need theirs, as under every policy.
ND27_2026 = DeadlinePolicy("nd27-2026", change_deadline_working_days=3, approval_window_days=None,
                           agency_update_working_days=3, incoming_account_working_days=10)
PRESETS: dict[str, DeadlinePolicy] = {p.name: p for p in (HANOI_2024, ND27_2026)}
DEFAULT_POLICY = HANOI_2024.name


def resolve_policy(name: str) -> DeadlinePolicy:
    """The preset a setting names (settings validate the name, so this fails only on a programming error)."""
    try:
        return PRESETS[name]
    except KeyError:
        raise ValueError(f"unknown deadline policy {name!r}; known: {', '.join(sorted(PRESETS))}") from None
