"""Issue 20's guard rails on restructuring (Điều 21 khoản 2: chia tách, sáp nhập, hợp nhất, giải thể): a change that
ends a unit repeats that unit's code, and no change takes effect before the units it names existed."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from httpx import AsyncClient
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from hoso_shared.auth import TokenIssuer
from hoso_shared.db.models import OrgUnit, OrgUnitChange, Profile
from tests.profile_api.org_units.helpers import Api, audit_count, auth_at, person, unit

ON = date(2026, 3, 1)
PROBLEM = "urn:hoso:problem:"
VERB = {"merge": "sáp nhập", "split": "chia tách", "dissolve": "giải thể"}


async def recorded(session: AsyncSession, unit_id: Any) -> int:
    stmt = select(func.count()).select_from(OrgUnitChange).where(OrgUnitChange.org_unit_id == unit_id)
    return int((await session.execute(stmt)).scalar_one())


async def still_open(session: AsyncSession, unit_id: Any) -> bool:
    stmt = select(OrgUnit.valid_to).where(OrgUnit.id == unit_id).execution_options(populate_existing=True)
    return (await session.execute(stmt)).scalar_one() is None


def ending(action: str, source: OrgUnit, target: OrgUnit, people: list[Profile] | None = None) -> dict[str, Any]:
    """A body that ends `source` (a split lists `people`, all of the source's), without its confirmation."""
    if action == "merge":
        return {"into_id": target.id, "effective_on": ON}
    if action == "dissolve":
        return {"move_to_id": target.id, "effective_on": ON}
    return {"effective_on": ON, "close_source": True, "parts": [{"code": f"{source.code}.X", "name": "Phần tách",
                                                                 "type": "agency",
                                                                 "profile_ids": [p.id for p in people or []]}]}


class TestConfirmation:
    @pytest.mark.parametrize("action", ["merge", "split", "dissolve"])
    async def test_a_change_that_ends_a_unit_repeats_its_code(self, session: AsyncSession, profile_api: AsyncClient,
                                                              token_issuer: TokenIssuer, action: str) -> None:
        """Issue 20's guard rail on Điều 21 khoản 2 (sáp nhập, chia tách, giải thể): missing, the name instead of the
        code, another unit's code or a different case are each 422 `confirmation-mismatch`, naming in Vietnamese
        the code expected, and change nothing; the exact code goes through."""
        root = await unit(session, type="province", name="Thành phố Hà Nội")
        source = await unit(session, parent=root, name="Sở Văn hóa")
        target = await unit(session, parent=root, name="Sở Du lịch")
        hang = await person(session, at=source, name="Ngô Thị Hằng")
        api = Api(profile_api, await auth_at(session, token_issuer, root))
        body = ending(action, source, target, [hang])
        for given in (None, source.name, target.code, source.code.lower()):
            sent = body if given is None else {**body, "confirm_unit_code": given}
            response = await api.post(source.id, action, sent)
            assert response.status_code == 422, (given, response.text)
            problem = response.json()
            assert response.headers["content-type"].startswith("application/problem+json")
            assert problem["type"] == PROBLEM + "confirmation-mismatch"
            assert problem["detail"] == (f"Để {VERB[action]} đơn vị Sở Văn hóa, nhập đúng mã đơn vị {source.code} "
                                         f"vào trường confirm_unit_code.")
            assert problem["expected_code"] == source.code and problem["org_unit_id"] == str(source.id)
        assert await still_open(session, source.id)
        assert await recorded(session, source.id) == 0
        assert await audit_count(session, f"org_unit.{action}", source.id) == 0

        done = await api.post(source.id, action, {**body, "confirm_unit_code": f" {source.code} "})  # trimmed
        assert done.status_code == 200, done.text
        assert not await still_open(session, source.id)
        assert await recorded(session, source.id) == 1

    async def test_a_split_that_keeps_the_source_needs_none_but_a_wrong_one_is_refused(
            self, session: AsyncSession, profile_api: AsyncClient, token_issuer: TokenIssuer) -> None:
        """Issue 20's guard rail: chia tách (Điều 21 khoản 2) that leaves the source standing ends nothing, so it
        needs no confirmation; a confirmation given is still checked, a mistake being a mistake."""
        root = await unit(session, type="province")
        source = await unit(session, parent=root)
        api = Api(profile_api, await auth_at(session, token_issuer, root))
        part = {"effective_on": ON, "parts": [{"code": "K.1", "name": "Trung tâm mới", "type": "agency"}]}
        wrong = await api.post(source.id, "split", {**part, "confirm_unit_code": root.code})
        assert wrong.status_code == 422 and wrong.json()["type"] == PROBLEM + "confirmation-mismatch"
        kept = await api.post(source.id, "split", part)
        assert kept.status_code == 200, kept.text
        assert await still_open(session, source.id)

    async def test_a_unit_beyond_reach_or_ones_own_is_refused_first_and_its_code_never_told(
            self, session: AsyncSession, profile_api: AsyncClient, token_issuer: TokenIssuer) -> None:
        """Issue 20's guard rail, under Điều 21 khoản 2 "thuộc phạm vi quản lý": the confirmation is checked only
        once the unit is known to be the caller's to restructure, so another agency's unit stays 404 (its code
        unseen) and the caller's own unit 403 `own-org-unit`, confirmed or not."""
        root = await unit(session, type="province")
        mine, theirs = await unit(session, parent=root), await unit(session, parent=root)
        mine_sub = await unit(session, parent=mine, type="sub_unit")
        api = Api(profile_api, await auth_at(session, token_issuer, mine, role="agency_admin"))
        for action in ("merge", "split", "dissolve"):
            beyond = await api.post(theirs.id, action, ending(action, theirs, mine_sub))
            assert beyond.status_code == 404, beyond.text
            assert theirs.code not in beyond.text and theirs.name not in beyond.text
            own = await api.post(mine.id, action, ending(action, mine, mine_sub))
            assert (own.status_code, own.json()["type"]) == (403, PROBLEM + "own-org-unit")


class TestNotBeforeTheUnitExisted:
    async def test_every_change_is_refused_before_a_unit_it_names_existed(
            self, session: AsyncSession, profile_api: AsyncClient, token_issuer: TokenIssuer) -> None:
        """Issue 20's guard rail: effective dates are bounded below by the unit's own start (`valid_from`), for the
        unit changed and for a parent or target named: 422 `effective-date-too-early` naming that start."""
        root = await unit(session, type="province", since=date(2020, 1, 1))
        old = await unit(session, parent=root, since=date(2020, 1, 1))
        young = await unit(session, parent=root, since=ON)
        api = Api(profile_api, await auth_at(session, token_issuer, root))
        before = date(2026, 2, 28)
        attempts: list[tuple[Any, str, dict[str, Any], OrgUnit]] = [
            (young.id, "rename", {"name": "Tên sớm"}, young),
            (young.id, "move", {"parent_id": old.id}, young),
            (young.id, "merge", {"into_id": old.id, "confirm_unit_code": young.code}, young),
            (old.id, "merge", {"into_id": young.id, "confirm_unit_code": old.code}, young),
            (young.id, "dissolve", {"confirm_unit_code": young.code}, young),
            (young.id, "split", {"parts": [{"code": "Y.1", "name": "Phần", "type": "agency"}]}, young),
            (None, "", {"code": "Y.2", "name": "Con sớm", "type": "sub_unit", "parent_id": young.id}, young),
        ]
        for unit_id, action, body, named in attempts:
            response = await api.post(unit_id, action, {**body, "effective_on": before})
            assert response.status_code == 422, (action, response.text)
            problem = response.json()
            assert problem["type"] == PROBLEM + "effective-date-too-early", (action, problem)
            assert (problem["org_unit_id"], problem["existed_from"]) == (str(named.id), ON.isoformat()), action
            assert "before the unit existed" in problem["detail"]
        assert await recorded(session, young.id) == 0 and await recorded(session, old.id) == 0
        on_the_day = await api.post(young.id, "rename", {"name": "Tên đúng hạn", "effective_on": ON})
        assert on_the_day.status_code == 200, on_the_day.text
