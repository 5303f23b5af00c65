"""The background judge's pages (issue 17, "Judge once, aggregate many times"): read as plain rows, judged while the
next page is read, each page's verdicts written in one statement, and only for records nobody touched since they
were claimed. The Đúng–Đủ–Sạch–Sống criteria are the regulation's (hanoi-2024 Điều 3; Điều 19 khoản 5: DOHA checks
the data is correct, complete, clean and live)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

import pytest
from prometheus_client import CollectorRegistry
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from hoso_shared import records
from hoso_shared.db.models import Profile
from hoso_shared.deadlines import HANOI_2024
from profile_api.quality import stored, tasks
from profile_api.quality.metrics import QualityGauges
from tests.factories import CIPHER
from tests.profile_api.quality.helpers import defective_id, person, unit
from tests.profile_api.quality.test_stored_findings import BASIS, _assert_stored_equal_fresh, _stored

MIDDAY = datetime(2026, 3, 2, 5, tzinfo=UTC)  # BASIS's day in Hanoi


def _quality(sessionmaker: async_sessionmaker[AsyncSession]) -> tasks.Quality:
    return tasks.Quality(sessionmaker, CIPHER, HANOI_2024, QualityGauges(CollectorRegistry()), clock=lambda: MIDDAY)


async def _give_a_wrong_citizen_id(session: AsyncSession, profile_id: uuid.UUID) -> None:
    """A citizen ID that contradicts the birth year and sex: the record's verdict changes (DUNG-CCCD-003)."""
    record = await session.get(Profile, profile_id)
    assert record is not None
    records.apply_items(record, {**records.read_items(record, CIPHER, sensitive=True), "citizen_id": defective_id()},
                        CIPHER)
    await session.flush()


class TestPipelinedJudge:
    async def test_many_pages_judged_equal_a_fresh_judgement(
            self, session: AsyncSession, sessionmaker: async_sessionmaker[AsyncSession],
            monkeypatch: pytest.MonkeyPatch) -> None:
        """Điều 3: every kept record judged, page after page (each claimed after the one still being judged)."""
        root = await unit(session, type="province")
        units = [await unit(session, parent=root) for _ in range(3)]
        for i in range(17):
            await person(session, units[i % 3], defective=i % 4 == 0)
        archived = await person(session, units[0], archived_at=datetime(2026, 1, 1, tzinfo=UTC))
        taken = []
        take_page = stored.take_page

        async def counted(*args: Any, **kwargs: Any) -> stored.Page | None:
            page = await take_page(*args, **kwargs)
            taken.append(page)
            return page

        monkeypatch.setattr(stored, "PAGE", 3)
        monkeypatch.setattr(stored, "take_page", counted)
        quality = _quality(sessionmaker)
        assert await tasks.judge_backlog(tasks.Judge(quality)) == 18  # the archived one only cleared
        assert len(taken) == 7 and taken[-1] is None  # six pages of three, then nothing left
        assert quality.gauges.pending._value.get() == 0  # type: ignore[attr-defined]
        assert await _assert_stored_equal_fresh(session, root.path) == 17
        assert (await _stored(session, {archived.id}))[archived.id].judged_on is None

    async def test_a_record_touched_while_its_page_is_judged_is_judged_again(
            self, session: AsyncSession, sessionmaker: async_sessionmaker[AsyncSession],
            monkeypatch: pytest.MonkeyPatch) -> None:
        """Its verdict from before the change is not written (compare-and-set), so it is claimed again and the
        stored verdict is the changed record's (Điều 19 khoản 5: DOHA sees the data as it is)."""
        root = await unit(session, type="province")
        people = [await person(session, root) for _ in range(5)]
        target = people[0]
        judge = stored.judge
        touched: list[uuid.UUID] = []

        async def judged_then_touched(page: stored.Page) -> Any:
            result = await judge(page)
            if not touched and target.id in page.claimed:
                await _give_a_wrong_citizen_id(session, target.id)
                touched.append(target.id)
            return result

        monkeypatch.setattr(stored, "PAGE", 2)
        monkeypatch.setattr(stored, "judge", judged_then_touched)
        await tasks.judge_backlog(tasks.Judge(_quality(sessionmaker)))
        assert touched == [target.id]
        assert await _assert_stored_equal_fresh(session, root.path) == 5
        assert (await _stored(session, {target.id}))[target.id].codes.get("DUNG-CCCD-003")


class TestBatchedWrite:
    async def test_a_record_touched_between_claim_and_write_keeps_its_stale_mark(self, session: AsyncSession) -> None:
        """One statement writes the page, each row only if still as claimed: the touched record stays stale,
        the others are settled."""
        root = await unit(session, type="province")
        people = [await person(session, root) for _ in range(4)]
        since = await stored.database_now(session)
        page = await stored.take_page(session, BASIS, since=since, within=root.path)
        assert page is not None and set(page.claimed) == {p.id for p in people}
        verdicts = await stored.judge(page)
        await _give_a_wrong_citizen_id(session, people[1].id)
        written = await stored.write_page(session, page, verdicts, day=BASIS.today,
                                          basis=stored.basis_key(BASIS.policy))
        assert written == 3
        found = await _stored(session, {p.id for p in people})
        assert found[people[1].id].stale_at is not None and found[people[1].id].judged_on is None
        assert all(found[p.id].stale_at is None for p in people if p is not people[1])
        assert (await stored.pending(session, within=root.path)) == 1
