"""A transfer between two agencies of the province, handed over (QĐ 6187/QĐ-UBND Điều 12 khoản 1): the sending
agency proposes it with its decision, the receiving agency accepts (the record, its history and the person's
account move, in one transaction) or refuses; access follows the record at the moment of acceptance."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from hoso_shared.db.models import Account, AccountAccessChange, OutboxRow, Profile, ProfileAssignment, Transfer
from tests.profile_api.transfers.conftest import DECISION, Move

READS = ("", "/versions", "/attachments", "/versions/1/diff/2")


async def _statuses(move: Move, who: str) -> set[int]:
    pid = move.world.person.id
    return {(await move.apis.profile.get(f"/api/v1/profiles/{pid}{tail}", headers=move.auth[who])).status_code
            for tail in READS}


class TestAcrossTheMoment:
    async def test_the_receiver_sees_only_the_proposal_until_it_accepts_then_the_sender_loses_the_record(
            self, session: AsyncSession, move: Move) -> None:
        """Điều 12 khoản 1 điểm a: the record and account move from the old unit to the new one, which receives
        them. Before acceptance the receiver reads the proposal (name, date of birth, decision), never the record;
        from acceptance the receiver reads the record and its history and the sender reads nothing of it."""
        proposed = await move.propose()
        assert (proposed["state"], proposed["person_name"], proposed["decision"]) == (
            "proposed", "Trần Văn Bình", DECISION)
        assert proposed["due_on"] is not None and proposed["overdue"] is False
        assert {404} == {(await move.apis.profile.get(f"/api/v1/profiles/{move.world.person.id}{tail}",
                                                      headers=move.auth["receiver_admin"])).status_code
                         for tail in ("", "/versions", "/attachments")}
        seen = await move.apis.profile.get(f"/api/v1/transfers/{proposed['id']}", headers=move.auth["receiver_admin"])
        assert seen.status_code == 200 and seen.json()["person_name"] == "Trần Văn Bình"
        assert (await move.apis.profile.get(f"/api/v1/profiles/{move.world.person.id}",
                                            headers=move.auth["agency_admin"])).status_code == 200

        accepted = await move.apis.profile.post(f"/api/v1/transfers/{proposed['id']}/accept",
                                                headers=move.auth["receiver_admin"])
        assert accepted.status_code == 200, accepted.text
        assert accepted.json()["state"] == "accepted" and accepted.json()["placed_unit"]["id"] == str(
            move.world.elsewhere.id)
        for who in ("agency_admin", "approver"):
            assert await _statuses(move, who) == {404}, who
        assert await _statuses(move, "receiver_admin") == {200}  # the record and its history, version 1 included
        assert (await move.apis.profile.get(f"/api/v1/profiles/{move.world.person.id}",
                                            headers=move.auth["officer"])).status_code == 200

    async def test_acceptance_moves_record_history_account_and_announces_a_version_for_the_receiver(
            self, session: AsyncSession, move: Move) -> None:
        """Điều 12 khoản 1 điểm a, in one transaction: the record's unit, its assignment history (closed at the old
        unit on the effective day), the person's account, and a new version announced in the outbox under the
        receiving unit, so the receiver's monthly batch syncs the move (Điều 14)."""
        proposed = await move.propose()
        r = await move.apis.profile.post(f"/api/v1/transfers/{proposed['id']}/accept",
                                         headers=move.auth["receiver_admin"], json={"org_unit_id": str(move.school.id)})
        assert r.status_code == 200, r.text
        person = await session.get(Profile, move.world.person.id, populate_existing=True)
        assert person is not None and (person.org_unit_id, person.version) == (move.school.id, 2)
        account = await session.get(Account, move.world.accounts["officer"].id, populate_existing=True)
        assert account is not None and account.org_unit_id == move.school.id and account.disabled_at is None
        history = (await session.scalars(select(ProfileAssignment).where(
            ProfileAssignment.profile_id == person.id).order_by(ProfileAssignment.valid_from))).all()
        assert [(h.org_unit_id, h.reason) for h in history][-1] == (move.school.id, "transferred")
        row = await session.scalar(select(OutboxRow).where(OutboxRow.profile_id == person.id,
                                                           OutboxRow.profile_version == 2))
        assert row is not None and row.org_unit_id == move.school.id and row.payload["kind"] == "transferred"

    async def test_a_refusal_leaves_everything_where_it_was(self, session: AsyncSession, move: Move) -> None:
        """Điều 12 khoản 1 điểm a: the receiving agency may refuse (with its reason, required); nothing moves, the
        sender keeps the record and may propose again."""
        proposed = await move.propose()
        bare = await move.apis.profile.post(f"/api/v1/transfers/{proposed['id']}/refuse",
                                            headers=move.auth["receiver_admin"], json={"reason": "  "})
        assert bare.status_code == 422
        r = await move.apis.profile.post(f"/api/v1/transfers/{proposed['id']}/refuse",
                                         headers=move.auth["receiver_admin"], json={"reason": "Chưa đủ chỉ tiêu"})
        assert r.status_code == 200 and (r.json()["state"], r.json()["note"]) == ("refused", "Chưa đủ chỉ tiêu")
        person = await session.get(Profile, move.world.person.id, populate_existing=True)
        assert person is not None and (person.org_unit_id, person.version) == (move.world.agency.id, 1)
        account = await session.get(Account, move.world.accounts["officer"].id, populate_existing=True)
        assert account is not None and account.org_unit_id == move.world.agency.id
        assert await _statuses(move, "receiver_admin") == {404}
        assert (await move.apis.profile.get(f"/api/v1/profiles/{person.id}",
                                            headers=move.auth["agency_admin"])).status_code == 200
        again = await move.apis.profile.post(f"/api/v1/transfers/{proposed['id']}/accept",
                                             headers=move.auth["receiver_admin"])
        assert again.status_code == 409 and again.json()["state"] == "refused"
        await move.propose()  # the sender may propose again

    async def test_roles_held_at_the_sender_end_on_the_decision(self, session: AsyncSession, move: Move) -> None:
        """Điều 12 khoản 1 điểm a with Điều 18 khoản 1 and Điều 19 khoản 4: the person's approver role was the
        sender's to give; it ends with the move, recorded as an access change resting on the transfer's decision.
        The officer's own access (their record) moves with them."""
        account = move.world.accounts["officer"]
        account.roles = ["approver"]
        await session.flush()
        proposed = await move.propose()
        r = await move.apis.profile.post(f"/api/v1/transfers/{proposed['id']}/accept",
                                         headers=move.auth["receiver_admin"])
        assert r.status_code == 200, r.text
        await session.refresh(account)
        assert account.roles == ["officer"]
        change = await session.scalar(select(AccountAccessChange).where(AccountAccessChange.account_id == account.id))
        assert change is not None and (change.action, change.request_no, change.before, change.after) == (
            "roles", DECISION["number"], {"roles": ["approver"]}, {"roles": ["officer"]})


class TestWhoMayDoWhat:
    async def test_each_side_acts_on_its_own_step_and_a_third_agency_sees_nothing(
            self, session: AsyncSession, move: Move) -> None:
        """Điều 12 khoản 1 điểm a: the old unit proposes (and may withdraw), the new unit receives; an officer
        proposes nothing (Điều 16: the agency manages its people's moves); an agency party to neither side does
        not learn the transfer exists."""
        officer = await move.apis.profile.post("/api/v1/transfers", headers=move.auth["officer"],
                                               json=move.proposal())
        assert officer.status_code == 403
        proposed = await move.propose()
        path = f"/api/v1/transfers/{proposed['id']}"
        assert (await move.apis.profile.get(path, headers=move.auth["third_admin"])).status_code == 404
        third = await move.apis.profile.post(f"{path}/accept", headers=move.auth["third_admin"])
        assert third.status_code == 404
        listed = await move.apis.profile.get("/api/v1/transfers", headers=move.auth["third_admin"])
        assert listed.status_code == 200 and listed.json()["items"] == []
        sender = await move.apis.profile.post(f"{path}/accept", headers=move.auth["agency_admin"])
        assert sender.status_code == 403 and sender.json()["type"].endswith("not-the-receiver")
        receiver = await move.apis.profile.post(f"{path}/cancel", headers=move.auth["receiver_admin"])
        assert receiver.status_code == 403 and receiver.json()["type"].endswith("not-the-sender")
        incoming = await move.apis.profile.get("/api/v1/transfers?direction=incoming",
                                               headers=move.auth["receiver_admin"])
        assert [t["id"] for t in incoming.json()["items"]] == [proposed["id"]]
        outgoing = await move.apis.profile.get("/api/v1/transfers?direction=incoming",
                                               headers=move.auth["agency_admin"])
        assert outgoing.json()["items"] == []
        cancelled = await move.apis.profile.post(f"{path}/cancel", headers=move.auth["agency_admin"])
        assert cancelled.status_code == 200 and cancelled.json()["state"] == "cancelled"
        stored = await session.get(Transfer, proposed["id"], populate_existing=True)
        assert stored is not None and stored.state == "cancelled"

    async def test_a_proposal_is_refused_when_it_cannot_be_handed_over_cleanly(
            self, session: AsyncSession, move: Move) -> None:
        """Điều 12 khoản 1: a hand-over goes to another agency (inside one's own subtree, the lifecycle move
        serves), with the decision's scan on the record; the person's open change requests are decided first (so
        none is left in the sender's queue), and while the transfer waits no other change is proposed."""
        inside = await move.apis.profile.post("/api/v1/transfers", headers=move.auth["agency_admin"],
                                              json=move.proposal(to_org_unit_id=str(move.world.agency.id)))
        assert inside.status_code == 422 and inside.json()["type"].endswith("invalid-receiver")
        stranger = await move.apis.profile.post("/api/v1/transfers", headers=move.auth["agency_admin"],
                                                json=move.proposal(attachment_ids=[str(move.world.person.id)]))
        assert stranger.status_code == 422 and stranger.json()["type"].endswith("unknown-attachment")
        request = await move.world.request(session)
        waiting = await move.apis.profile.post("/api/v1/transfers", headers=move.auth["agency_admin"],
                                               json=move.proposal())
        assert waiting.status_code == 409 and waiting.json()["change_request_ids"] == [str(request.id)]
        request.state = "withdrawn"
        await session.flush()
        await move.propose()
        twice = await move.apis.profile.post("/api/v1/transfers", headers=move.auth["agency_admin"],
                                             json=move.proposal())
        assert twice.status_code == 409 and twice.json()["type"].endswith("transfer-pending")
        edit = await move.apis.profile.patch(f"/api/v1/profiles/{move.world.person.id}", headers=move.auth["officer"],
                                             json={"items": {"phone": "0987654321"}, "occurred_on": "2026-11-26",
                                                   "attachment_ids": [str(move.world.scan.id)]})
        assert edit.status_code == 409 and edit.json()["type"].endswith("transfer-pending")

    async def test_a_person_beyond_reach_cannot_be_proposed(self, session: AsyncSession, move: Move) -> None:
        """Điều 12 khoản 1 điểm a with Điều 8: only the agency managing the person proposes their move; another
        agency naming that person learns nothing (404, as for any record beyond its reach)."""
        r = await move.apis.profile.post("/api/v1/transfers", headers=move.auth["third_admin"],
                                         json=move.proposal(to_org_unit_id=str(move.world.elsewhere.id)))
        assert r.status_code == 404 and "Trần Văn Bình" not in r.text
        assert (await session.scalars(select(Transfer))).all() == []
