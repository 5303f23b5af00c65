"""Every action, from every state, by every role — over HTTP, with the outcome written out by hand
(not derived from the workflow module), so a change to who-may-do-what fails here."""

from __future__ import annotations

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from approval_api.change_requests.workflow import Action, Caller, Refusal, refusal
from hoso_shared.db.models import Decision
from tests.approval_api.conftest import Apis, World

STATES = ["draft", "submitted", "approved", "rejected", "returned", "applied", "withdrawn"]
ACTIONS = ["submit", "approve", "reject", "return", "withdraw"]
FROM = {"submit": {"draft", "returned"}, "approve": {"submitted"}, "reject": {"submitted"},
        "return": {"submitted"}, "withdraw": {"draft", "submitted", "returned"}}
RESULT = {"submit": "submitted", "approve": "applied", "reject": "rejected", "return": "returned",
          "withdraw": "withdrawn"}
PROPOSERS = {"submit", "withdraw"}
# role → (actions it may take, status when it may not). The request is made by "officer" about their own
# record, in "agency"; "delegate" is a colleague to whom the agency's approver delegated.
ROLES: dict[str, tuple[set[str], int]] = {
    "officer": (PROPOSERS, 403),  # the requester: proposes, never decides
    "colleague": (set(), 404),  # another officer of the unit: sees nothing of it
    "agency_admin": (PROPOSERS, 403),  # the agency's HR staff: manage proposals, do not decide
    "hr_system": (PROPOSERS, 403),  # the provincial HR system (change-requests:write)
    "approver": ({"approve", "reject", "return"}, 403),
    "approver_elsewhere": (set(), 404),  # decides, but another unit: the request is invisible
    "doha_admin": ({"approve", "reject", "return"}, 403),
    # A delegation lends the power to decide (and the sight of what it covers), nothing else.
    "delegate": ({"approve", "reject", "return"}, 403),
}

def expected(role: str, action: str, state: str) -> tuple[int, str]:
    allowed, refused = ROLES[role]
    if action not in allowed:
        return refused, state
    if state not in FROM[action]:
        return 409, state
    return 200, RESULT[action]

@pytest.mark.parametrize("role", sorted(ROLES))
async def test_every_action_from_every_state(role: str, session: AsyncSession, apis: Apis, world: World) -> None:
    if role == "delegate":
        await _delegate_to_colleague(apis, world)
    headers = world.auth["colleague" if role == "delegate" else role]
    failures = []
    for action in ACTIONS:
        for state in STATES:
            request = await world.request(session, state=state)
            body = {"comment": "Thiếu quyết định gốc"} if action in ("reject", "return") else None
            response = await apis.approval.post(f"/api/v1/change-requests/{request.id}/{action}", headers=headers,
                                                json=body)
            status, after = expected(role, action, state)
            await session.refresh(request)
            if (response.status_code, request.state) != (status, after):
                failures.append(f"{action} from {state}: {response.status_code} {request.state} "
                                f"(expected {status} {after}) {response.text[:160]}")
            elif status >= 400:
                assert response.headers["content-type"].startswith("application/problem+json")
    assert not failures, "\n".join(failures)

async def _delegate_to_colleague(apis: Apis, world: World) -> None:
    response = await apis.approval.post("/api/v1/delegations", headers=world.auth["approver"], json={
        "delegate_id": str(world.accounts["colleague"].id), "starts_on": "2026-11-01", "ends_on": "2026-12-31"})
    assert response.status_code == 201, response.text

class TestRules:
    async def test_nobody_decides_their_own_request(self, session: AsyncSession, apis: Apis, world: World) -> None:
        own = await world.request(session, by="approver")
        r = await apis.approval.post(f"/api/v1/change-requests/{own.id}/approve", headers=world.auth["approver"])
        assert r.status_code == 403 and r.json()["type"] == "urn:hoso:problem:own-request"

    async def test_nor_a_request_about_their_own_record(self, session: AsyncSession, apis: Apis,
                                                        world: World) -> None:
        # The approver's own record, proposed by the agency's HR staff.
        world.accounts["approver"].profile_id = world.person.id
        await session.flush()
        from tests.factories import bearer, principal_for

        headers = bearer(world.issuer, principal_for(world.accounts["approver"], world.agency))
        request = await world.request(session, by="agency_admin")
        r = await apis.approval.post(f"/api/v1/change-requests/{request.id}/approve", headers=headers)
        assert r.status_code == 403 and r.json()["type"] == "urn:hoso:problem:own-request"

    @pytest.mark.parametrize("action", ["reject", "return"])
    async def test_reject_and_return_need_a_comment(self, action: str, session: AsyncSession, apis: Apis,
                                                    world: World) -> None:
        request = await world.request(session)
        for body in (None, {"comment": "   "}):
            r = await apis.approval.post(f"/api/v1/change-requests/{request.id}/{action}",
                                         headers=world.auth["approver"], json=body)
            assert r.status_code == 422, r.text
        await session.refresh(request)
        assert request.state == "submitted"

    async def test_submission_needs_the_evidence_domain_names(self, session: AsyncSession, apis: Apis,
                                                               world: World) -> None:
        bare = await world.request(session, state="draft", payload={"items": {"full_name": "Trần Văn Bính"}},
                                   attachments=False)
        r = await apis.approval.post(f"/api/v1/change-requests/{bare.id}/submit", headers=world.auth["officer"])
        assert r.status_code == 422 and r.json()["type"] == "urn:hoso:problem:evidence-required"
        proven = await world.request(session, state="draft", payload={"items": {"full_name": "Trần Văn Bính"}},
                                     attachments=True)
        r = await apis.approval.post(f"/api/v1/change-requests/{proven.id}/submit", headers=world.auth["officer"])
        assert r.status_code == 200 and r.json()["state"] == "submitted"

    async def test_every_transition_leaves_a_decision(self, session: AsyncSession, apis: Apis, world: World) -> None:
        request = await world.request(session, state="draft")
        for action, headers in (("submit", "officer"), ("return", "approver"), ("submit", "officer"),
                                ("approve", "approver")):
            r = await apis.approval.post(f"/api/v1/change-requests/{request.id}/{action}",
                                         headers=world.auth[headers], json={"comment": "Bổ sung"})
            assert r.status_code == 200, r.text
        detail = (await apis.approval.get(f"/api/v1/change-requests/{request.id}",
                                          headers=world.auth["officer"])).json()
        assert [(d["action"], d["to_state"]) for d in detail["decisions"]] == [
            ("submit", "submitted"), ("return", "returned"), ("submit", "submitted"), ("approve", "approved"),
            ("apply", "applied")]
        assert detail["applied_version"] == 2
        rows = (await session.execute(Decision.__table__.select().where(
            Decision.change_request_id == request.id))).all()
        assert len(rows) == 5

def test_the_pure_table_refuses_visibility_first() -> None:
    """A caller who cannot see the request learns nothing, not even that the state is wrong."""
    nobody = Caller(is_requester=False, is_subject=False, writes_unit=False, decides_unit=False, reads_unit=False)
    for action in Action:
        assert refusal(action, "applied", nobody) is Refusal.NOT_VISIBLE
    approver = Caller(is_requester=False, is_subject=False, writes_unit=False, decides_unit=True, reads_unit=True)
    assert refusal(Action.APPROVE, "submitted", approver) is None
    assert refusal(Action.REJECT, "submitted", approver) is Refusal.COMMENT
