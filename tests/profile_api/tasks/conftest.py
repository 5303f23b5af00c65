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
    Decision,
    OrgUnit,
    OutboxRow,
    Packet,
    Profile,
    QuarterlyReview,
    SyncBatch,
)
from hoso_shared.time import ZONE, FixedClock
from tests.conftest import AppClient
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
                            submitted_at=vn(submitted) if submitted else None,
                            # A returned request's `comment` is the requester's own note; the reason is on the trail.
                            comment="Ghi chú của người đề nghị" if state == "returned" else comment,
                            national_reason=national_reason, updated_at=vn(updated or D(2026, 11, 1)))
    session.add(request)
    await session.flush()
    if state == "returned" and comment:  # the approver's reason is on the trail, as approval-api keeps it
        session.add(Decision(change_request_id=request.id, action="return", from_state="submitted",
                             to_state="returned", actor_name="approver", comment=comment))
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
    if task["kind"] in ("create_incoming_account", "recheck_after_move"):
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
