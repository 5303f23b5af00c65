"""Calls to the national side other than delivery, under the same policy: population-DB checks stored
with their date, and pulls of incoming people's records handed to profile-api with the caller's own
token (profile-api's refusals come back as they are). NDXP is faked with respx; profile-api is real."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import date
from typing import Any

import httpx
import pytest
import respx
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from hoso_shared import records
from hoso_shared.db.models import CitizenCheck, Profile
from tests.factories import CIPHER, make_profile
from tests.sync_gateway.conftest import NDXP, Stack
from tests.sync_gateway.test_pipeline import TOKEN

CHECK_URL = f"{NDXP}/population/v1/citizens/check"
PROBLEM = "urn:hoso:problem:"


@pytest.fixture
def ndxp() -> Iterator[respx.MockRouter]:
    with respx.mock(assert_all_called=False) as router:
        router.post(f"{NDXP}/oauth/token").mock(return_value=httpx.Response(200, json=TOKEN))
        yield router


def answer(result: str = "match", mismatched: list[str] | None = None) -> httpx.Response:
    return httpx.Response(200, json={"result": result, "mismatched": mismatched or [],
                                     "checked_at": "2026-11-23T09:00:00Z"})


async def checks(session: AsyncSession, profile_id: uuid.UUID) -> list[CitizenCheck]:
    return list((await session.scalars(select(CitizenCheck).where(CitizenCheck.profile_id == profile_id))).all())


def new_citizen_id() -> str:
    return f"{uuid.uuid4().int % 10**12:012d}"


class TestCitizenCheck:
    async def test_the_result_is_stored_with_its_date(self, session: AsyncSession, stack: Stack,
                                                      ndxp: respx.MockRouter) -> None:
        cid = new_citizen_id()
        mai = await make_profile(session, unit=stack.world.agency, full_name="Phạm Thị Mai", citizen_id=cid,
                                 birth_date=date(1990, 2, 14), sex="F")
        route = ndxp.post(CHECK_URL).mock(return_value=answer("mismatch", ["full_name"]))
        r = await stack.gateway.post("/api/v1/citizen-checks", json={"profile_id": str(mai.id)},
                                     headers=stack.world.auth["approver"])
        assert r.status_code == 201, r.text
        assert r.json()["result"] == "mismatch" and r.json()["mismatched"] == ["full_name"]
        assert route.call_count == 1
        sent = route.calls.last.request
        assert httpx.Response(200, content=sent.content).json() == {
            "citizen_id": cid, "full_name": "Phạm Thị Mai", "birth_date": "1990-02-14", "sex": "F",
            "ethnicity_code": "01"}  # the coded items too, when the record has them (religion: not here)
        assert sent.headers["Authorization"] == "Bearer t0k3n"
        (row,) = await checks(session, mai.id)
        assert (row.result, row.mismatched) == ("mismatch", ["full_name"])
        assert row.checked_at.isoformat() == r.json()["checked_at"].replace("Z", "+00:00")

    async def test_a_transient_failure_is_retried(self, session: AsyncSession, stack: Stack,
                                                  ndxp: respx.MockRouter) -> None:
        route = ndxp.post(CHECK_URL).mock(side_effect=[httpx.Response(503), answer()])
        r = await stack.gateway.post("/api/v1/citizen-checks", json={"profile_id": str(stack.world.person.id)},
                                     headers=stack.world.auth["approver"])
        assert r.status_code == 201 and r.json()["result"] == "match", r.text
        assert route.call_count == 2
        assert [c.result for c in await checks(session, stack.world.person.id)] == ["match"]

    async def test_three_failures_are_national_unavailable_and_store_nothing(self, session: AsyncSession,
                                                                             stack: Stack,
                                                                             ndxp: respx.MockRouter) -> None:
        route = ndxp.post(CHECK_URL).mock(return_value=httpx.Response(503, text="down for maintenance"))
        r = await stack.gateway.post("/api/v1/citizen-checks", json={"profile_id": str(stack.world.person.id)},
                                     headers=stack.world.auth["approver"])
        assert r.status_code == 503 and r.json()["type"] == PROBLEM + "national-unavailable", r.text
        assert r.headers["content-type"].startswith("application/problem+json")
        assert route.call_count == 3
        assert await checks(session, stack.world.person.id) == []

    async def test_a_connection_error_is_retried_too(self, session: AsyncSession, stack: Stack,
                                                     ndxp: respx.MockRouter) -> None:
        route = ndxp.post(CHECK_URL).mock(side_effect=[httpx.ConnectError("refused"), answer("not_found")])
        r = await stack.gateway.post("/api/v1/citizen-checks", json={"profile_id": str(stack.world.person.id)},
                                     headers=stack.world.auth["approver"])
        assert r.status_code == 201 and r.json()["result"] == "not_found", r.text
        assert route.call_count == 2

    async def test_a_refusal_is_a_502_not_retried(self, session: AsyncSession, stack: Stack,
                                                  ndxp: respx.MockRouter) -> None:
        route = ndxp.post(CHECK_URL).mock(return_value=httpx.Response(400, json={"error": "malformed"}))
        r = await stack.gateway.post("/api/v1/citizen-checks", json={"profile_id": str(stack.world.person.id)},
                                     headers=stack.world.auth["approver"])
        assert r.status_code == 502 and r.json()["type"] == PROBLEM + "national-refused", r.text
        assert route.call_count == 1 and await checks(session, stack.world.person.id) == []

    async def test_the_refusal_problem_states_its_own_status(self, stack: Stack, ndxp: respx.MockRouter) -> None:
        ndxp.post(CHECK_URL).mock(return_value=httpx.Response(400, json={"error": "malformed"}))
        r = await stack.gateway.post("/api/v1/citizen-checks", json={"profile_id": str(stack.world.person.id)},
                                     headers=stack.world.auth["approver"])
        assert r.status_code == 502
        assert r.json()["status"] == 502

    async def test_a_profile_outside_the_subtree_is_not_found(self, session: AsyncSession, stack: Stack,
                                                              ndxp: respx.MockRouter) -> None:
        stranger = await make_profile(session, unit=stack.world.elsewhere, full_name="Đỗ Văn Nam")
        route = ndxp.post(CHECK_URL).mock(return_value=answer())
        for profile_id in (stranger.id, uuid.uuid4()):
            r = await stack.gateway.post("/api/v1/citizen-checks", json={"profile_id": str(profile_id)},
                                         headers=stack.world.auth["approver"])
            assert r.status_code == 404 and r.json()["type"] == PROBLEM + "not-found", r.text
        assert route.call_count == 0 and await checks(session, stranger.id) == []

    async def test_an_officer_may_not_check(self, session: AsyncSession, stack: Stack,
                                            ndxp: respx.MockRouter) -> None:
        route = ndxp.post(CHECK_URL).mock(return_value=answer())
        r = await stack.gateway.post("/api/v1/citizen-checks", json={"profile_id": str(stack.world.person.id)},
                                     headers=stack.world.auth["officer"])  # their own record, but no profiles:read
        assert r.status_code == 403 and r.json()["missing_scopes"] == ["profiles:read"], r.text
        assert route.call_count == 0 and await checks(session, stack.world.person.id) == []

    async def test_no_token_is_401(self, stack: Stack) -> None:
        r = await stack.gateway.post("/api/v1/citizen-checks", json={"profile_id": str(stack.world.person.id)})
        assert r.status_code == 401


def national_record(cid: str) -> dict[str, Any]:
    return {"citizen_id": cid, "source_province": "79",
            "items": {"full_name": "Võ Thị Hạnh", "sex": "F", "birth_date": "1988-07-02", "ethnicity_code": "01",
                      "religion_code": "00", "birth_place": {"province": "TP. Hồ Chí Minh"},
                      "home_town": {"province": "Quảng Ngãi"}, "residence": {"province": "Hà Nội"}},
            "sections": {}}


class TestIncoming:
    # The gateway hands the record to profile-api over HTTP: the stack's is the test's own profile-api.

    def body(self, stack: Stack, cid: str, **overrides: Any) -> dict[str, Any]:
        return {"citizen_id": cid, "org_unit_id": str(stack.world.agency.id), "category": "cong_chuc",
                "incoming_on": "2026-11-20", **overrides}

    async def test_the_national_record_becomes_a_profile(self, session: AsyncSession, stack: Stack,
                                                         ndxp: respx.MockRouter) -> None:
        cid = new_citizen_id()
        route = ndxp.get(f"{NDXP}/cbccvc/v1/profiles/{cid}").mock(
            return_value=httpx.Response(200, json=national_record(cid)))
        r = await stack.gateway.post("/api/v1/incoming", json=self.body(stack, cid),
                                     headers=stack.world.auth["agency_admin"])
        assert r.status_code == 201, r.text
        assert route.call_count == 1 and route.calls.last.request.headers["Authorization"] == "Bearer t0k3n"
        created = r.json()
        assert created["incoming_on"] == "2026-11-20" and created["items"]["full_name"] == "Võ Thị Hạnh"
        profile = await session.get(Profile, uuid.UUID(created["id"]))
        assert profile is not None
        assert (profile.org_unit_id, profile.category, profile.incoming_on) == (
            stack.world.agency.id, "cong_chuc", date(2026, 11, 20))
        items = records.read_items(profile, CIPHER, sensitive=True)
        assert items["citizen_id"] == cid and items["residence"]["province"] == "Hà Nội"

    async def test_not_in_the_national_db(self, session: AsyncSession, stack: Stack, ndxp: respx.MockRouter) -> None:
        cid = new_citizen_id()
        ndxp.get(f"{NDXP}/cbccvc/v1/profiles/{cid}").mock(return_value=httpx.Response(404))
        r = await stack.gateway.post("/api/v1/incoming", json=self.body(stack, cid),
                                     headers=stack.world.auth["agency_admin"])
        assert r.status_code == 404 and r.json()["type"] == PROBLEM + "not-in-national-db", r.text

    async def test_a_unit_outside_the_callers_subtree_is_refused_before_the_national_db_is_asked(
            self, session: AsyncSession, stack: Stack, ndxp: respx.MockRouter) -> None:
        """Điều 8 (access by one's own reach) and Điều 19 khoản 7 (data kept safe): refused before any lookup."""
        cid = new_citizen_id()
        route = ndxp.get(f"{NDXP}/cbccvc/v1/profiles/{cid}").mock(
            return_value=httpx.Response(200, json=national_record(cid)))
        r = await stack.gateway.post("/api/v1/incoming", headers=stack.world.auth["agency_admin"],
                                     json=self.body(stack, cid, org_unit_id=str(stack.world.elsewhere.id)))
        assert r.status_code == 404 and r.json()["type"] == PROBLEM + "org-unit-not-found", r.text
        assert r.headers["content-type"].startswith("application/problem+json")
        assert route.call_count == 0

    async def test_an_officer_learns_nothing_of_who_is_in_the_national_db(
            self, session: AsyncSession, stack: Stack, ndxp: respx.MockRouter) -> None:
        """Điều 19 khoản 7: whether a citizen ID is a cadre in the national DB is not told to someone who may not
        pull them in: the same 403 for one who is and one who is not, and the national DB is never asked."""
        known, unknown = new_citizen_id(), new_citizen_id()
        asked = [ndxp.get(f"{NDXP}/cbccvc/v1/profiles/{known}").mock(
                     return_value=httpx.Response(200, json=national_record(known))),
                 ndxp.get(f"{NDXP}/cbccvc/v1/profiles/{unknown}").mock(return_value=httpx.Response(404))]
        answers = [await stack.gateway.post("/api/v1/incoming", json=self.body(stack, cid),
                                            headers=stack.world.auth["officer"]) for cid in (known, unknown)]
        assert [a.status_code for a in answers] == [403, 403]
        assert answers[0].json()["type"] == answers[1].json()["type"]
        assert [route.call_count for route in asked] == [0, 0]

    async def test_a_citizen_already_on_record_is_profile_apis_conflict(self, session: AsyncSession, stack: Stack,
                                                                        ndxp: respx.MockRouter) -> None:
        person = await session.get(Profile, stack.world.person.id)
        assert person is not None
        cid = records.read_items(person, CIPHER, sensitive=True)["citizen_id"]
        ndxp.get(f"{NDXP}/cbccvc/v1/profiles/{cid}").mock(return_value=httpx.Response(200, json=national_record(cid)))
        r = await stack.gateway.post("/api/v1/incoming", json=self.body(stack, cid),
                                     headers=stack.world.auth["agency_admin"])
        assert r.status_code == 409 and r.json()["type"] == PROBLEM + "citizen-id-taken", r.text

    async def test_an_approver_cannot_create_records(self, session: AsyncSession, stack: Stack,
                                                     ndxp: respx.MockRouter) -> None:
        # The gateway checks nothing itself: profile-api, with the caller's token, says no.
        cid = new_citizen_id()
        ndxp.get(f"{NDXP}/cbccvc/v1/profiles/{cid}").mock(return_value=httpx.Response(200, json=national_record(cid)))
        r = await stack.gateway.post("/api/v1/incoming", json=self.body(stack, cid),
                                     headers=stack.world.auth["approver"])
        assert r.status_code == 403 and r.json()["type"] == PROBLEM + "forbidden", r.text

    async def test_the_national_side_down_is_503(self, stack: Stack, ndxp: respx.MockRouter) -> None:
        cid = new_citizen_id()
        route = ndxp.get(f"{NDXP}/cbccvc/v1/profiles/{cid}").mock(side_effect=httpx.ReadTimeout("timed out"))
        r = await stack.gateway.post("/api/v1/incoming", json=self.body(stack, cid),
                                     headers=stack.world.auth["agency_admin"])
        assert r.status_code == 503 and r.json()["type"] == PROBLEM + "national-unavailable", r.text
        assert route.call_count == 3
