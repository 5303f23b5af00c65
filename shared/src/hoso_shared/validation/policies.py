"""Deadlines are policy, not constants (DOMAIN "decisions"): one object, named presets, chosen by
setting. `hanoi-2024` is QĐ 6187/QĐ-UBND (29/11/2024); `nd27-2026` is Nghị định 27/2026/NĐ-CP."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Policy:
    name: str
    change_deadline_working_days: int  # a change must be entered within this many working days
    approval_window_days: int | None  # approvals happen in the last N days of each month (None: any time)
    agency_update_working_days: int | None  # the agency updates/syncs business data within N working days
    incoming_account_working_days: int  # an incoming person gets an account within N working days
    review_months: int = 12  # a record not reviewed for this long is stale
    citizen_check_max_age_days: int = 365  # a population-DB check older than this is stale


POLICIES: dict[str, Policy] = {p.name: p for p in (
    Policy("hanoi-2024", change_deadline_working_days=5, approval_window_days=5, agency_update_working_days=None,
           incoming_account_working_days=10),
    Policy("nd27-2026", change_deadline_working_days=3, approval_window_days=None, agency_update_working_days=3,
           incoming_account_working_days=10),
)}
DEFAULT_POLICY = "hanoi-2024"
