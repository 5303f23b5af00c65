"""Moves out of the province (QĐ 6187/QĐ-UBND Điều 12 khoản 2.1), and the duties a transfer gives each party in
`GET /api/v1/tasks`: the receiver accepts (khoản 1 điểm a), the person re-checks (khoản 1 điểm b), DOHA hands a
move to a central body over nationally (khoản 2.1 điểm b)."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from hoso_shared.db.models import Account, Profile, Transfer
from hoso_shared.deadlines import HANOI_2024
from hoso_shared.time import STATUTORY
from tests.profile_api.transfers.conftest import DECISION, Move


def _leaving(move: Move, **extra: Any) -> dict[str, Any]:
    return {"event": "transfer_out", "effective_on": "2026-12-01", "occurred_on": "2026-11-26", "decision": DECISION,
            "attachment_ids": [str(move.world.scan.id)], **extra}


async def _approved(move: Move, body: dict[str, Any]) -> None:
    proposed = await move.apis.profile.post(f"/api/v1/profiles/{move.world.person.id}/lifecycle",
                                            headers=move.auth["agency_admin"], json=body)
    assert proposed.status_code == 202, proposed.text
    # The world's record lacks items DU-TRUONG asks: the approver records why the move goes ahead anyway (Điều 7).
    approved = await move.apis.approval.post(
        f"/api/v1/change-requests/{proposed.json()['change_request_id']}/approve", headers=move.auth["approver"],
        json={"override_reason": "Quyết định đã có hiệu lực"})
    assert approved.status_code == 200 and approved.json()["state"] == "applied", approved.text


async def _tasks(move: Move, who: str, kind: str) -> list[dict[str, Any]]:
    r = await move.apis.profile.get(f"/api/v1/tasks?kind={kind}", headers=move.auth[who])
    assert r.status_code == 200, r.text
    tasks: list[dict[str, Any]] = r.json()["items"]
    return tasks


class TestOutOfTheProvince:
    async def test_leaving_the_province_changes_the_status_and_closes_access(
            self, session: AsyncSession, move: Move) -> None:
        """Điều 12 khoản 2.1 điểm a: the managing agency changes the record's status and revokes the person's
        access; khoản 3: the record is kept (archived), not deleted. No national hand-over is asked."""
        await _approved(move, _leaving(move, destination="Sở Nội vụ tỉnh Bắc Ninh"))
        person = await session.get(Profile, move.world.person.id, populate_existing=True)
        assert person is not None and person.status == "transferred_out" and person.archived_at is not None
        account = await session.get(Account, move.world.accounts["officer"].id, populate_existing=True)
        assert account is not None and account.disabled_at is not None
        assert (await session.scalars(select(Transfer))).all() == []
        assert await _tasks(move, "doha_admin", "hand_over_nationally") == []

    async def test_a_move_to_a_central_body_is_reported_to_doha_who_hands_it_over(
            self, session: AsyncSession, move: Move) -> None:
        """Điều 12 khoản 2.1 điểm b: moving to a body of the national database, the agency reports to DOHA to
        transfer the data: DOHA has the task, an agency cannot close it, DOHA records the hand-over's reference."""
        await _approved(move, _leaving(move, to_central_body=True, destination="Bộ Nội vụ"))
        (task,) = await _tasks(move, "doha_admin", "hand_over_nationally")
        assert task["subject"]["person_name"] == "Trần Văn Bình" and "Bộ Nội vụ" in task["title"]
        transfer_id = task["subject"]["transfer_id"]
        listed = await move.apis.profile.get("/api/v1/transfers?state=reported", headers=move.auth["agency_admin"])
        assert [t["destination"] for t in listed.json()["items"]] == ["Bộ Nội vụ"]
        path = f"/api/v1/transfers/{transfer_id}/hand-over"
        agency = await move.apis.profile.post(path, headers=move.auth["agency_admin"], json={"reference": "x"})
        assert agency.status_code == 403
        done = await move.apis.profile.post(path, headers=move.auth["doha_admin"],
                                            json={"reference": "CV 77/SNV-CCVC"})
        assert done.status_code == 200 and (done.json()["state"], done.json()["note"]) == (
            "handed_over", "CV 77/SNV-CCVC")
        assert await _tasks(move, "doha_admin", "hand_over_nationally") == []

    async def test_a_central_body_is_named(self, move: Move) -> None:
        """Điều 12 khoản 2.1 điểm b: the report says where the person went; only a move out can name it."""
        for body in (_leaving(move, to_central_body=True),
                     {**_leaving(move, to_central_body=True, destination="Bộ Nội vụ"), "event": "retire"}):
            r = await move.apis.profile.post(f"/api/v1/profiles/{move.world.person.id}/lifecycle",
                                             headers=move.auth["agency_admin"], json=body)
            assert r.status_code == 422, r.text


class TestTasks:
    async def test_the_receiver_is_asked_to_accept_by_the_policys_day(self, move: Move) -> None:
        """Điều 12 khoản 1 điểm a: the receiving agency takes the record and account over; due
        `transfer_accept_due` (5 working days under hanoi-2024) of the day proposed. The sender has no such task."""
        proposed = await move.propose()
        (task,) = await _tasks(move, "receiver_admin", "accept_transfer")
        since = date.fromisoformat(task["since"])
        assert task["subject"]["transfer_id"] == proposed["id"]
        assert task["link"] == f"/api/v1/transfers/{proposed['id']}"
        assert task["due_on"] == proposed["due_on"] == HANOI_2024.transfer_accept_due(since, STATUTORY).isoformat()
        assert task["overdue"] is False
        assert await _tasks(move, "agency_admin", "accept_transfer") == []
        assert await _tasks(move, "third_admin", "accept_transfer") == []

    async def test_the_person_rechecks_their_record_after_the_move(self, move: Move) -> None:
        """Điều 12 khoản 1 điểm b: after the move the person checks their data in the new unit and updates it as
        Điều 6 asks; "I have checked my record" closes the task."""
        assert await _tasks(move, "officer", "recheck_after_move") == []
        proposed = await move.propose()
        r = await move.apis.profile.post(f"/api/v1/transfers/{proposed['id']}/accept",
                                         headers=move.auth["receiver_admin"])
        assert r.status_code == 200
        (task,) = await _tasks(move, "officer", "recheck_after_move")
        since = date.fromisoformat(task["since"])
        assert task["due_on"] == HANOI_2024.recheck_due(since, STATUTORY).isoformat()
        assert task["subject"]["org_unit_id"] == str(move.world.elsewhere.id)
        checked = await move.apis.profile.post(f"/api/v1/profiles/{move.world.person.id}/review",
                                               headers=move.auth["officer"])
        assert checked.status_code == 200, checked.text
        assert await _tasks(move, "officer", "recheck_after_move") == []
