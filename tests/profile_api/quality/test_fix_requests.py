"""POST /api/v1/quality/fix-requests ("Đề nghị cập nhật", issue 16): HR asks the person whose record it is to fix
what a rule finds in it; the person sees it as a task (`fix_record`, GET /api/v1/tasks) due as a self-update, and
it closes when the rule no longer fails. Fixed clock: Fri 27/11/2026 10:00 in Hà Nội."""

from __future__ import annotations

import random
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from hoso_devstack.demo import citizen_id
from hoso_shared import records
from hoso_shared.auth import TokenIssuer
from hoso_shared.db.models import AuditEntry, FixRequest
from hoso_shared.time import FixedClock
from tests.conftest import AppClient
from tests.factories import CIPHER
from tests.profile_api.quality.helpers import Province, province

NOW = datetime(2026, 11, 27, 3, 0, tzinfo=UTC)  # Fri 27/11/2026 10:00 in Hà Nội
ASK = "/api/v1/quality/fix-requests"
RULE = "DUNG-CCCD-003"  # the helpers' defective citizen IDs fail it


@pytest.fixture
async def api(client_for: Any) -> AppClient:
    client: AppClient = await client_for("profile-api", wiring={"clock": FixedClock(NOW)})
    return client


@pytest.fixture
async def world(session: AsyncSession, token_issuer: TokenIssuer) -> Province:
    return await province(session, token_issuer)


async def fixes_of(api: AppClient, world: Province, who: str) -> list[dict[str, Any]]:
    response = await api.get("/api/v1/tasks", headers=world.auth[who], params={"kind": "fix_record"})
    assert response.status_code == 200, response.text
    return [t for t in response.json()["items"] if t["kind"] == "fix_record"]


class TestAskToFix:
    async def test_the_person_sees_the_task_due_as_a_self_update(self, api: AppClient, world: Province,
                                                                session: AsyncSession) -> None:
        """Điều 6 khoản 1: a self-update within 5 working days (hanoi-2024). From Fri 27/11/2026: Mon 30 (1),
        Tue 1/12 (2), Wed 2 (3), Thu 3 (4), Fri 4/12 (5)."""
        me = world.people["a1"][0]
        response = await api.post(ASK, headers=world.auth["agency_admin"],
                                  json={"profile_id": str(me.id), "rule_code": RULE})
        assert response.status_code == 201, response.text
        body = response.json()
        assert body["due_on"] == "2026-12-04" and body["open"] is True and body["rule_code"] == RULE
        assert "định danh" in body["message"]  # the judge's Vietnamese message for this record
        [task] = await fixes_of(api, world, "officer")
        assert task["due_on"] == "2026-12-04" and task["overdue"] is False and task["basis"] == "Điều 6 khoản 1"
        assert task["subject"]["profile_id"] == str(me.id) and task["subject"]["rule_code"] == RULE
        assert body["message"] in task["title"]
        audit = (await session.scalars(select(AuditEntry).where(AuditEntry.action == "ask_to_fix"))).all()
        assert [(a.entity, a.entity_id) for a in audit] == [("profile", str(me.id))]
        stored = (await session.scalars(select(FixRequest))).one()
        assert stored.message == body["message"]  # opened by the engine's cipher: sealed at rest

    async def test_asking_again_returns_the_open_request(self, api: AppClient, world: Province) -> None:
        ask = {"profile_id": str(world.people["a1"][0].id), "rule_code": RULE}
        first = await api.post(ASK, headers=world.auth["agency_admin"], json=ask)
        again = await api.post(ASK, headers=world.auth["doha_admin"], json=ask)
        assert (first.status_code, again.status_code) == (201, 200)
        assert again.json()["id"] == first.json()["id"]
        assert len(await fixes_of(api, world, "officer")) == 1

    async def test_a_record_outside_the_subtree_is_404_and_nothing_is_stored(
        self, api: AppClient, world: Province, session: AsyncSession
    ) -> None:
        in_b = world.people["b"][0]  # defective too
        response = await api.post(ASK, headers=world.auth["agency_admin"],
                                  json={"profile_id": str(in_b.id), "rule_code": RULE})
        assert response.status_code == 404 and response.json()["type"].endswith("profile-not-found")
        assert (await session.scalars(select(FixRequest))).all() == []
        assert (await api.post(ASK, headers=world.auth["agency_admin_b"],
                               json={"profile_id": str(in_b.id), "rule_code": RULE})).status_code == 201

    async def test_only_hr_may_ask(self, api: AppClient, world: Province) -> None:
        ask = {"profile_id": str(world.people["a1"][0].id), "rule_code": RULE}
        for role in ("approver", "officer"):
            assert (await api.post(ASK, headers=world.auth[role], json=ask)).status_code == 403, role

    async def test_a_rule_that_does_not_fail_or_does_not_exist_is_refused(self, api: AppClient,
                                                                          world: Province) -> None:
        clean = world.people["a1"][1]
        refused = await api.post(ASK, headers=world.auth["agency_admin"],
                                 json={"profile_id": str(clean.id), "rule_code": RULE})
        assert refused.status_code == 409 and refused.json()["type"].endswith("rule-not-failing")
        unknown = await api.post(ASK, headers=world.auth["agency_admin"],
                                 json={"profile_id": str(clean.id), "rule_code": "DUNG-XXXX-999"})
        assert unknown.status_code == 422 and unknown.json()["type"].endswith("unknown-rule")

    @pytest.mark.parametrize("rule", ["SONG-APPROVE-001", "SONG-SYNC-001", "SONG-CITIZEN-001"])
    async def test_a_rule_that_is_another_partys_duty_is_not_asked_of_the_person(
            self, api: AppClient, world: Province, session: AsyncSession, rule: str) -> None:
        """Điều 6 khoản 1 puts the person's own data on the person; an approval overdue is the approver's (Điều 7),
        a pending sync the agency's and DOHA's (Điều 14–15), the register check HR's: no task for the person,
        and the scorecard says so, so the portal offers no button."""
        me = world.people["a1"][0]
        refused = await api.post(ASK, headers=world.auth["agency_admin"],
                                 json={"profile_id": str(me.id), "rule_code": rule})
        assert refused.status_code == 422 and refused.json()["type"].endswith("not-the-persons-to-fix")
        assert refused.json()["acts"] and not await fixes_of(api, world, "officer")
        card = (await api.get(f"/api/v1/quality/scorecards/{world.a1.id}", headers=world.auth["agency_admin"])).json()
        fixable = {r["code"]: r["persons_to_fix"] for r in card["rules"]}
        assert fixable["DUNG-CCCD-003"] is True and fixable["SONG-CITIZEN-002"] is False


class TestClosing:
    async def test_it_closes_when_the_rule_no_longer_fails(self, api: AppClient, world: Province,
                                                            session: AsyncSession) -> None:
        me = world.people["a1"][0]
        ask = {"profile_id": str(me.id), "rule_code": RULE}
        first = (await api.post(ASK, headers=world.auth["agency_admin"], json=ask)).json()
        await api.get(f"/api/v1/quality/scorecards/{world.a1.id}", headers=world.auth["agency_admin"])
        assert len(await fixes_of(api, world, "officer")) == 1  # judged, still failing: still open

        items = records.read_items(me, CIPHER, sensitive=True)
        items["citizen_id"] = citizen_id(random.Random(7), me.birth_date, "F", set())
        records.apply_items(me, items, CIPHER)  # HR corrects it (the person's approved request would do the same)
        await session.flush()  # the record's triggers mark its verdict stale
        await api.get(f"/api/v1/quality/scorecards/{world.a1.id}", headers=world.auth["agency_admin"])  # re-judged

        assert await fixes_of(api, world, "officer") == []
        stored = await session.get(FixRequest, first["id"], populate_existing=True)
        assert stored is not None and stored.closed_at is not None
        # Closed for good: should the rule fail again, asking makes a new request.
        assert (await api.post(ASK, headers=world.auth["agency_admin"], json=ask)).status_code == 409


