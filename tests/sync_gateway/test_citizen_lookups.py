"""Filling in a new person's form from the population register through NDXP (QĐ MIC 2021 on the connection to the
population DB: its purpose is "tự động hoá việc xác minh, điền thông tin cá nhân"). The register is faked with
respx; the caller's right to create in the unit is checked before it is asked."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
import respx

from hoso_shared.form import ProfileItems
from hoso_shared.time import local_day
from ndxp_sim.population_db.lookup import citizen_record
from ndxp_sim.population_db.register import generate_people
from sync_gateway.citizens.lookup import as_items
from tests.sync_gateway.conftest import NDXP, Stack
from tests.sync_gateway.test_national_calls import PROBLEM, new_citizen_id
from tests.sync_gateway.test_pipeline import TOKEN


@pytest.fixture
def ndxp() -> Iterator[respx.MockRouter]:
    with respx.mock(assert_all_called=False) as router:
        router.post(f"{NDXP}/oauth/token").mock(return_value=httpx.Response(200, json=TOKEN))
        yield router


def register_answer(cid: str) -> dict[str, Any]:
    """As ndxp-sim's `GET /population/v1/citizens/{id}` answers."""
    return {"citizen_id": cid, "full_name": "Nguyễn Thị Thu Hà", "birth_date": "1987-03-09", "sex": "F",
            "birth_place": {"commune": "xã Yên Phú", "province": "Hưng Yên", "detail": None},
            "home_town": {"commune": "xã Đông Sơn", "province": "Thanh Hóa", "detail": None},
            "ethnicity": {"code": "01", "name": "Kinh"}, "religion": {"code": "00", "name": "Không"},
            "residence": {"commune": "phường Cầu Giấy", "province": "TP Hà Nội",
                          "detail": "Số 12, ngõ 34, phố Xuân Thủy"},
            "looked_up_at": "2026-11-23T09:00:00Z"}


def body(stack: Stack, cid: str, **overrides: Any) -> dict[str, Any]:
    return {"citizen_id": cid, "org_unit_id": str(stack.world.agency.id), **overrides}


class TestCitizenLookup:
    async def test_a_known_citizen_fills_the_form_items_marked_as_from_the_register(
            self, stack: Stack, ndxp: respx.MockRouter) -> None:
        """QĐ MIC 2021: the connection fills in personal information; each item says where it came from and when."""
        cid = new_citizen_id()
        route = ndxp.get(f"{NDXP}/population/v1/citizens/{cid}").mock(
            return_value=httpx.Response(200, json=register_answer(cid)))
        r = await stack.gateway.post("/api/v1/citizen-lookups", json=body(stack, cid),
                                     headers=stack.world.auth["agency_admin"])
        assert r.status_code == 200, r.text
        assert route.calls.last.request.headers["Authorization"] == "Bearer t0k3n"
        got = r.json()
        assert got["items"] == {
            "full_name": "Nguyễn Thị Thu Hà", "sex": "F", "birth_date": "1987-03-09",
            "birth_place": {"commune": "xã Yên Phú", "province": "Hưng Yên"},
            "home_town": {"commune": "xã Đông Sơn", "province": "Thanh Hóa"},
            "ethnicity_code": "01", "religion_code": "00",
            "residence": {"commune": "phường Cầu Giấy", "province": "TP Hà Nội",
                          "detail": "Số 12, ngõ 34, phố Xuân Thủy"}}
        assert got["labels"] == {"ethnicity_code": "Kinh", "religion_code": "Không"}
        assert set(got["sources"]) == set(got["items"])
        day = local_day(datetime.fromisoformat(got["looked_up_at"])).isoformat()  # the Hà Nội day, not UTC's
        assert all(s == {"source": "population_register", "looked_up_on": day} for s in got["sources"].values())

    async def test_an_unknown_citizen_is_404(self, stack: Stack, ndxp: respx.MockRouter) -> None:
        cid = new_citizen_id()
        ndxp.get(f"{NDXP}/population/v1/citizens/{cid}").mock(return_value=httpx.Response(404))
        r = await stack.gateway.post("/api/v1/citizen-lookups", json=body(stack, cid),
                                     headers=stack.world.auth["agency_admin"])
        assert r.status_code == 404 and r.json()["type"] == PROBLEM + "not-in-population-db", r.text

    async def test_a_register_that_times_out_is_a_503_problem(self, stack: Stack, ndxp: respx.MockRouter) -> None:
        cid = new_citizen_id()
        route = ndxp.get(f"{NDXP}/population/v1/citizens/{cid}").mock(side_effect=httpx.ReadTimeout("hung"))
        r = await stack.gateway.post("/api/v1/citizen-lookups", json=body(stack, cid),
                                     headers=stack.world.auth["agency_admin"])
        assert r.status_code == 503 and r.json()["type"] == PROBLEM + "national-unavailable", r.text
        assert r.headers["content-type"].startswith("application/problem+json")
        assert route.call_count == 3  # retried as every national call is

    async def test_a_unit_outside_the_subtree_is_refused_before_the_register_is_asked(
            self, stack: Stack, ndxp: respx.MockRouter) -> None:
        """Điều 8 (access by one's own reach): no lookup for a unit one may not create records in."""
        cid = new_citizen_id()
        route = ndxp.get(f"{NDXP}/population/v1/citizens/{cid}").mock(
            return_value=httpx.Response(200, json=register_answer(cid)))
        r = await stack.gateway.post("/api/v1/citizen-lookups", headers=stack.world.auth["agency_admin"],
                                     json=body(stack, cid, org_unit_id=str(stack.world.elsewhere.id)))
        assert r.status_code == 404 and r.json()["type"] == PROBLEM + "org-unit-not-found", r.text
        assert route.call_count == 0

    async def test_an_officer_may_not_look_anyone_up(self, stack: Stack, ndxp: respx.MockRouter) -> None:
        cid = new_citizen_id()
        route = ndxp.get(f"{NDXP}/population/v1/citizens/{cid}").mock(
            return_value=httpx.Response(200, json=register_answer(cid)))
        r = await stack.gateway.post("/api/v1/citizen-lookups", json=body(stack, cid),
                                     headers=stack.world.auth["officer"])
        assert r.status_code == 403 and route.call_count == 0

    async def test_a_malformed_id_is_422(self, stack: Stack, ndxp: respx.MockRouter) -> None:
        r = await stack.gateway.post("/api/v1/citizen-lookups", json=body(stack, "12"),
                                     headers=stack.world.auth["agency_admin"])
        assert r.status_code == 422


class TestTheSimulatorsAnswerFillsOurForm:
    def test_every_answer_of_ndxp_sim_becomes_valid_form_items(self) -> None:
        """The register's answer as ndxp-sim gives it (not a hand-written one) maps onto TT 06/2023's items, each
        valid: codes from the national lists, places in our `Place` shape."""
        for person in generate_people(2026, 200):
            answer = citizen_record(person, datetime(2026, 11, 23, 9, tzinfo=UTC)).model_dump(mode="json")
            items, labels = as_items(answer)
            form = ProfileItems.model_validate({**items, "citizen_id": person.citizen_id})
            assert (form.full_name, form.sex, form.birth_date) == (person.full_name, person.sex, person.birth_date)
            assert form.home_town is not None and form.residence is not None and form.birth_place is not None
            assert labels["ethnicity_code"] and labels["religion_code"]
