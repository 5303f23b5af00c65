"""GET /api/v1/transfers/receivers (issue 16, item 3): the directory the sending agency picks the receiving agency
from (Điều 12 khoản 1 điểm a) instead of typing its id — current agencies outside the sender's subtree, by code,
searchable, a page at a time; names and codes only."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from tests.profile_api.transfers.conftest import Move

RECEIVERS = "/api/v1/transfers/receivers"


async def listed(move: Move, who: str, **params: Any) -> dict[str, Any]:
    response = await move.apis.profile.get(RECEIVERS, headers=move.auth[who], params=params)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


class TestReceivers:
    async def test_agencies_outside_the_sender_s_subtree_only(self, move: Move, session: AsyncSession) -> None:
        """Điều 12 khoản 1 điểm a: the receiver is another agency. Its own unit, its sub-units, units without an
        agency account (a school) and closed ones are not offered."""
        w = move.world
        ids = {item["id"] for item in (await listed(move, "agency_admin", limit=200))["items"]}
        assert str(w.elsewhere.id) in ids and str(w.agency.id) not in ids and str(move.school.id) not in ids
        assert str(w.root.id) not in ids  # DOHA's own root has no agency account here
        w.elsewhere.valid_to = date(2026, 1, 1)
        await session.flush()
        after = {item["id"] for item in (await listed(move, "agency_admin", limit=200))["items"]}
        assert str(w.elsewhere.id) not in after and len(after) == len(ids) - 1

    async def test_searched_by_name_or_code_and_paged(self, move: Move) -> None:
        w = move.world
        everyone = (await listed(move, "agency_admin", limit=200))["items"]
        assert len(everyone) >= 2 and [u["code"] for u in everyone] == sorted(u["code"] for u in everyone)
        by_code = (await listed(move, "agency_admin", q=w.elsewhere.code))["items"]
        assert str(w.elsewhere.id) in {u["id"] for u in by_code}
        by_name = (await listed(move, "agency_admin", q=w.elsewhere.name[2:8].lower()))["items"]
        assert str(w.elsewhere.id) in {u["id"] for u in by_name}
        first = await listed(move, "agency_admin", limit=1)
        assert len(first["items"]) == 1 and first["next_cursor"]
        second = await listed(move, "agency_admin", limit=1, cursor=first["next_cursor"])
        assert second["items"][0]["id"] == everyone[1]["id"]

    async def test_only_senders_and_no_forged_cursor(self, move: Move) -> None:
        for who in ("approver", "officer"):
            refused = await move.apis.profile.get(RECEIVERS, headers=move.auth[who])
            assert refused.status_code == 403, who
        forged = await move.apis.profile.get(RECEIVERS, headers=move.auth["agency_admin"], params={"cursor": "x!"})
        assert forged.status_code == 422 and forged.json()["type"].endswith("invalid-cursor")
