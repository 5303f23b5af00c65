"""GET /api/v1/quality/scorecards/{unit}: the subtree's records judged and counted, as JSON and CSV."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime
from typing import Any

from httpx import AsyncClient
from sqlalchemy.ext.asyncio import AsyncSession

from hoso_shared.auth import TokenIssuer
from hoso_shared.validation import Criterion
from tests.profile_api.quality.helpers import Province, person, province


async def _card(api: AsyncClient, world: Province, unit: Any, role: str = "agency_admin", **params: Any) -> Any:
    return await api.get(f"/api/v1/quality/scorecards/{unit.id}", headers=world.auth[role], params=params)


async def _hand_count(api: AsyncClient, world: Province, people: list[Any]) -> dict[str, int]:
    """Per criterion, how many of `people` the per-record route says pass it."""
    counts = dict.fromkeys((c.value for c in Criterion), 0)
    for profile in people:
        body = (await api.get(f"/api/v1/profiles/{profile.id}/quality", headers=world.auth["doha_admin"])).json()
        for criterion in body["criteria"]:
            counts[criterion["criterion"]] += criterion["passed"]
    return counts


class TestScorecard:
    async def test_counts_equal_a_hand_count(self, session: AsyncSession, profile_api: AsyncClient,
                                             token_issuer: TokenIssuer) -> None:
        world = await province(session, token_issuer)
        await person(session, world.a2, defective=True, archived_at=datetime.now(UTC))  # archived: not counted
        subtree = world.people["a1"] + world.people["a2"]
        response = await _card(profile_api, world, world.a)
        assert response.status_code == 200, response.text
        card = response.json()
        assert (card["org_unit_id"], card["org_unit_code"], card["records"]) == (str(world.a.id), world.a.code, 5)
        hand = await _hand_count(profile_api, world, subtree)
        assert {c["criterion"]: c["passing"] for c in card["criteria"]} == hand
        assert {c["criterion"]: c["share"] for c in card["criteria"]} == {k: round(v / 5, 4) for k, v in hand.items()}
        assert hand[Criterion.DUNG.value] <= 3  # the two defective records fail Đúng whatever else is found
        rules = {r["code"]: r for r in card["rules"]}
        assert rules["DUNG-CCCD-003"] == {"code": "DUNG-CCCD-003", "criterion": "Đúng", "severity": "error",
                                          "records": 2, "findings": 2, "persons_to_fix": True}
        assert card["blocking"] >= 2
        assert {w["profile_id"] for w in card["worst"][:2]} == {str(world.people["a1"][0].id),
                                                               str(world.people["a2"][0].id)}
        assert all("DUNG-CCCD-003" in w["codes"] for w in card["worst"][:2])
        ranks = [(w["errors"], w["warnings"]) for w in card["worst"]]
        assert ranks == sorted(ranks, reverse=True)

    async def test_a_unit_counts_only_its_own_subtree(self, session: AsyncSession, profile_api: AsyncClient,
                                                      token_issuer: TokenIssuer) -> None:
        world = await province(session, token_issuer)
        a1 = (await _card(profile_api, world, world.a1, worst=0)).json()
        assert a1["records"] == 3 and a1["worst"] == []
        assert {r["code"]: r["records"] for r in a1["rules"]}["DUNG-CCCD-003"] == 1
        whole = (await _card(profile_api, world, world.p, role="doha_admin")).json()
        assert whole["records"] == 6  # A's five and B's one; Q's record is another province
        assert {r["code"]: r["records"] for r in whole["rules"]}["DUNG-CCCD-003"] == 3

    async def test_only_quality_readers_within_their_subtree(self, session: AsyncSession, profile_api: AsyncClient,
                                                             token_issuer: TokenIssuer) -> None:
        world = await province(session, token_issuer)
        assert (await _card(profile_api, world, world.b)).status_code == 404  # a sibling agency
        assert (await _card(profile_api, world, world.a, role="agency_admin_b")).status_code == 404
        assert (await _card(profile_api, world, world.c, role="doha_admin")).status_code == 404  # another province
        assert (await _card(profile_api, world, world.a, role="approver")).status_code == 200
        for role in ("hr_system", "officer", "service"):  # no quality:read
            refused = await _card(profile_api, world, world.a1, role=role)
            assert refused.status_code == 403, role
            assert world.people["a1"][0].full_name not in refused.text
        assert (await _card(profile_api, world, world.a, worst=101)).status_code == 422


class TestCsv:
    async def test_the_same_scorecard_as_csv(self, session: AsyncSession, profile_api: AsyncClient,
                                             token_issuer: TokenIssuer) -> None:
        world = await province(session, token_issuer)
        card = (await _card(profile_api, world, world.a)).json()
        response = await _card(profile_api, world, world.a, format="csv")
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/csv")
        assert f"hoso-quality-{world.a.code}-" in response.headers["content-disposition"]
        assert response.content.startswith(b"\xef\xbb\xbf")
        rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
        unit = next(r for r in rows if r["kind"] == "unit")
        assert (unit["key"], unit["records"], unit["count"]) == (world.a.code, "5", str(card["blocking"]))
        criteria = {r["name"]: (int(r["count"]), r["share"]) for r in rows if r["kind"] == "criterion"}
        assert criteria == {c["criterion"]: (c["passing"], f"{c['passing'] / 5:.4f}") for c in card["criteria"]}
        assert {r["key"] for r in rows if r["kind"] == "criterion"} == {c.name for c in Criterion}
        rules = {r["key"]: (int(r["records"]), int(r["count"])) for r in rows if r["kind"] == "rule"}
        assert rules == {r["code"]: (r["records"], r["findings"]) for r in card["rules"]}
        worst = [(r["key"], r["name"]) for r in rows if r["kind"] == "record"]
        assert worst == [(w["profile_id"], w["full_name"]) for w in card["worst"]]
        assert (await _card(profile_api, world, world.a, format="xml")).status_code == 422
