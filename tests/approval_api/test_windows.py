"""When approvals may happen and when a request is overdue (DOMAIN "decisions"): the pure policy
functions with dates worked out by hand, then the same rules over HTTP — the monthly window,
DOHA's extraordinary windows, the refusal metric and the backlog's overdue counts."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from hoso_shared.auth import TokenIssuer
from hoso_shared.db.models import WorkingDayOverride
from hoso_shared.deadlines import HANOI_2024, ND27_2026, DeadlinePolicy
from hoso_shared.time import Calendar, local_day, public_holidays
from tests.approval_api.conftest import IN_WINDOW, OUT_OF_WINDOW, Apis, World, wired

HANOI, ND27 = HANOI_2024, ND27_2026
CLOSED = "urn:hoso:problem:approval-window-closed"


def at_local(day: date, hour: int = 10) -> datetime:
    """`hour` o'clock in Hà Nội on `day`, as the UTC moment the service stores (UTC+7, no DST)."""
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC) - timedelta(hours=7)


# The questions as approval-api asks the policy, over instants (stored UTC) taken as Hà Nội dates.
def monthly_window(policy: DeadlinePolicy, day: date) -> tuple[date, date] | None:
    return policy.approval_window(day)


def in_monthly_window(policy: DeadlinePolicy, moment: datetime) -> bool:
    return policy.in_approval_window(local_day(moment))


def overdue(policy: DeadlinePolicy, submitted_at: datetime, now: datetime, *,
            extra_holidays: set[date] | None = None, extra_working_days: set[date] | None = None) -> bool:
    days = Calendar(frozenset(extra_holidays or ()), frozenset(extra_working_days or ()))
    return policy.request_overdue(local_day(submitted_at), local_day(now), days)


class TestMonthlyWindow:
    def test_last_five_days_of_the_month(self) -> None:
        assert monthly_window(HANOI, date(2026, 11, 3)) == (date(2026, 11, 26), date(2026, 11, 30))
        assert monthly_window(HANOI, date(2026, 10, 31)) == (date(2026, 10, 27), date(2026, 10, 31))

    def test_a_leap_february_ends_on_the_29th(self) -> None:
        assert monthly_window(HANOI, date(2028, 2, 10)) == (date(2028, 2, 25), date(2028, 2, 29))
        assert monthly_window(HANOI, date(2027, 2, 10)) == (date(2027, 2, 24), date(2027, 2, 28))

    def test_the_hanoi_date_decides_not_the_utc_one(self) -> None:
        # 18:00Z on 25/11 is 01:00 on 26/11 in Hà Nội: inside, though the UTC date is still the 25th.
        assert in_monthly_window(HANOI, datetime(2026, 11, 25, 18, 0, tzinfo=UTC))
        assert not in_monthly_window(HANOI, datetime(2026, 11, 25, 16, 59, tzinfo=UTC))  # 25/11 23:59 local
        assert in_monthly_window(HANOI, datetime(2026, 11, 30, 16, 59, tzinfo=UTC))  # 30/11 23:59 local
        assert not in_monthly_window(HANOI, datetime(2026, 11, 30, 17, 0, tzinfo=UTC))  # 01/12 00:00 local
        assert in_monthly_window(HANOI, IN_WINDOW) and not in_monthly_window(HANOI, OUT_OF_WINDOW)

    def test_nd27_has_no_window(self) -> None:
        assert monthly_window(ND27, date(2026, 11, 10)) is None
        assert in_monthly_window(ND27, OUT_OF_WINDOW) and in_monthly_window(ND27, IN_WINDOW)


class TestOverdue:
    def test_hanoi_once_the_month_of_submission_has_closed_its_window(self) -> None:
        submitted = at_local(date(2026, 10, 10))
        assert not overdue(HANOI, submitted, at_local(date(2026, 10, 31), 23))
        assert overdue(HANOI, submitted, at_local(date(2026, 11, 1), 0))

    def test_nd27_after_three_working_days(self) -> None:
        # Tue 24/11/2026 is Vietnam Cultural Day in the `holidays` package, so from Fri 20/11 the working
        # days are Mon 23 (1), Wed 25 (2), Thu 26 (3), Fri 27 (4): overdue on the Friday, not the Thursday.
        assert date(2026, 11, 24) in public_holidays(2026)
        submitted = at_local(date(2026, 11, 20))
        assert not overdue(ND27, submitted, at_local(date(2026, 11, 25)))
        assert not overdue(ND27, submitted, at_local(date(2026, 11, 26), 23))
        assert overdue(ND27, submitted, at_local(date(2026, 11, 27), 0))

    def test_nd27_in_a_week_without_holidays(self) -> None:
        # Mon 02/11/2026: Tue 3 (1), Wed 4 (2), Thu 5 (3) → still in time; Fri 6 (4) → overdue.
        submitted = at_local(date(2026, 11, 2))
        assert not overdue(ND27, submitted, at_local(date(2026, 11, 5)))
        assert overdue(ND27, submitted, at_local(date(2026, 11, 6)))

    def test_nd27_across_tet_2027(self) -> None:
        # The package's Tết 2027: Thu 04/02 to Wed 10/02 (29 Tết to mùng 5). From Wed 03/02 the working days
        # are Thu 11 (1), Fri 12 (2), Mon 15 (3), Tue 16 (4): overdue on Tue 16/02, twelve days on.
        tet = {date(2027, 2, 4) + timedelta(days=n) for n in range(7)}
        assert tet <= public_holidays(2027)
        submitted = at_local(date(2027, 2, 3))
        assert not overdue(ND27, submitted, at_local(date(2027, 2, 10)))
        assert not overdue(ND27, submitted, at_local(date(2027, 2, 15), 23))
        assert overdue(ND27, submitted, at_local(date(2027, 2, 16)))

    def test_an_extra_holiday_moves_the_deadline_by_a_day(self) -> None:
        # Same week as above with Wed 04/11 declared off: Thu 5 (2), Fri 6 (3) in time, Mon 9 (4) overdue.
        submitted, extra = at_local(date(2026, 11, 2)), {date(2026, 11, 4)}
        assert not overdue(ND27, submitted, at_local(date(2026, 11, 6)), extra_holidays=extra)
        assert overdue(ND27, submitted, at_local(date(2026, 11, 9)), extra_holidays=extra)

    def test_an_extra_working_day_brings_it_forward(self) -> None:
        # Sat 07/11 worked: from Tue 03/11 the 4th working day becomes that Saturday instead of Mon 09/11.
        submitted, extra = at_local(date(2026, 11, 3)), {date(2026, 11, 7)}
        assert not overdue(ND27, submitted, at_local(date(2026, 11, 7)))
        assert overdue(ND27, submitted, at_local(date(2026, 11, 7)), extra_working_days=extra)


async def apis_under(client_for: Any, token_issuer: TokenIssuer, policy: str) -> Apis:
    """The conftest's `apis`, but both services running `policy`."""
    return await wired(client_for, token_issuer, policy=policy)


async def approve(apis: Apis, world: World, request_id: object, who: str = "approver") -> Any:
    return await apis.approval.post(f"/api/v1/change-requests/{request_id}/approve", headers=world.auth[who])


def window_body(world: World, opens_at: datetime, closes_at: datetime, unit: Any = None) -> dict[str, str]:
    return {"org_unit_id": str((unit or world.agency).id), "opens_at": opens_at.isoformat(),
            "closes_at": closes_at.isoformat(), "reason": "Đợt rà soát hồ sơ đột xuất"}


async def window_open_for(apis: Apis, world: World, unit: Any, who: str = "approver") -> bool:
    r = await apis.approval.get("/api/v1/approval-windows/status", headers=world.auth[who],
                                params={"org_unit_id": str(unit.id)})
    assert r.status_code == 200, r.text
    is_open: bool = r.json()["open"]
    return is_open


class TestHanoiWindowOverHttp:
    async def test_approval_outside_the_window_is_refused(self, session: AsyncSession, apis: Apis,
                                                          world: World) -> None:
        request = await world.request(session)
        apis.at(OUT_OF_WINDOW)
        r = await approve(apis, world, request.id)
        assert r.status_code == 409 and r.json()["type"] == CLOSED, r.text
        await session.refresh(request)
        assert request.state == "submitted" and request.decided_by is None
        assert not await window_open_for(apis, world, world.agency)

    async def test_approval_inside_the_window_applies(self, session: AsyncSession, apis: Apis, world: World) -> None:
        request = await world.request(session)
        assert await window_open_for(apis, world, world.agency)
        r = await approve(apis, world, request.id)
        assert r.status_code == 200 and r.json()["state"] == "applied", r.text
        await session.refresh(request)
        assert request.state == "applied" and request.applied_version == 2

    @pytest.mark.parametrize("action", ["reject", "return"])
    async def test_reject_and_return_are_not_bound_to_the_window(self, action: str, session: AsyncSession,
                                                                 apis: Apis, world: World) -> None:
        request = await world.request(session)
        apis.at(OUT_OF_WINDOW)
        r = await apis.approval.post(f"/api/v1/change-requests/{request.id}/{action}", headers=world.auth["approver"],
                                     json={"comment": "Thiếu quyết định gốc"})
        assert r.status_code == 200, r.text
        await session.refresh(request)
        assert request.state == {"reject": "rejected", "return": "returned"}[action]

    async def test_an_extraordinary_window_lets_approvals_through(self, session: AsyncSession, apis: Apis,
                                                                  world: World) -> None:
        request = await world.request(session)
        apis.at(OUT_OF_WINDOW)
        r = await apis.approval.post("/api/v1/approval-windows", headers=world.auth["doha_admin"], json=window_body(
            world, OUT_OF_WINDOW - timedelta(hours=1), OUT_OF_WINDOW + timedelta(days=2)))
        assert r.status_code == 201, r.text
        assert r.json()["opened_by"] == str(world.accounts["doha_admin"].id)
        status = (await apis.approval.get("/api/v1/approval-windows/status", headers=world.auth["approver"],
                                          params={"org_unit_id": str(world.agency.id)})).json()
        assert status["open"] is True and status["policy"] == "hanoi-2024"
        assert status["monthly_window"] == ["2026-11-26", "2026-11-30"]
        assert [w["id"] for w in status["extraordinary"]] == [r.json()["id"]]
        r = await approve(apis, world, request.id)
        assert r.status_code == 200 and r.json()["state"] == "applied", r.text
        await session.refresh(request)
        assert request.state == "applied"

    async def test_the_window_only_covers_its_own_subtree(self, session: AsyncSession, apis: Apis,
                                                          world: World) -> None:
        request = await world.request(session)
        apis.at(OUT_OF_WINDOW)
        r = await apis.approval.post("/api/v1/approval-windows", headers=world.auth["doha_admin"], json=window_body(
            world, OUT_OF_WINDOW - timedelta(hours=1), OUT_OF_WINDOW + timedelta(days=2), world.elsewhere))
        assert r.status_code == 201, r.text
        assert await window_open_for(apis, world, world.elsewhere, "doha_admin")
        assert not await window_open_for(apis, world, world.agency)
        r = await approve(apis, world, request.id)
        assert r.status_code == 409 and r.json()["type"] == CLOSED
        await session.refresh(request)
        assert request.state == "submitted"

    async def test_a_window_still_to_come_does_not_open_anything_yet(self, session: AsyncSession, apis: Apis,
                                                                     world: World) -> None:
        request = await world.request(session)
        apis.at(OUT_OF_WINDOW)
        r = await apis.approval.post("/api/v1/approval-windows", headers=world.auth["doha_admin"], json=window_body(
            world, OUT_OF_WINDOW + timedelta(days=1), OUT_OF_WINDOW + timedelta(days=3)))
        assert r.status_code == 201, r.text
        status = (await apis.approval.get("/api/v1/approval-windows/status", headers=world.auth["approver"])).json()
        assert status["open"] is False and len(status["extraordinary"]) == 1  # listed, since it is to come
        assert (await approve(apis, world, request.id)).status_code == 409
        apis.at(OUT_OF_WINDOW + timedelta(days=1))
        assert (await approve(apis, world, request.id)).status_code == 200

    async def test_only_doha_opens_windows(self, apis: Apis, world: World) -> None:
        apis.at(OUT_OF_WINDOW)
        body = window_body(world, OUT_OF_WINDOW, OUT_OF_WINDOW + timedelta(days=1))
        for who in ("approver", "agency_admin", "officer"):
            r = await apis.approval.post("/api/v1/approval-windows", headers=world.auth[who], json=body)
            assert r.status_code == 403, (who, r.text)
            assert r.json()["missing_scopes"] == ["approval-windows:write"]
        assert not await window_open_for(apis, world, world.agency)

    @pytest.mark.parametrize(("opens", "closes"), [
        (timedelta(0), timedelta(days=32)),  # longer than 31 days
        (timedelta(days=-3), timedelta(days=-1)),  # already closed
        (timedelta(days=-3), timedelta(0)),  # closes right now: closed
        (timedelta(days=2), timedelta(days=1)),  # closes before it opens
    ], ids=["too-long", "closed", "closing-now", "reversed"])
    async def test_invalid_windows_are_refused(self, opens: timedelta, closes: timedelta, apis: Apis,
                                               world: World) -> None:
        apis.at(OUT_OF_WINDOW)
        r = await apis.approval.post("/api/v1/approval-windows", headers=world.auth["doha_admin"],
                                     json=window_body(world, OUT_OF_WINDOW + opens, OUT_OF_WINDOW + closes))
        assert r.status_code == 422, r.text
        assert r.json()["type"] == "urn:hoso:problem:validation-failed"
        assert not await window_open_for(apis, world, world.agency)

    async def test_exactly_31_days_is_allowed(self, apis: Apis, world: World) -> None:
        apis.at(OUT_OF_WINDOW)
        r = await apis.approval.post("/api/v1/approval-windows", headers=world.auth["doha_admin"],
                                     json=window_body(world, OUT_OF_WINDOW, OUT_OF_WINDOW + timedelta(days=31)))
        assert r.status_code == 201, r.text

    async def test_a_day_fraction_over_31_days_is_too_long(self, apis: Apis, world: World) -> None:
        apis.at(OUT_OF_WINDOW)
        r = await apis.approval.post("/api/v1/approval-windows", headers=world.auth["doha_admin"], json=window_body(
            world, OUT_OF_WINDOW, OUT_OF_WINDOW + timedelta(days=31, hours=23)))
        assert r.status_code == 422, r.text

    async def test_a_unit_outside_the_openers_subtree_is_not_found(self, apis: Apis, world: World) -> None:
        # The approver elsewhere may read the status of their own unit, not of the agency.
        r = await apis.approval.get("/api/v1/approval-windows/status", headers=world.auth["approver_elsewhere"],
                                    params={"org_unit_id": str(world.agency.id)})
        assert r.status_code == 404 and r.json()["type"] == "urn:hoso:problem:org-unit-not-found"

    async def test_a_refusal_is_counted(self, session: AsyncSession, apis: Apis, world: World) -> None:
        request = await world.request(session)
        apis.at(OUT_OF_WINDOW)
        assert (await approve(apis, world, request.id)).status_code == 409
        metrics = (await apis.approval.get("/metrics")).text
        assert 'hoso_approval_window_refusals_total{action="approve"} 1.0' in metrics


async def test_nd27_has_no_window(session: AsyncSession, client_for: Any, token_issuer: TokenIssuer,
                                  world: World) -> None:
    apis = await apis_under(client_for, token_issuer, "nd27-2026")
    request = await world.request(session)
    apis.at(OUT_OF_WINDOW)
    status = (await apis.approval.get("/api/v1/approval-windows/status", headers=world.auth["approver"])).json()
    assert status == {"policy": "nd27-2026", "open": True, "monthly_window": None, "extraordinary": []}
    r = await approve(apis, world, request.id)
    assert r.status_code == 200 and r.json()["state"] == "applied", r.text
    await session.refresh(request)
    assert request.state == "applied"


OLD, RECENT = datetime(2026, 10, 5, 3, 0, tzinfo=UTC), datetime(2026, 11, 26, 3, 0, tzinfo=UTC)


class TestBacklog:
    async def test_counts_and_overdue_under_hanoi(self, session: AsyncSession, apis: Apis, world: World) -> None:
        for _ in range(3):
            await world.request(session, submitted_at=OLD)  # October's window closed on 31/10: overdue
        for _ in range(2):
            await world.request(session, submitted_at=RECENT)  # November's window is still open on 28/11
        await world.request(session, state="draft")
        await world.request(session, state="returned")
        await world.request(session, state="applied")  # settled: not in the backlog
        r = await apis.approval.get("/api/v1/change-requests/backlog", headers=world.auth["approver"])
        assert r.status_code == 200, r.text
        body = r.json()
        assert body["policy"] == "hanoi-2024"
        rows = {row["state"]: row for row in body["rows"]}
        assert {state: row["count"] for state, row in rows.items()} == {"draft": 1, "returned": 1, "submitted": 5}
        assert {state: row["overdue"] for state, row in rows.items()} == {"draft": 0, "returned": 0, "submitted": 3}
        assert datetime.fromisoformat(rows["submitted"]["oldest_since"]) == OLD
        assert {row["org_unit_id"] for row in body["rows"]} == {str(world.agency.id)}

    async def test_nothing_is_overdue_while_the_window_is_open(self, session: AsyncSession, apis: Apis,
                                                               world: World) -> None:
        await world.request(session, submitted_at=RECENT)
        apis.at(datetime(2026, 11, 30, 16, 59, tzinfo=UTC))  # 30/11 23:59 in Hà Nội: the last minute
        rows = (await apis.approval.get("/api/v1/change-requests/backlog", headers=world.auth["approver"])).json()
        assert [(r["count"], r["overdue"]) for r in rows["rows"]] == [(1, 0)]
        apis.at(datetime(2026, 11, 30, 17, 0, tzinfo=UTC))  # 01/12 00:00 there: the window has closed
        rows = (await apis.approval.get("/api/v1/change-requests/backlog", headers=world.auth["approver"])).json()
        assert [(r["count"], r["overdue"]) for r in rows["rows"]] == [(1, 1)]

    async def test_an_officer_may_not_read_it(self, apis: Apis, world: World) -> None:
        r = await apis.approval.get("/api/v1/change-requests/backlog", headers=world.auth["officer"])
        assert r.status_code == 403 and r.json()["type"] == "urn:hoso:problem:forbidden"

    async def test_a_unit_outside_the_subtree_is_not_found(self, session: AsyncSession, apis: Apis,
                                                           world: World) -> None:
        await world.request(session, submitted_at=OLD)
        r = await apis.approval.get("/api/v1/change-requests/backlog", headers=world.auth["approver"],
                                    params={"org_unit_id": str(world.elsewhere.id)})
        assert r.status_code == 404, r.text
        # DOHA, above both, may narrow to either.
        r = await apis.approval.get("/api/v1/change-requests/backlog", headers=world.auth["doha_admin"],
                                    params={"org_unit_id": str(world.elsewhere.id)})
        assert r.status_code == 200 and r.json()["rows"] == []

    async def test_nd27_counts_working_days(self, session: AsyncSession, client_for: Any, token_issuer: TokenIssuer,
                                            world: World) -> None:
        apis = await apis_under(client_for, token_issuer, "nd27-2026")
        # Clock on Sat 28/11/2026. Submitted Fri 20/11: Mon 23, Wed 25, Thu 26, Fri 27 → 4 working days, late.
        # Submitted Mon 23/11: Wed 25, Thu 26, Fri 27 → 3, in time.
        await world.request(session, submitted_at=at_local(date(2026, 11, 20)))
        await world.request(session, submitted_at=at_local(date(2026, 11, 23)))
        body = (await apis.approval.get("/api/v1/change-requests/backlog", headers=world.auth["approver"])).json()
        assert body["policy"] == "nd27-2026"
        assert [(r["state"], r["count"], r["overdue"]) for r in body["rows"]] == [("submitted", 2, 1)]
        # DOHA declares Thu 26/11 a day off (profile-api's overrides table): the first one is back in time.
        session.add(WorkingDayOverride(day=date(2026, 11, 26), kind="holiday", note="Nghỉ bù"))
        await session.flush()
        body = (await apis.approval.get("/api/v1/change-requests/backlog", headers=world.auth["approver"])).json()
        assert [(r["state"], r["count"], r["overdue"]) for r in body["rows"]] == [("submitted", 2, 0)]

