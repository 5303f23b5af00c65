"""Editions of the public progress page (issue 18 item 5): MOHA's directive (Công văn 1632/BNV-VP, 2023) publishes
update and sync progress "vào 12h00 các ngày thứ Hai, thứ Tư và thứ Sáu hàng tuần"; the province publishes its
page on that schedule (the deadline policy's), keeps every edition signed, and the database refuses to change
one. A fixed clock stands the publisher on each instant; the signatures are checked with the existing verify
(POST /api/v1/reports/verify)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from httpx import AsyncClient
from sqlalchemy import func, select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from hoso_shared.db.models import ProgressEdition, ProgressPage
from hoso_shared.deadlines import HANOI_2024, ND27_2026
from hoso_shared.problems import sqlstate_of
from hoso_shared.time import ZONE, FixedClock
from hoso_shared.web import collaborators_of
from profile_api.collaborators import Collaborators
from profile_api.reports.progress import tasks
from tests.factories import make_profile, make_unit

EDITIONS = "/api/v1/reports/progress/editions"
SUNDAY = datetime(2026, 12, 6, tzinfo=ZONE)  # the week after: Mon 7, Wed 9, Fri 11 December 2026


def local(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 12, day, hour, minute, tzinfo=ZONE).astimezone(UTC)


def progress(api: AsyncClient, sessionmaker: async_sessionmaker[AsyncSession], clock: FixedClock) -> tasks.Progress:
    """The publisher as `app.py` wires it (the app's signing identity, so the app's verify trusts it)."""
    identity = collaborators_of(api.app, Collaborators).export_identity  # type: ignore[attr-defined]
    return tasks.Progress(sessionmaker, identity, HANOI_2024, clock)


async def province(session: AsyncSession) -> None:
    p = await make_unit(session, type="province", name="Tỉnh Bản công bố")
    unit = await make_unit(session, parent=p, name="Sở Bản công bố")
    await make_profile(session, unit=unit)


async def verify(api: AsyncClient, data: bytes) -> dict[str, Any]:
    answer = await api.post("/api/v1/reports/verify", content=data,
                            headers={"content-type": "application/octet-stream"})
    assert answer.status_code == 200, answer.text
    result: dict[str, Any] = answer.json()
    return result


class TestSchedule:
    def test_the_policy_publishes_at_noon_on_monday_wednesday_and_friday(self) -> None:
        """Công văn 1632/BNV-VP: 12h00 thứ Hai, thứ Tư, thứ Sáu (Hà Nội time, 05:00 UTC)."""
        for policy in (HANOI_2024, ND27_2026):
            assert policy.progress_edition_slot(local(7, 12)) == local(7, 12) == datetime(2026, 12, 7, 5, tzinfo=UTC)
            assert policy.progress_edition_slot(local(7, 11, 59)) == local(4, 12)  # the Friday before
            assert policy.progress_edition_slot(local(10, 9)) == local(9, 12)
            assert policy.progress_edition_slot(local(13, 23)) == local(11, 12)

    def test_a_slot_is_due_for_a_day_and_late_after_half_an_hour(self) -> None:
        assert HANOI_2024.progress_edition_due(local(7, 12)) == local(7, 12)
        assert HANOI_2024.progress_edition_due(local(8, 12)) == local(7, 12)  # missed: published late, once
        assert HANOI_2024.progress_edition_due(local(8, 12, 1)) is None  # too long ago: the next slot follows
        assert HANOI_2024.progress_edition_due(local(7, 0)) is None  # Friday's slot, at a deploy on Monday
        assert not HANOI_2024.progress_edition_late(local(7, 12), local(7, 12, 30))
        assert HANOI_2024.progress_edition_late(local(7, 12), local(7, 12, 31))


class TestPublishing:
    async def test_a_week_gives_three_signed_editions(self, session: AsyncSession, profile_api: AsyncClient,
                                                      sessionmaker: async_sessionmaker[AsyncSession]) -> None:
        """Issue 18 acceptance: a fixed clock stepping hour by hour across a week publishes exactly three editions
        (Monday, Wednesday and Friday at 12:00 Hà Nội time, Công văn 1632/BNV-VP), each of which verifies with the
        existing verify; running the publisher again, or on a second replica, publishes nothing more."""
        await province(session)
        clock = FixedClock(SUNDAY.astimezone(UTC))
        publisher, replica = progress(profile_api, sessionmaker, clock), progress(profile_api, sessionmaker, clock)
        published = []
        for _ in range(7 * 24 + 1):
            published += await tasks.publish_editions(publisher)
            assert await tasks.publish_editions(replica) == []  # the same instant on another replica: a no-op
            clock.advance(timedelta(hours=1))
        assert [e.scheduled_for for e in published] == [local(7, 12), local(9, 12), local(11, 12)]
        assert all(e.published_at == e.scheduled_for and not e.late for e in published)
        assert await tasks.publish_editions(publisher) == []
        assert (await session.execute(select(func.count()).select_from(ProgressEdition))).scalar_one() == 3
        for edition, day in zip(published, ("thứ Hai ngày 07/12/2026", "thứ Tư ngày 09/12/2026",
                                            "thứ Sáu ngày 11/12/2026"), strict=True):
            page = await profile_api.get(f"{EDITIONS}/{edition.id}")  # public: no token
            assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
            assert f"Bản công bố kỳ 12:00 {day}" in page.text and "Sở Bản công bố" in page.text
            assert '<html lang="vi">' in page.text and "immutable" in page.headers["cache-control"]
            document = await profile_api.get(f"{EDITIONS}/{edition.id}.json")
            assert document.json()["edition"]["scheduled_for"] == edition.scheduled_for.isoformat()
            assert document.json()["schema"] == "hoso-progress-edition/1"
            signed = await profile_api.get(f"{EDITIONS}/{edition.id}.pdf")
            assert signed.headers["content-type"] == "application/pdf"
            for data in (document.content, signed.content):
                result = await verify(profile_api, data)
                assert result["valid"], result["problems"]
                assert result["signed_by"]["person"]["username"] == "system" and result["checks"]["trusted"]

    async def test_a_missed_slot_is_published_late_once(self, session: AsyncSession, profile_api: AsyncClient,
                                                        sessionmaker: async_sessionmaker[AsyncSession]) -> None:
        """The service down at Monday 12:00: back at 15:30, the scheduled task publishes Monday's edition once,
        marked late with both times; Wednesday's, 10 minutes after its slot, is on time. Refreshing the cached
        pages goes on in the same tick."""
        await province(session)
        clock = FixedClock(local(7, 11))
        publisher = progress(profile_api, sessionmaker, clock)
        assert await tasks.publish_editions(publisher) == []  # Friday's slot is long gone; Monday's not yet come
        clock.at = local(7, 15, 30)
        await publisher.tick()
        (monday,) = (await session.execute(select(ProgressEdition))).scalars().all()
        assert (monday.scheduled_for, monday.published_at, monday.late) == (local(7, 12), local(7, 15, 30), True)
        assert (await session.get(ProgressPage, "")) is not None  # the tick refreshed the page too
        assert await tasks.publish_editions(publisher) == []
        page = (await profile_api.get(f"{EDITIONS}/{monday.id}")).text
        assert "Bản công bố kỳ 12:00 thứ Hai ngày 07/12/2026" in page
        assert "Công bố muộn lúc 15:30 ngày 07/12/2026 (giờ Việt Nam)" in page
        clock.at = local(9, 12, 10)
        (wednesday,) = await tasks.publish_editions(publisher)
        assert not wednesday.late and wednesday.published_at == local(9, 12, 10)
        assert "Công bố lúc 12:10 ngày 09/12/2026" in (await profile_api.get(f"{EDITIONS}/{wednesday.id}")).text

    async def test_an_edition_never_changes(self, session: AsyncSession, profile_api: AsyncClient,
                                            sessionmaker: async_sessionmaker[AsyncSession]) -> None:
        """Database-enforced: UPDATE, DELETE and TRUNCATE of a published edition fail in PostgreSQL (42501)."""
        await province(session)
        (edition,) = await tasks.publish_editions(progress(profile_api, sessionmaker, FixedClock(local(9, 12))))
        for statement in ("UPDATE progress_editions SET html = 'forged' WHERE id = :id",
                          "UPDATE progress_editions SET late = NOT late WHERE id = :id",
                          "DELETE FROM progress_editions WHERE id = :id",
                          "TRUNCATE progress_editions"):
            blocked = await session.begin_nested()
            with pytest.raises(DBAPIError, match="never changes") as refused:
                await session.execute(text(statement), {"id": edition.id} if ":id" in statement else {})
            assert sqlstate_of(refused.value) == "42501"
            await blocked.rollback()
        kept = await session.get(ProgressEdition, edition.id, populate_existing=True)
        assert kept is not None and "forged" not in kept.html


class TestRoutes:
    async def test_the_list_pages_newest_first(self, session: AsyncSession, profile_api: AsyncClient,
                                               sessionmaker: async_sessionmaker[AsyncSession]) -> None:
        await province(session)
        clock = FixedClock(local(7, 12))
        publisher = progress(profile_api, sessionmaker, clock)
        slots = [local(day, 12) for day in (7, 9, 11, 14, 16)]
        for slot in slots:
            clock.at = slot
            await tasks.publish_editions(publisher)
        seen: list[dict[str, Any]] = []
        link: str | None = f"{EDITIONS}?limit=2"
        pages = 0
        while link is not None:
            answer = await profile_api.get(link)
            assert answer.status_code == 200, answer.text
            body = answer.json()
            assert len(body["items"]) <= 2 and body["links"]["first"] == f"{EDITIONS}?limit=2"
            seen += body["items"]
            link, pages = body["links"]["next"], pages + 1
        assert pages == 3
        assert [datetime.fromisoformat(e["scheduled_for"]) for e in seen] == slots[::-1]
        first = seen[0]
        assert first["links"] == {"page": f"{EDITIONS}/{first['id']}", "signed_json": f"{EDITIONS}/{first['id']}.json",
                                  "signed_pdf": f"{EDITIONS}/{first['id']}.pdf"}
        assert first["late"] is False and first["scope"] == ""

    async def test_unknown_and_bad_input_are_problems(self, profile_api: AsyncClient) -> None:
        unknown = "0b7c3d5e-1111-4222-8333-444455556666"
        for path in (f"{EDITIONS}/{unknown}", f"{EDITIONS}/{unknown}.json", f"{EDITIONS}/{unknown}.pdf"):
            answer = await profile_api.get(path)
            assert answer.status_code == 404, path
            assert answer.headers["content-type"] == "application/problem+json"
            assert answer.json()["type"].endswith("progress-edition-not-found")
        for path, params in ((f"{EDITIONS}/not-an-id", {}), (f"{EDITIONS}/not-an-id.json", {}),
                             (EDITIONS, {"cursor": "not a cursor"}), (EDITIONS, {"cursor": "x" * 201}),
                             (EDITIONS, {"limit": "0"}), (EDITIONS, {"limit": "many"})):
            answer = await profile_api.get(path, params=params)
            assert answer.status_code == 422, (path, params, answer.text)
            assert answer.headers["content-type"] == "application/problem+json"

    async def test_every_edition_route_is_documented(self, profile_api: AsyncClient) -> None:
        paths = (await profile_api.get("/openapi.json")).json()["paths"]
        routes = [p for p in paths if p.startswith(EDITIONS)]
        assert len(routes) == 4
        for route in routes:
            operation = paths[route]["get"]
            assert operation["summary"] and "1632" in operation["description"]
