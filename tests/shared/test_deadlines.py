"""Every legal deadline, asked of the one `DeadlinePolicy`, under each preset, on dates across Tết 2026,
Quốc khánh 2026 and a DOHA override. Hand-counted calendar (the `holidays` package; tests/shared/
test_calendar.py checks it):
- Tết 2026: Mon 16 – Fri 20 Feb off, so nothing is worked from Sat 14 to Sun 22 Feb.
- Quốc khánh 2026: Mon 31 Aug (swapped for Sat 22 Aug, which is worked), Tue 1 and Wed 2 Sep off.
- DOHA's overrides used here: Sat 14 Feb 2026 worked; Thu 3 Sep 2026 an extra day off."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from hoso_shared.deadlines import DEFAULT_POLICY, HANOI_2024, ND27_2026, PRESETS, DeadlinePolicy, resolve_policy
from hoso_shared.settings import CommonSettings
from hoso_shared.time import STATUTORY, Calendar
from hoso_shared.validation.rules.evidence import needs_evidence

MAKE_UP_SATURDAY = Calendar(extra_working_days=frozenset({date(2026, 2, 14)}))
LONGER_NATIONAL_DAY = Calendar(extra_holidays=frozenset({date(2026, 9, 3)}))
D = date


class TestHanoi2024:
    """QĐ 6187/QĐ-UBND, the default preset."""

    policy = HANOI_2024

    def test_approval_window_is_the_last_five_days_of_the_month(self) -> None:
        """Điều 7 khoản 1: new and changed data are approved in the last 5 days of each month."""
        assert self.policy.approval_window(D(2026, 2, 10)) == (D(2026, 2, 24), D(2026, 2, 28))
        assert self.policy.approval_window(D(2026, 8, 3)) == (D(2026, 8, 27), D(2026, 8, 31))
        assert not self.policy.in_approval_window(D(2026, 2, 23))
        assert self.policy.in_approval_window(D(2026, 2, 24)) and self.policy.in_approval_window(D(2026, 2, 28))
        # The window counts calendar days: a holiday inside it (31 Aug) does not move it.
        assert self.policy.in_approval_window(D(2026, 8, 31))

    def test_a_request_is_overdue_once_its_months_window_closed(self) -> None:
        """Điều 7: a request not decided in its month's window is overdue the day after."""
        assert not self.policy.request_overdue(D(2026, 2, 13), D(2026, 2, 28))
        assert self.policy.request_overdue(D(2026, 2, 13), D(2026, 3, 1))
        assert not self.policy.request_overdue(D(2026, 8, 28), D(2026, 8, 31), LONGER_NATIONAL_DAY)
        assert self.policy.request_overdue(D(2026, 8, 28), D(2026, 9, 1), LONGER_NATIONAL_DAY)
        assert self.policy.agency_due(D(2026, 8, 28)) is None

    def test_a_request_is_due_on_its_months_windows_last_day(self) -> None:
        """Điều 7: a request is decided in the window of the month it was submitted in; the tasks list counts
        the overdue ones in SQL with one cut-off: submitted before the current month."""
        assert self.policy.request_due(D(2026, 2, 13)) == D(2026, 2, 28)
        assert self.policy.request_due(D(2026, 8, 31), LONGER_NATIONAL_DAY) == D(2026, 8, 31)
        assert self.policy.overdue_submitted_before(D(2026, 3, 1)) == D(2026, 3, 1)
        assert self.policy.overdue_submitted_before(D(2026, 11, 28)) == D(2026, 11, 1)
        cut = self.policy.overdue_submitted_before(D(2026, 11, 28))
        assert cut is not None
        for submitted in (D(2026, 10, 31), D(2026, 11, 1), D(2026, 11, 28)):
            assert (submitted < cut) == self.policy.request_overdue(submitted, D(2026, 11, 28))

    def test_a_change_is_synced_in_its_months_window(self) -> None:
        """Điều 14 khoản 1: what was approved in a month is synced in that month's last 5 days."""
        assert self.policy.sync_due(D(2026, 11, 3)) == D(2026, 11, 30)
        assert not self.policy.sync_overdue(D(2026, 11, 3), D(2026, 11, 30))
        assert self.policy.sync_overdue(D(2026, 10, 30), D(2026, 11, 2))

    def test_a_self_update_is_due_five_working_days_after_the_change(self) -> None:
        """Điều 6 khoản 1: the officer updates within 5 working days of the information changing."""
        # Fri 13 Feb; Tết: Mon 23 (1) … Fri 27 (5).
        assert self.policy.self_update_due(D(2026, 2, 13)) == D(2026, 2, 27)
        assert self.policy.self_update_due(D(2026, 2, 13), MAKE_UP_SATURDAY) == D(2026, 2, 26)
        assert self.policy.self_update_late_by(D(2026, 2, 13), D(2026, 2, 27)) is None
        assert self.policy.self_update_late_by(D(2026, 2, 13), D(2026, 3, 2)) == 1
        # Fri 28 Aug; 31 Aug – 2 Sep off: Thu 3 (1), Fri 4, Mon 7, Tue 8, Wed 9 (5); with 3 Sep off, Thu 10.
        assert self.policy.self_update_due(D(2026, 8, 28)) == D(2026, 9, 9)
        assert self.policy.self_update_due(D(2026, 8, 28), LONGER_NATIONAL_DAY) == D(2026, 9, 10)
        assert self.policy.self_update_late_by(D(2026, 8, 28), D(2026, 9, 10)) == 1
        assert self.policy.self_update_late_by(D(2026, 8, 28), D(2026, 9, 10), LONGER_NATIONAL_DAY) is None

    def test_an_incoming_persons_account_is_due_in_ten_working_days(self) -> None:
        """Điều 12 khoản 1: a person arriving from another province gets an account within 10 working days."""
        # Mon 9 Feb: Tue 10 … Fri 13 (4), Mon 23 … Fri 27 (9), Mon 2 Mar (10).
        assert self.policy.account_due(D(2026, 2, 9)) == D(2026, 3, 2)
        assert self.policy.account_due(D(2026, 2, 9), MAKE_UP_SATURDAY) == D(2026, 2, 27)
        assert self.policy.latest_overdue_arrival(D(2026, 3, 3)) == D(2026, 2, 9)
        # Fri 21 Aug: Sat 22 (1), Mon 24 … Fri 28 (6), Thu 3 (7), Fri 4, Mon 7, Tue 8 (10); 3 Sep off: Wed 9.
        assert self.policy.account_due(D(2026, 8, 21)) == D(2026, 9, 8)
        assert self.policy.account_due(D(2026, 8, 21), LONGER_NATIONAL_DAY) == D(2026, 9, 9)
        assert self.policy.latest_overdue_arrival(D(2026, 9, 9), LONGER_NATIONAL_DAY) < D(2026, 8, 21)
        assert self.policy.latest_overdue_arrival(D(2026, 9, 10), LONGER_NATIONAL_DAY) == D(2026, 8, 21)

    def test_a_transfer_is_accepted_in_five_working_days_and_rechecked_in_five(self) -> None:
        """Điều 12 khoản 1 điểm a (the receiving agency takes the record and account over "đồng thời"; 5 working
        days is the preset's choice) and điểm b (the person re-checks their record as Điều 6 asks: 5 working
        days). Fri 13 Feb, Tết 16–20 Feb: Mon 23 (1) … Fri 27 (5)."""
        assert self.policy.transfer_accept_due(D(2026, 2, 13)) == D(2026, 2, 27)
        assert self.policy.transfer_accept_due(D(2026, 2, 13), MAKE_UP_SATURDAY) == D(2026, 2, 26)
        assert self.policy.recheck_due(D(2026, 2, 13)) == D(2026, 2, 27)
        # The SQL cut-off: proposals up to it are overdue on that day, later ones are not. Proposed over Tết
        # (Sat 14 – Sun 22) is due Fri 27 too; Mon 23 is due Mon 2 Mar.
        cut = self.policy.latest_overdue_transfer(D(2026, 3, 2))
        assert cut == D(2026, 2, 22)
        for proposed in (D(2026, 2, 12), D(2026, 2, 13), D(2026, 2, 14), D(2026, 2, 23)):
            assert (proposed <= cut) == (self.policy.transfer_accept_due(proposed) < D(2026, 3, 2))

    def test_every_change_carries_its_evidence(self) -> None:
        """Điều 6 khoản 3: an update "do có thay đổi, hiệu chỉnh" is entered "kèm theo bản số hóa của tài liệu đã
        được cấp có thẩm quyền xác nhận": every change, corrections included (no typo exemption)."""
        assert self.policy.evidence_for_every_change is True
        assert needs_evidence(["phone"], self.policy) and needs_evidence(["other_names"], self.policy)
        assert not needs_evidence([], self.policy)  # nothing changed, nothing to prove

    def test_a_late_update_is_counted_in_working_days_across_tet(self) -> None:
        """Điều 6 khoản 3: within 5 working days of the information changing. Fri 13 Feb 2026, Tết 16–20 Feb:
        Mon 23 (1) … Fri 27 (5) is the last day; Tue 3 Mar is the 7th working day, 2 late."""
        assert self.policy.self_update_late_by(D(2026, 2, 13), D(2026, 3, 3)) == 2
        assert self.policy.self_update_late_by(D(2026, 2, 13), D(2026, 2, 27)) is None

    def test_the_quarterly_review_is_due_on_the_25th(self) -> None:
        """The province's quarterly review: the 25th of the quarter's last month, the year's last before 31/12."""
        assert [self.policy.review_due(2026, q) for q in (1, 2, 3, 4)] == [
            D(2026, 3, 25), D(2026, 6, 25), D(2026, 9, 25), D(2026, 12, 25)]
        assert not self.policy.review_late(2026, 4, D(2026, 12, 25))
        assert self.policy.review_late(2026, 4, D(2026, 12, 26))


class TestNd27of2026:
    """Nghị định 27/2026/NĐ-CP: 3 working days, no monthly window."""

    policy = ND27_2026

    def test_no_window(self) -> None:
        assert self.policy.approval_window(D(2026, 2, 10)) is None
        assert self.policy.in_approval_window(D(2026, 2, 2)) and self.policy.in_approval_window(D(2026, 9, 3))

    def test_a_request_is_overdue_after_three_working_days(self) -> None:
        """The agency takes up a submitted change within 3 working days."""
        # Fri 13 Feb; Tết: Mon 23 (1), Tue 24 (2), Wed 25 (3): overdue on Thu 26.
        assert self.policy.agency_due(D(2026, 2, 13)) == D(2026, 2, 25)
        assert not self.policy.request_overdue(D(2026, 2, 13), D(2026, 2, 25))
        assert self.policy.request_overdue(D(2026, 2, 13), D(2026, 2, 26))
        assert self.policy.request_overdue(D(2026, 2, 13), D(2026, 2, 25), MAKE_UP_SATURDAY)
        # Fri 28 Aug: Thu 3 (1), Fri 4 (2), Mon 7 (3); the weekend after is not yet late; Tue 8 is.
        assert not self.policy.request_overdue(D(2026, 8, 28), D(2026, 9, 7))
        assert self.policy.request_overdue(D(2026, 8, 28), D(2026, 9, 8))
        assert not self.policy.request_overdue(D(2026, 8, 28), D(2026, 9, 8), LONGER_NATIONAL_DAY)
        assert self.policy.request_overdue(D(2026, 8, 28), D(2026, 9, 9), LONGER_NATIONAL_DAY)
        assert not self.policy.window_passed(D(2026, 1, 5), D(2026, 9, 9))

    def test_a_request_is_due_three_working_days_after_submission(self) -> None:
        """NĐ 27/2026 Điều 19: the agency takes a submitted change up within 3 working days; the cut-off
        splits overdue from on-time submissions as `request_overdue` does."""
        assert self.policy.request_due(D(2026, 2, 13)) == D(2026, 2, 25)
        assert self.policy.request_due(D(2026, 8, 28), LONGER_NATIONAL_DAY) == D(2026, 9, 8)
        # Thu 26 Feb: submitted Sun 22 waited Mon 23 … Thu 26 (4) and is late; Mon 23 waited 3 and is not.
        assert self.policy.overdue_submitted_before(D(2026, 2, 26)) == D(2026, 2, 23)
        today = D(2026, 9, 9)
        cut = self.policy.overdue_submitted_before(today, LONGER_NATIONAL_DAY)
        assert cut is not None
        for offset in range(20):
            submitted = D(2026, 8, 20) + timedelta(days=offset)
            assert (submitted < cut) == self.policy.request_overdue(submitted, today, LONGER_NATIONAL_DAY)

    def test_a_change_is_synced_within_three_working_days(self) -> None:
        """NĐ 27/2026 Điều 19: the employing agency updates and syncs within 3 working days."""
        assert self.policy.sync_due(D(2026, 2, 13)) == D(2026, 2, 25)
        assert not self.policy.sync_overdue(D(2026, 2, 13), D(2026, 2, 25))
        assert self.policy.sync_overdue(D(2026, 2, 13), D(2026, 2, 26))

    def test_a_self_update_is_due_three_working_days_after_the_change(self) -> None:
        assert self.policy.self_update_due(D(2026, 2, 13)) == D(2026, 2, 25)
        assert self.policy.self_update_due(D(2026, 2, 13), MAKE_UP_SATURDAY) == D(2026, 2, 24)
        assert self.policy.self_update_late_by(D(2026, 2, 13), D(2026, 3, 2)) == 3  # Thu 26, Fri 27, Mon 2
        assert self.policy.self_update_due(D(2026, 8, 28)) == D(2026, 9, 7)
        assert self.policy.self_update_due(D(2026, 8, 28), LONGER_NATIONAL_DAY) == D(2026, 9, 8)

    def test_evidence_for_the_changes_domain_lists(self) -> None:
        """What is reported of NĐ 27/2026 asks no document of every update: DOMAIN's list (identity, diplomas,
        salary, position, awards, discipline) and lifecycle events' decisions, as under every policy."""
        assert self.policy.evidence_for_every_change is False
        assert not needs_evidence(["phone"], self.policy)
        assert needs_evidence(["full_name"], self.policy) and needs_evidence(["status"], self.policy)

    def test_account_and_review_as_the_province_has_them(self) -> None:
        assert self.policy.account_due(D(2026, 2, 9)) == D(2026, 3, 2)
        assert self.policy.account_due(D(2026, 8, 21), LONGER_NATIONAL_DAY) == D(2026, 9, 9)
        assert self.policy.review_due(2026, 3) == D(2026, 9, 25)


class TestWithoutLimits:
    def test_a_policy_with_no_window_and_no_agency_limit_has_no_request_deadline(self) -> None:
        """A request is then never overdue, so there is no cut-off to count overdue requests by."""
        policy = DeadlinePolicy("unbounded", change_deadline_working_days=5, approval_window_days=None,
                                agency_update_working_days=None, incoming_account_working_days=10)
        assert policy.request_due(D(2026, 2, 13)) is None and policy.sync_due(D(2026, 2, 13)) is None
        assert policy.overdue_submitted_before(D(2026, 2, 26)) is None
        assert not policy.sync_overdue(D(2025, 1, 1), D(2026, 2, 26))


class TestResolution:
    def test_settings_resolve_the_preset_once_by_name(self) -> None:
        assert DEFAULT_POLICY == "hanoi-2024" and set(PRESETS) == {"hanoi-2024", "nd27-2026"}
        assert resolve_policy("nd27-2026") is ND27_2026
        assert CommonSettings(env="test", policy="nd27-2026").deadline_policy is ND27_2026
        assert CommonSettings(env="test").deadline_policy is HANOI_2024

    def test_an_unknown_preset_is_refused(self) -> None:
        with pytest.raises(ValueError, match="unknown deadline policy"):
            resolve_policy("nd99-2030")
        with pytest.raises(ValueError, match="unknown deadline policy"):
            CommonSettings(env="test", policy="nd99-2030")

    def test_without_overrides_the_calendar_is_the_laws(self) -> None:
        assert HANOI_2024.self_update_due(D(2026, 2, 13)) == HANOI_2024.self_update_due(D(2026, 2, 13), STATUTORY)
