"""GET /api/v1/tasks, role by role (officer, agency admin, approver, DOHA) on the fixed clock and the
province of this folder's conftest, whose docstring counts every deadline by hand."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from hoso_shared.time import FixedClock
from tests.conftest import AppClient
from tests.profile_api.tasks.conftest import (
    NOW,
    D,
    Province,
    _request,
    about,
    b_side,
    counted,
    never_shows,
    summary,
    tasks_of,
    vn,
)


class TestOfficer:
    async def test_an_officer_fixes_the_request_returned_to_them(self, api: AppClient, w: Province) -> None:
        """Điều 6 khoản 3, Điều 16 khoản 2: the person keeps their own data right; a request returned to them
        is theirs to correct and send again. The regulation sets no deadline for that. Điều 12 khoản 2.2 điểm c:
        having come in on 2/11 and never confirmed checking the record, the person re-checks it, due 5 working
        days later (9/11), overdue."""
        body = await tasks_of(api, w, "officer_a")
        assert (body["as_of"], body["policy"], body["limit_per_kind"]) == ("2026-11-27", "hanoi-2024", 20)
        assert summary(body) == [("recheck_after_move", w.people["person_a"].id, D(2026, 11, 9), True),
                                 ("fix_returned_request", w.ids["returned_officer"], None, False)]
        assert counted(body) == {"fix_returned_request": (1, 0, 1), "recheck_after_move": (1, 1, 1),
                                 "fix_record": (0, 0, 0)}  # HR asked nothing (tests/…/quality/test_fix_requests.py)
        recheck, task = body["items"]
        review = f"/api/v1/profiles/{w.people['person_a'].id}/review"
        assert (recheck["since"], recheck["link"]) == ("2026-11-02", review)
        assert task["title"].startswith("Sửa và gửi lại yêu cầu thay đổi hồ sơ")
        assert (task["since"], task["note"], task["basis"]) == ("2026-11-26", "Thiếu bản số hóa quyết định",
                                                                 "Điều 6 khoản 3; Điều 16 khoản 2")
        link = f"/api/v1/change-requests/{w.ids['returned_officer']}"
        assert (task["service"], task["link"]) == ("approval-api", link)
        assert task["subject"]["profile_id"] == str(w.people["person_a"].id)
        never_shows(body, *b_side(w), w.ids["returned_hr"], w.ids["s1"])


class TestAgencyAdmin:
    async def test_the_agency_has_exactly_what_its_data_implies(self, api: AppClient, w: Province) -> None:
        """Điều 12 khoản 2.2 điểm a (accounts within 10 working days), Điều 14 khoản 1 and Điều 15 (the
        month's sync), Điều 21 khoản 6 (the quarterly review), Điều 16 khoản 2 (its own returned request):
        overdue first, then by due date, undated last; nothing of agency B."""
        body = await tasks_of(api, w, "agency_a")
        assert summary(body) == [
            ("create_incoming_account", w.people["in_a"].id, D(2026, 11, 23), True),
            ("submit_sync_batch", w.units["a"].id, D(2026, 11, 30), False),
            ("create_incoming_account", w.people["in_c"].id, D(2026, 12, 7), False),
            ("sign_quarterly_review", w.units["a"].id, D(2026, 12, 25), False),
            ("fix_returned_request", w.ids["returned_hr"], None, False),
        ]
        assert counted(body) == {"fix_returned_request": (1, 0, 1), "create_incoming_account": (2, 1, 2),
                                 "submit_sync_batch": (1, 0, 1), "sign_quarterly_review": (1, 0, 1),
                                 "accept_transfer": (0, 0, 0)}
        never_shows(body, *b_side(w), w.people["person_a"].id, w.people["retired_a"].id)

    async def test_an_incoming_person_gets_an_account_within_ten_working_days(self, api: AppClient,
                                                                               w: Province) -> None:
        """Điều 12 khoản 2.2 điểm a: within 10 working days of the handover the receiving unit creates the
        person's account; one who has an account, or has left, is no task."""
        body = await tasks_of(api, w, "agency_a", kind="create_incoming_account")
        late, on_time = body["items"]
        assert (late["since"], late["due_on"], late["overdue"]) == ("2026-11-09", "2026-11-23", True)
        assert (on_time["since"], on_time["due_on"], on_time["overdue"]) == ("2026-11-20", "2026-12-07", False)
        assert on_time["subject"]["org_unit_id"] == str(w.units["c"].id)  # the sub-unit is the agency's too
        assert late["title"] == "Tạo tài khoản cá nhân cho Nguyễn Văn in_a, được tiếp nhận ngày 09/11/2026"
        assert (late["service"], late["link"]) == ("profile-api", "/api/v1/accounts")
        assert [c["list_link"] for c in body["counts"]] == ["/api/v1/accounts/overdue-incoming"]

    async def test_the_months_approved_changes_await_the_agencys_batch(self, api: AppClient, w: Province) -> None:
        """Điều 14 khoản 1, Điều 15: in the month's last 5 days the agency syncs what was approved that month;
        its batch carries its sub-units without an agency account (C), not those with one (E)."""
        body = await tasks_of(api, w, "agency_a", kind="submit_sync_batch")
        (task,) = body["items"]
        assert (task["quantity"], task["since"], task["due_on"], task["overdue"]) == (2, "2026-11-03", "2026-11-30",
                                                                                      False)
        assert task["subject"]["period"] == "2026-11" and task["subject"]["org_unit_id"] == str(w.units["a"].id)
        assert task["window"] == {"opens_on": "2026-11-26", "closes_on": "2026-11-30", "open_now": True,
                                  "extraordinary_closes_at": None}
        assert (task["service"], task["link"]) == ("approval-api", "/api/v1/sync-batches")
        assert task["title"] == ("Gửi đồng bộ dữ liệu tháng 11/2026 về Cơ sở dữ liệu quốc gia "
                                 "(2 thay đổi đã phê duyệt)")

    async def test_the_task_announces_the_batch_approval_api_then_takes(self, client_for: Any, api: AppClient,
                                                                       clock: FixedClock, w: Province) -> None:
        """Điều 14 khoản 1–2: the batch the task counts is the one the agency submits; once submitted it
        awaits DOHA (Điều 14 khoản 2), and the agency has nothing to submit until it is decided."""
        approval: AppClient = await client_for("approval-api", wiring={"clock": clock})
        announced = (await tasks_of(api, w, "agency_a", kind="submit_sync_batch"))["items"][0]["quantity"]
        submitted = await approval.post("/api/v1/sync-batches", headers=w.auth["agency_a"])
        assert submitted.status_code == 201, submitted.text
        assert submitted.json()["record_count"] == announced == 2
        after = await tasks_of(api, w, "agency_a", kind="submit_sync_batch")
        assert (after["items"], counted(after)) == ([], {"submit_sync_batch": (0, 0, 0)})
        doha = await tasks_of(api, w, "doha_admin", kind="approve_sync_batch")
        assert {about(t) for t in doha["items"]} == {w.ids["batch_b"], uuid.UUID(submitted.json()["id"])}

    async def test_a_month_later_the_unsynced_changes_are_overdue(self, api: AppClient, clock: FixedClock,
                                                                  w: Province) -> None:
        """Điều 14 khoản 1: November's changes not synced in November's window are late on 1 December."""
        clock.at = vn(D(2026, 12, 1))
        (task,) = (await tasks_of(api, w, "agency_a", kind="submit_sync_batch"))["items"]
        assert (task["due_on"], task["overdue"]) == ("2026-11-30", True)
        assert task["window"] == {"opens_on": "2026-12-27", "closes_on": "2026-12-31", "open_now": False,
                                  "extraordinary_closes_at": None}

    async def test_the_agency_prepares_the_quarterly_review_for_signature(self, api: AppClient, w: Province) -> None:
        """Điều 21 khoản 6: by the 25th of the quarter's last month the unit reviews its data and signs the
        report; the agency admin prepares it (only the unit's approver signs). Q3 was submitted."""
        (task,) = (await tasks_of(api, w, "agency_a", kind="sign_quarterly_review"))["items"]
        assert task["title"] == ("Lập báo cáo rà soát dữ liệu quý 4/2026 và trình người có thẩm quyền ký số")
        assert (task["due_on"], task["overdue"], task["since"]) == ("2026-12-25", False, "2026-10-01")
        assert task["subject"]["review_id"] == str(w.ids["a_q4_draft"]) and task["subject"]["quarter"] == "2026-Q4"
        assert task["link"] == f"/api/v1/reports/reviews/{w.ids['a_q4_draft']}"


class TestApprover:
    async def test_an_approver_decides_the_subtrees_requests_in_the_months_window(self, api: AppClient,
                                                                                  w: Province) -> None:
        """Điều 7: in the last 5 days of each month the unit's approver decides what was submitted; a
        request of October not decided in October's window is overdue. Never their own record's request,
        nor a draft, nor agency B's."""
        body = await tasks_of(api, w, "approver_a")
        assert summary(body) == [
            ("decide_change_request", w.ids["s1"], D(2026, 10, 31), True),
            ("decide_change_request", w.ids["s2"], D(2026, 11, 30), False),
            ("sign_quarterly_review", w.units["a"].id, D(2026, 12, 25), False),
        ]
        assert counted(body) == {"decide_change_request": (2, 1, 2), "sign_quarterly_review": (1, 0, 1)}
        s1, s2, _ = body["items"]
        assert s1["window"] == {"opens_on": "2026-11-26", "closes_on": "2026-11-30", "open_now": True,
                                "extraordinary_closes_at": None}
        # DOHA opened an extraordinary window over C, where s2's person works.
        assert datetime.fromisoformat(s2["window"]["extraordinary_closes_at"]) == NOW + timedelta(days=2)
        assert (s1["since"], s1["subject"]["person_name"]) == ("2026-10-20", "Nguyễn Văn person_a")
        assert s2["title"] == "Xem xét, phê duyệt yêu cầu thay đổi hồ sơ của Nguyễn Văn person_c"
        never_shows(body, *b_side(w), w.ids["s3_own_record"], w.ids["draft_a"], w.ids["returned_officer"])

    async def test_under_nd27_the_agency_has_three_working_days(self, client_for: Any, clock: FixedClock,
                                                                w: Province, session: AsyncSession) -> None:
        """Điều 7 as NĐ 27/2026 Điều 19 replaces its window: a request is taken up within 3 working days of
        its submission (Mon 23/11: Wed 25, Thu 26, Fri 27; 24/11 is a day off), and no window applies."""
        api: AppClient = await client_for("profile-api", wiring={"clock": clock}, policy="nd27-2026")
        await _request(session, w, "s_monday", person="person_c", by="agency_a", state="submitted",
                       submitted=D(2026, 11, 23))
        body = await tasks_of(api, w, "approver_a", kind="decide_change_request")
        assert body["policy"] == "nd27-2026"
        assert summary(body) == [
            ("decide_change_request", w.ids["s1"], D(2026, 10, 23), True),
            ("decide_change_request", w.ids["s_monday"], D(2026, 11, 27), False),
            ("decide_change_request", w.ids["s2"], D(2026, 11, 30), False),
        ]
        assert counted(body) == {"decide_change_request": (3, 1, 3)}
        assert body["items"][0]["window"]["opens_on"] is None and body["items"][0]["window"]["open_now"] is True

    async def test_the_approver_signs_the_units_quarterly_review(self, api: AppClient, w: Province) -> None:
        """Điều 21 khoản 6: the report is signed (ký số) by the unit's authorised person: its approver."""
        (task,) = (await tasks_of(api, w, "approver_a", kind="sign_quarterly_review"))["items"]
        assert task["title"] == "Ký số và nộp báo cáo rà soát dữ liệu quý 4/2026"
        assert task["link"] == f"/api/v1/reports/reviews/{w.ids['a_q4_draft']}"


class TestDoha:
    async def test_doha_approves_batches_replays_dead_letters_and_chases_late_reviews(self, api: AppClient,
                                                                                      w: Province) -> None:
        """Điều 14 khoản 2 (DOHA approves what units send), Điều 13 and Điều 19 khoản 1 (the connection to
        the national database: packets never taken), Điều 19 khoản 6 with Điều 21 khoản 6 (following up the
        units whose Q3 review, due 25/09, never came: B and E, not A). Nothing of the other province Q."""
        body = await tasks_of(api, w, "doha_admin")
        late = sorted([w.units["b"], w.units["e"]], key=lambda u: u.code)
        assert summary(body) == [
            *(("chase_late_review", u.id, D(2026, 9, 25), True) for u in late),
            ("approve_sync_batch", w.ids["batch_b"], None, False),
            ("replay_dead_letter", w.ids["dead_b"], None, False),
        ]
        assert counted(body) == {"approve_sync_batch": (1, 0, 1), "replay_dead_letter": (1, 0, 1),
                                 "chase_late_review": (2, 2, 2), "hand_over_nationally": (0, 0, 0)}
        chase, _, batch, dead = body["items"]
        assert chase["subject"]["quarter"] == "2026-Q3"
        assert chase["link"] == "/api/v1/reports/reviews?quarter=2026-Q3"
        assert (batch["quantity"], batch["subject"]["period"], batch["link"]) == (
            1, "2026-11", f"/api/v1/sync-batches/{w.ids['batch_b']}")
        assert (dead["service"], dead["link"], dead["note"]) == (
            "sync-gateway", f"/api/v1/packets/{w.ids['dead_b']}", "NDXP trả lời 503 sau 8 lần gửi")
        assert [c["list_link"] for c in body["counts"]] == [
            "/api/v1/sync-batches?state=submitted", "/api/v1/packets?state=dead", "/api/v1/transfers?state=reported",
            "/api/v1/reports/reviews?quarter=2026-Q3"]
        never_shows(body, w.ids["batch_q"], w.ids["dead_q"], w.ids["delivered_b"], w.units["q1"].id,
                    *(w.ids[k] for k in ("s1", "s2", "returned_hr")), w.people["in_a"].id)
