"""The date the information changed, on every change request: required, never in the future, and measured
at submission against the policy's self-update deadline (QĐ 6187/QĐ-UBND Điều 6 khoản 3: "tối đa không quá 05
ngày làm việc kể từ ngày có thông tin thay đổi"). A late update is taken, flagged with its working days late,
and counted by SONG-CHANGE-001 in the record's findings and its unit's scorecard.

Hand-counted across Tết 2026 (Mon 16 – Fri 20 Feb off): a change of Fri 13 Feb is due by Fri 27 Feb (Mon 23
(1) … Fri 27 (5)); entered on Tue 3 Mar, the 7th working day (Mon 2 (6), Tue 3 (7)), it is 2 working days late."""

from __future__ import annotations

import dataclasses
import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from hoso_shared.auth import TokenIssuer
from hoso_shared.db.models import ChangeRequest
from hoso_shared.time import local_today
from tests.approval_api.conftest import SERVICE, Apis, World
from tests.factories import bearer

OCCURRED = "2026-02-13"  # Friday before Tết
LAST_DAY = datetime(2026, 2, 27, 3, 0, tzinfo=UTC)  # Fri 27 Feb, 10:00 in Hà Nội: the 5th working day
SEVENTH = datetime(2026, 3, 3, 3, 0, tzinfo=UTC)  # Tue 3 Mar: the 7th working day
FORWARDER = dataclasses.replace(SERVICE, scopes=frozenset({"change-requests:forward"}))


async def _propose(apis: Apis, world: World, occurred_on: str, *, other_names: str = "Bình An") -> Any:
    return await apis.profile.patch(f"/api/v1/profiles/{world.person.id}", headers=world.auth["officer"], json={
        "items": {"other_names": other_names}, "occurred_on": occurred_on, "attachment_ids": [str(world.scan.id)]})


async def _codes(apis: Apis, world: World) -> list[dict[str, Any]]:
    quality = await apis.profile.get(f"/api/v1/profiles/{world.person.id}/quality", headers=world.auth["approver"])
    assert quality.status_code == 200, quality.text
    return [f for f in quality.json()["findings"] if f["code"] == "SONG-CHANGE-001"]


def _forwarded(world: World, occurred_on: str, **extra: Any) -> dict[str, Any]:
    return {"id": str(uuid.uuid4()), "profile_id": str(world.person.id), "org_unit_id": str(world.agency.id),
            "base_version": 1, "payload": {"items": {"other_names": "Bình An"}},
            "attachment_ids": [str(world.scan.id)], "requested_by": str(world.accounts["officer"].id),
            "occurred_on": occurred_on, **extra}


class TestLateness:
    async def test_a_change_entered_seven_working_days_after_it_is_two_late_and_counted(
            self, session: AsyncSession, apis: Apis, world: World) -> None:
        """Điều 6 khoản 3: 5 working days from the change. Entered on the 7th (across Tết), it is taken, flagged
        2 working days late on the request, and SONG-CHANGE-001 counts it for the record and its unit."""
        apis.at(SEVENTH)
        proposed = await _propose(apis, world, OCCURRED)
        assert proposed.status_code == 202, proposed.text
        assert (proposed.json()["state"], proposed.json()["occurred_on"], proposed.json()["late_working_days"]) == (
            "submitted", OCCURRED, 2)
        stored = await apis.approval.get(f"/api/v1/change-requests/{proposed.json()['change_request_id']}",
                                         headers=world.auth["officer"])
        assert (stored.json()["occurred_on"], stored.json()["late_working_days"]) == (OCCURRED, 2)
        row = await session.get(ChangeRequest, uuid.UUID(proposed.json()["change_request_id"]))
        assert row is not None and (row.occurred_on, row.late_working_days) == (date(2026, 2, 13), 2)

        [finding] = await _codes(apis, world)
        assert "13/02/2026" in finding["message_vi"] and "03/03/2026" in finding["message_vi"]
        assert "trễ 2 ngày làm việc" in finding["message_vi"] and "27/02/2026" in finding["message_vi"]
        card = await apis.profile.get(f"/api/v1/quality/scorecards/{world.agency.id}", headers=world.auth["approver"])
        assert card.status_code == 200, card.text
        [late] = [r for r in card.json()["rules"] if r["code"] == "SONG-CHANGE-001"]
        assert (late["records"], late["findings"]) == (1, 1)

    async def test_a_change_entered_on_its_last_day_is_on_time(self, session: AsyncSession, apis: Apis,
                                                               world: World) -> None:
        """Điều 6 khoản 3: entered on the 5th working day (Fri 27 Feb across Tết), the update is on time: not
        flagged, not counted."""
        apis.at(LAST_DAY)
        proposed = await _propose(apis, world, OCCURRED)
        assert proposed.status_code == 202, proposed.text
        assert proposed.json()["late_working_days"] is None
        stored = await apis.approval.get(f"/api/v1/change-requests/{proposed.json()['change_request_id']}",
                                         headers=world.auth["officer"])
        assert (stored.json()["occurred_on"], stored.json()["late_working_days"]) == (OCCURRED, None)
        assert await _codes(apis, world) == []

    async def test_a_draft_is_measured_when_it_is_submitted(self, session: AsyncSession, apis: Apis, world: World,
                                                            token_issuer: TokenIssuer) -> None:
        """Điều 6 khoản 3 counts to the day the update is entered: a draft made in time but submitted on the 7th
        working day is 2 late; withdrawn, it is not counted (SONG-CHANGE-001 skips withdrawn changes)."""
        apis.at(datetime(2026, 2, 24, 3, 0, tzinfo=UTC))
        draft = await apis.approval.post("/api/v1/change-requests", headers=bearer(token_issuer, FORWARDER),
                                         json=_forwarded(world, OCCURRED, submit=False))
        assert draft.status_code == 201, draft.text
        assert (draft.json()["state"], draft.json()["late_working_days"]) == ("draft", None)
        apis.at(SEVENTH)
        submitted = await apis.approval.post(f"/api/v1/change-requests/{draft.json()['id']}/submit",
                                             headers=world.auth["officer"])
        assert submitted.status_code == 200, submitted.text
        assert (submitted.json()["state"], submitted.json()["late_working_days"]) == ("submitted", 2)
        assert len(await _codes(apis, world)) == 1
        withdrawn = await apis.approval.post(f"/api/v1/change-requests/{draft.json()['id']}/withdraw",
                                             headers=world.auth["officer"])
        assert withdrawn.status_code == 200, withdrawn.text
        assert await _codes(apis, world) == []

    async def test_the_approval_api_route_measures_it_too(self, session: AsyncSession, apis: Apis, world: World,
                                                          token_issuer: TokenIssuer) -> None:
        """Điều 6 khoản 3, for a client that creates the request on approval-api directly."""
        apis.at(SEVENTH)
        created = await apis.approval.post("/api/v1/change-requests", headers=bearer(token_issuer, FORWARDER),
                                           json=_forwarded(world, OCCURRED))
        assert created.status_code == 201, created.text
        assert (created.json()["state"], created.json()["late_working_days"]) == ("submitted", 2)


class TestTheDate:
    async def test_it_is_required_on_every_proposal(self, session: AsyncSession, apis: Apis, world: World,
                                                    token_issuer: TokenIssuer) -> None:
        """Điều 6 khoản 3 measures from "ngày có thông tin thay đổi": a proposal without it is refused (422)
        before anything is forwarded."""
        base, auth = f"/api/v1/profiles/{world.person.id}", world.auth["agency_admin"]
        evidence = {"attachment_ids": [str(world.scan.id)]}
        for method, path, body in (
                ("PATCH", base, {"items": {"other_names": "Bình An"}, **evidence}),
                ("POST", f"{base}/awards", {"row": {"year": 2024, "award": "Bằng khen"}, **evidence}),
                ("POST", f"{base}/lifecycle", {"event": "resign", "effective_on": "2026-11-30", **evidence,
                                               "decision": {"number": "1/QĐ", "issued_on": "2026-11-20",
                                                            "issuer": "Sở Nội vụ"}})):
            r = await apis.profile.request(method, path, headers=auth, json=body)
            assert r.status_code == 422, f"{method} {path}: {r.text}"
            assert r.headers["content-type"].startswith("application/problem+json")
            assert "occurred_on" in r.text
        forwarded = _forwarded(world, OCCURRED)
        del forwarded["occurred_on"]
        r = await apis.approval.post("/api/v1/change-requests", headers=bearer(token_issuer, FORWARDER),
                                     json=forwarded)
        assert r.status_code == 422 and "occurred_on" in r.text
        assert (await apis.approval.get("/api/v1/change-requests", headers=world.auth["officer"])).json()["items"] == []

    async def test_it_is_never_in_the_future(self, session: AsyncSession, apis: Apis, world: World,
                                             token_issuer: TokenIssuer) -> None:
        """Điều 6 khoản 3: a change is entered after it happens; a date after today is refused with a
        Vietnamese message, by profile-api and by approval-api's own route."""
        tomorrow = (local_today() + timedelta(days=1)).isoformat()  # profile-api runs on the real clock
        r = await _propose(apis, world, tomorrow)
        assert r.status_code == 422 and r.json()["type"] == "urn:hoso:problem:occurred-in-future", r.text
        assert "không thể sau ngày hôm nay" in r.json()["detail"]
        apis.at(SEVENTH)
        r = await apis.approval.post("/api/v1/change-requests", headers=bearer(token_issuer, FORWARDER),
                                     json=_forwarded(world, "2026-03-04"))
        assert r.status_code == 422 and r.json()["type"] == "urn:hoso:problem:occurred-in-future", r.text
        assert "04/03/2026" in r.json()["detail"]
        assert (await apis.approval.get("/api/v1/change-requests", headers=world.auth["officer"])).json()["items"] == []
