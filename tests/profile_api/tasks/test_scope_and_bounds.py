"""GET /api/v1/tasks keeps to the caller's subtree and to its bounds (the province of this folder's
conftest)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import AppClient, build
from tests.profile_api.tasks.conftest import TASKS, D, Province, counted, never_shows, summary, tasks_of


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
                                        {"kind": ["fix_returned_request"] * 40}])
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
