"""GET /api/v1/tasks: what each role must do and by when, computed from the data (QĐ 6187/QĐ-UBND), on a
fixed clock: Fri 27/11/2026, 10:00 in Hà Nội, inside November's window (26–30/11; hanoi-2024).

The province P (DOHA) holds agency A (agency account, approver, officer) ⊃ sub-unit C (no agency account:
A syncs and reviews for it) and sub-agency E (its own agency account); and a second agency B with the same
roles and data of every kind, which no caller of A may ever see. A second province Q holds a batch and a dead
packet that P's DOHA must not see. Hand-counted deadlines (24/11/2026 is a day off, Ngày Văn hóa Việt Nam):
- arrived Mon 9/11: Tue 10 … Fri 13 (4), Mon 16 … Fri 20 (9), Mon 23 (10): due 23/11, overdue;
- arrived Mon 16/11: Tue 17 … Fri 20 (4), Mon 23 (5), Wed 25 … Fri 27 (8), Mon 30 (9), Tue 1/12 (10);
- arrived Fri 20/11: Mon 23 (1), Wed 25 … Fri 27 (4), Mon 30 (5), Tue 1 … Fri 4/12 (9), Mon 7/12 (10);
- a request submitted 20/10 was due in October's window (31/10); one submitted 25/11 is due 30/11;
- the Q3 review was due 25/09, the Q4 one is due 25/12."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from hoso_shared.auth import TokenIssuer
from hoso_shared.db.models import (
    Account,
    ApprovalWindow,
    ChangeRequest,
    OrgUnit,
    OutboxRow,
    Packet,
    Profile,
    QuarterlyReview,
    SyncBatch,
)
from hoso_shared.time import ZONE, FixedClock
from tests.conftest import AppClient, build
from tests.factories import bearer, make_account, make_profile, make_unit, principal_for

NOW = datetime(2026, 11, 27, 3, 0, tzinfo=UTC)  # Fri 27/11/2026 10:00 in Hà Nội
D = date
TASKS = "/api/v1/tasks"


def vn(day: date, hour: int = 10) -> datetime:
    """An instant on a Vietnamese calendar day."""
    return datetime.combine(day, time(hour), tzinfo=ZONE)


@dataclass
class Province:
    units: dict[str, OrgUnit] = field(default_factory=dict)
    people: dict[str, Profile] = field(default_factory=dict)
    accounts: dict[str, Account] = field(default_factory=dict)
    auth: dict[str, dict[str, str]] = field(default_factory=dict)
    ids: dict[str, uuid.UUID] = field(default_factory=dict)  # the rows tasks are about, by name


async def _request(session: AsyncSession, w: Province, name: str, *, person: str, by: str, state: str,
                   submitted: date | None = None, updated: date | None = None, comment: str | None = None,
                   national_reason: str | None = None) -> None:
    profile = w.people[person]
    request = ChangeRequest(id=uuid.uuid4(), profile_id=profile.id, org_unit_id=profile.org_unit_id, base_version=1,
                            state=state, payload={"items": {"other_names": name}}, requested_by=w.accounts[by].id,
                            submitted_at=vn(submitted) if submitted else None, comment=comment,
                            national_reason=national_reason, updated_at=vn(updated or D(2026, 11, 1)))
    session.add(request)
    await session.flush()
    w.ids[name] = request.id


async def _appended(session: AsyncSession, w: Province, person: str, on: date) -> None:
    """An approved change applied on `on`: its outbox row appended, in no batch yet."""
    profile = w.people[person]
    session.add(OutboxRow(profile_id=profile.id, profile_version=1, org_unit_id=profile.org_unit_id,
                          payload={"kind": "change", "changed": ["other_names"], "digest": "0" * 64},
                          created_at=vn(on)))
    await session.flush()


def _packet(unit: OrgUnit, sequence: int, state: str) -> Packet:
    return Packet(id=uuid.uuid4(), agency_code=unit.code, sequence=sequence, body=b"{}", body_hash="0" * 64,
                  jws="e30..sig", kid="k1", record_count=3, state=state, attempts=8, created_at=vn(D(2026, 11, 26)),
                  last_error="NDXP trả lời 503 sau 8 lần gửi" if state == "dead" else None)


def _review(unit: OrgUnit, quarter: str, state: str, by: Account) -> QuarterlyReview:
    signed = {"signature": "eyJ..c2ln", "signed_by": by.id, "signed_at": vn(D(2026, 9, 20)),
              "submitted_at": vn(D(2026, 9, 20))} if state == "submitted" else {}
    return QuarterlyReview(id=uuid.uuid4(), org_unit_id=unit.id, quarter=quarter, state=state, content={},
                           content_hash="0" * 64, created_by=by.id, **signed)


async def _units(session: AsyncSession, w: Province) -> None:
    w.units["p"] = await make_unit(session, type="province", name="Sở Nội vụ")
    w.units["a"] = await make_unit(session, parent=w.units["p"], name="Sở Tư pháp")
    w.units["c"] = await make_unit(session, parent=w.units["a"], type="sub_unit", name="Phòng Hành chính")
    w.units["e"] = await make_unit(session, parent=w.units["a"], type="agency", name="Trung tâm Trợ giúp pháp lý")
    w.units["b"] = await make_unit(session, parent=w.units["p"], name="Sở Y tế")
    w.units["q"] = await make_unit(session, type="province", name="Tỉnh khác")
    w.units["q1"] = await make_unit(session, parent=w.units["q"], name="Sở của tỉnh khác")


async def _people_and_accounts(session: AsyncSession, w: Province, issuer: TokenIssuer) -> None:
    a, b, c, e = (w.units[k] for k in "abce")
    for name, unit, extra in (
            ("person_a", a, {"incoming_on": D(2026, 11, 2)}),  # came in, and has an account already
            ("person_ap", a, {}), ("person_c", c, {}), ("person_e", e, {}), ("person_b", b, {}),
            ("in_a", a, {"incoming_on": D(2026, 11, 9)}), ("in_c", c, {"incoming_on": D(2026, 11, 20)}),
            ("retired_a", a, {"incoming_on": D(2026, 11, 9), "status": "retired"}),
            ("in_b", b, {"incoming_on": D(2026, 11, 16)})):
        w.people[name] = await make_profile(session, unit=unit, full_name=f"Nguyễn Văn {name}", **extra)
    for name, unit, role, kind, person in (
            ("doha_admin", w.units["p"], "doha_admin", "person", None),
            ("agency_a", a, "agency_admin", "agency", None), ("approver_a", a, "approver", "person", "person_ap"),
            ("officer_a", a, "officer", "person", "person_a"), ("agency_e", e, "agency_admin", "agency", None),
            ("agency_b", b, "agency_admin", "agency", None), ("approver_b", b, "approver", "person", None),
            ("officer_b", b, "officer", "person", "person_b"),
            ("agency_q1", w.units["q1"], "agency_admin", "agency", None)):
        account = await make_account(session, unit=unit, role=role, kind=kind,
                                     profile=w.people[person] if person else None)
        w.accounts[name] = account
        w.auth[name] = bearer(issuer, principal_for(account, unit))


async def province(session: AsyncSession, issuer: TokenIssuer) -> Province:
    w = Province()
    await _units(session, w)
    await _people_and_accounts(session, w, issuer)
    a, b, c = (w.units[k] for k in "abc")
    # Change requests: returned to their requesters, submitted for decision, and a draft (no task).
    await _request(session, w, "returned_officer", person="person_a", by="officer_a", state="returned",
                   submitted=D(2026, 11, 20), updated=D(2026, 11, 26), comment="Thiếu bản số hóa quyết định")
    await _request(session, w, "returned_hr", person="person_c", by="agency_a", state="returned",
                   submitted=D(2026, 10, 28), updated=D(2026, 11, 20), national_reason="CSDLQG: ngày sinh không khớp")
    await _request(session, w, "returned_b", person="person_b", by="officer_b", state="returned",
                   submitted=D(2026, 11, 20), updated=D(2026, 11, 25), comment="Sai số sổ BHXH")
    await _request(session, w, "s1", person="person_a", by="officer_a", state="submitted", submitted=D(2026, 10, 20))
    await _request(session, w, "s2", person="person_c", by="agency_a", state="submitted", submitted=D(2026, 11, 25))
    await _request(session, w, "s3_own_record", person="person_ap", by="agency_a", state="submitted",
                   submitted=D(2026, 11, 2))
    await _request(session, w, "s_b", person="person_b", by="officer_b", state="submitted", submitted=D(2026, 10, 2))
    await _request(session, w, "draft_a", person="person_a", by="officer_a", state="draft")
    # Approved changes in no batch: A's batch takes A's and C's, not E's (E syncs for itself).
    await _appended(session, w, "person_a", D(2026, 11, 3))
    await _appended(session, w, "person_c", D(2026, 11, 5))
    await _appended(session, w, "person_e", D(2026, 11, 4))
    await _appended(session, w, "person_b", D(2026, 11, 26))  # B's waits: B has a batch before DOHA
    batches = {"batch_b": SyncBatch(id=uuid.uuid4(), org_unit_id=b.id, period="2026-11", state="submitted",
                                    submitted_by=w.accounts["agency_b"].id, record_count=1,
                                    created_at=vn(D(2026, 11, 26))),
               "batch_q": SyncBatch(id=uuid.uuid4(), org_unit_id=w.units["q1"].id, period="2026-11",
                                    state="submitted", submitted_by=w.accounts["agency_q1"].id, record_count=4,
                                    created_at=vn(D(2026, 11, 26)))}
    packets = {"dead_b": _packet(b, 7, "dead"), "delivered_b": _packet(b, 6, "delivered"),
               "dead_q": _packet(w.units["q1"], 1, "dead")}
    reviews = {"a_q3": _review(a, "2026-Q3", "submitted", w.accounts["approver_a"]),
               "a_q4_draft": _review(a, "2026-Q4", "draft", w.accounts["agency_a"]),
               "e_q4_draft": _review(w.units["e"], "2026-Q4", "draft", w.accounts["agency_e"])}
    window = ApprovalWindow(id=uuid.uuid4(), org_unit_id=c.id, opens_at=NOW - timedelta(days=1),
                            closes_at=NOW + timedelta(days=2), reason="Bổ sung hồ sơ sau sáp nhập",
                            opened_by=w.accounts["doha_admin"].id)
    for name, row in {**batches, **packets, **reviews, "window_c": window}.items():
        session.add(row)
        w.ids[name] = row.id
    await session.flush()
    return w


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(NOW)


@pytest.fixture
async def api(client_for: Any, clock: FixedClock) -> AppClient:
    client: AppClient = await client_for("profile-api", wiring={"clock": clock})
    return client


@pytest.fixture
async def w(session: AsyncSession, token_issuer: TokenIssuer) -> Province:
    return await province(session, token_issuer)


async def tasks_of(api: AppClient, w: Province, who: str, **params: Any) -> dict[str, Any]:
    response = await api.get(TASKS, headers=w.auth[who], params=params)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def about(task: dict[str, Any]) -> uuid.UUID:
    """The id a task is about: its request, record, batch, packet, or else its unit."""
    s = task["subject"]
    for key in ("change_request_id", "sync_batch_id", "packet_id"):
        if s[key]:
            return uuid.UUID(s[key])
    if task["kind"] == "create_incoming_account":
        return uuid.UUID(s["profile_id"])
    return uuid.UUID(s["org_unit_id"])


def summary(body: dict[str, Any]) -> list[tuple[str, uuid.UUID, date | None, bool]]:
    return [(t["kind"], about(t), D.fromisoformat(t["due_on"]) if t["due_on"] else None, t["overdue"])
            for t in body["items"]]


def counted(body: dict[str, Any]) -> dict[str, tuple[int, int, int]]:
    return {c["kind"]: (c["total"], c["overdue"], c["listed"]) for c in body["counts"]}


def never_shows(body: dict[str, Any], *ids: uuid.UUID) -> None:
    text = str(body)
    assert not [i for i in ids if str(i) in text]


def b_side(w: Province) -> list[uuid.UUID]:
    """Everything of agency B (and of the other province) a caller of A must never see."""
    return [w.units["b"].id, w.units["q1"].id, *(w.people[k].id for k in ("person_b", "in_b")),
            *(w.ids[k] for k in ("returned_b", "s_b", "batch_b", "batch_q", "dead_b", "dead_q"))]


class TestOfficer:
    async def test_an_officer_fixes_the_request_returned_to_them(self, api: AppClient, w: Province) -> None:
        """Điều 6 khoản 3, Điều 16 khoản 2: the person keeps their own data right; a request returned to them
        is theirs to correct and send again. The regulation sets no deadline for that."""
        body = await tasks_of(api, w, "officer_a")
        assert (body["as_of"], body["policy"], body["limit_per_kind"]) == ("2026-11-27", "hanoi-2024", 20)
        assert summary(body) == [("fix_returned_request", w.ids["returned_officer"], None, False)]
        assert counted(body) == {"fix_returned_request": (1, 0, 1)}
        (task,) = body["items"]
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
                                 "submit_sync_batch": (1, 0, 1), "sign_quarterly_review": (1, 0, 1)}
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
                                 "chase_late_review": (2, 2, 2)}
        chase, _, batch, dead = body["items"]
        assert chase["subject"]["quarter"] == "2026-Q3"
        assert chase["link"] == "/api/v1/reports/reviews?quarter=2026-Q3"
        assert (batch["quantity"], batch["subject"]["period"], batch["link"]) == (
            1, "2026-11", f"/api/v1/sync-batches/{w.ids['batch_b']}")
        assert (dead["service"], dead["link"], dead["note"]) == (
            "sync-gateway", f"/api/v1/packets/{w.ids['dead_b']}", "NDXP trả lời 503 sau 8 lần gửi")
        assert [c["list_link"] for c in body["counts"]] == [
            "/api/v1/sync-batches?state=submitted", "/api/v1/packets?state=dead",
            "/api/v1/reports/reviews?quarter=2026-Q3"]
        never_shows(body, w.ids["batch_q"], w.ids["dead_q"], w.ids["delivered_b"], w.units["q1"].id,
                    *(w.ids[k] for k in ("s1", "s2", "returned_hr")), w.people["in_a"].id)


class TestSecondAgency:
    async def test_agency_b_sees_its_own_and_nothing_of_a(self, api: AppClient, w: Province) -> None:
        """Điều 8 khoản 2, Điều 18 khoản 1: a unit works on its own people's data only. B's batch awaits DOHA,
        so B has nothing to submit (Điều 14); its Q3 review is late (Điều 21 khoản 6); its incoming person is
        due Tue 1/12 (Điều 12 khoản 2.2 điểm a)."""
        body = await tasks_of(api, w, "agency_b")
        assert summary(body) == [
            ("sign_quarterly_review", w.units["b"].id, D(2026, 9, 25), True),
            ("create_incoming_account", w.people["in_b"].id, D(2026, 12, 1), False),
            ("sign_quarterly_review", w.units["b"].id, D(2026, 12, 25), False),
        ]
        assert [t["subject"]["quarter"] for t in body["items"] if t["kind"] == "sign_quarterly_review"] == [
            "2026-Q3", "2026-Q4"]
        assert {t["link"] for t in body["items"] if t["kind"] == "sign_quarterly_review"} == {"/api/v1/reports/reviews"}
        a_side = [w.units["a"].id, w.units["c"].id, *(w.ids[k] for k in ("s1", "s2", "returned_hr", "a_q4_draft")),
                  *(w.people[k].id for k in ("in_a", "in_c"))]
        never_shows(body, *a_side)
        for who in ("officer_b", "approver_b"):
            never_shows(await tasks_of(api, w, who), *a_side)
        assert summary(await tasks_of(api, w, "approver_b", kind="decide_change_request")) == [
            ("decide_change_request", w.ids["s_b"], D(2026, 10, 31), True)]


class TestBounds:
    async def test_at_most_limit_tasks_per_kind_and_every_one_counted(self, api: AppClient, w: Province) -> None:
        """Điều 7 at a province's scale: the list is bounded per kind, the counts never are."""
        body = await tasks_of(api, w, "approver_a", limit=1)
        assert summary(body) == [("decide_change_request", w.ids["s1"], D(2026, 10, 31), True),
                                 ("sign_quarterly_review", w.units["a"].id, D(2026, 12, 25), False)]
        assert counted(body)["decide_change_request"] == (2, 1, 1)
        badge = await tasks_of(api, w, "agency_a", limit=0)
        assert badge["items"] == [] and counted(badge)["create_incoming_account"] == (2, 1, 0)
        assert counted(badge)["submit_sync_batch"] == (1, 0, 0)

    @pytest.mark.parametrize("params", [{"limit": 101}, {"limit": -1}, {"kind": "delete_everything"},
                                        {"kind": ["fix_returned_request"] * 9}])
    async def test_bad_input_is_a_problem_never_a_500(self, api: AppClient, w: Province,
                                                      params: dict[str, Any]) -> None:
        """Every input is bounded (Điều 17 khoản 7: the database is kept safe)."""
        response = await api.get(TASKS, headers=w.auth["agency_a"], params=params)
        assert response.status_code == 422, response.text
        assert response.headers["content-type"].startswith("application/problem+json")

    async def test_a_token_is_needed(self, api: AppClient, w: Province) -> None:
        """Điều 10: the software is used through an account."""
        response = await api.get(TASKS)
        assert response.status_code == 401
        assert response.headers["content-type"].startswith("application/problem+json")

    def test_the_route_and_every_field_are_described(self) -> None:
        """Điều 10 khoản 1 (one software for every party): the contract says what it lists and its bound."""
        spec = build("profile-api", "postgresql+asyncpg://unused/none", None).openapi()
        route = spec["paths"][TASKS]["get"]
        assert "at most" in route["description"] and route["summary"]
        assert all(p.get("description") for p in route["parameters"])
        schemas = spec["components"]["schemas"]
        for name in ("TaskList", "Task", "Subject", "KindCount", "Window"):
            missing = [f for f, prop in schemas[name]["properties"].items() if not prop.get("description")]
            assert missing == [], name
