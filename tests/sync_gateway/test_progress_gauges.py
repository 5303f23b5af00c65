"""sync-gateway's gauges are read again only when what they count was written or a month began, never on every
tick of an idle system (issue 17: at a province's size one reading is seconds of PostgreSQL), and what they then
publish is the ministry's table as the route serves it."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncSession

from sync_gateway.progress.freshness import SHARE, Freshness
from tests.factories import make_profile
from tests.sync_gateway.conftest import Stack
from tests.sync_gateway.test_progress import a_run, expected

STAGES = ("total", "changed_this_month", "approved", "synced", "acknowledged", "rejected")


class Ticks:
    """A monotonic clock the test moves."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


class TestFreshness:
    def test_the_first_reading_is_due_then_only_a_change(self) -> None:
        ticks = Ticks()
        fresh = Freshness(max_age=900, clock=ticks)
        assert fresh.due((10, "2026-12"))
        fresh.read((10, "2026-12"), began=0.0)
        ticks.now = 10.0
        assert not fresh.due((10, "2026-12"))  # nothing written: not again
        assert fresh.due((11, "2026-12"))  # a write
        assert fresh.due((10, "2027-01"))  # a month began

    def test_readings_are_spaced_by_their_cost_while_writes_keep_coming(self) -> None:
        ticks = Ticks()
        fresh = Freshness(max_age=900, clock=ticks)
        ticks.now = 2.0
        fresh.read((1, "m"), began=0.0)  # a reading of 2 s
        ticks.now = 2.0 * SHARE - 0.1
        assert not fresh.due((2, "m"))
        ticks.now = 2.0 * SHARE
        assert fresh.due((2, "m"))

    def test_a_reading_too_old_is_taken_again_whatever_the_counters_say(self) -> None:
        ticks = Ticks()
        fresh = Freshness(max_age=60, clock=ticks)
        fresh.read((1, "m"), began=0.0)
        ticks.now = 59.0
        assert not fresh.due((1, "m"))
        ticks.now = 60.0
        assert fresh.due((1, "m"))


@pytest.fixture
def progress_statements(session: AsyncSession) -> Iterator[list[str]]:
    """The progress statements run on the test's connection (the gateway's sessions are joined to it)."""
    seen: list[str] = []
    engine = session.bind.engine.sync_engine  # type: ignore[union-attr]

    def spy(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if "WITH facts AS" in statement:
            seen.append(statement)

    event.listen(engine, "before_cursor_execute", spy)
    yield seen
    event.remove(engine, "before_cursor_execute", spy)


async def published(stack: Stack) -> dict[tuple[str, str], float]:
    lines = (await stack.gateway.get("/metrics")).text.splitlines()
    values = {}
    for line in lines:
        if line.startswith("hoso_sync_progress_records{"):
            labels, value = line.removeprefix("hoso_sync_progress_records{").split("} ")
            parts = dict(part.split("=") for part in labels.split(","))
            values[(parts["org_unit"].strip('"'), parts["stage"].strip('"'))] = float(value)
    return values


async def assert_published(session: AsyncSession, stack: Stack) -> None:
    """Every unit's stages as counted independently (test_progress.expected), as the gauges show them."""
    shown = await published(stack)
    world = stack.world
    for unit in (world.root, world.agency, world.elsewhere):
        assert {s: shown[(unit.code, s)] for s in STAGES} == await expected(session, unit), unit.code


class TestGaugesReadWhenDue:
    async def test_read_once_idle_again_after_a_write_with_the_right_figures(
            self, session: AsyncSession, stack: Stack, progress_statements: list[str]) -> None:
        await a_run(session, stack)
        runtime = stack.runtime
        runtime.freshness.clock = ticks = Ticks()  # readings take no time: no spacing
        assert await runtime.refresh_gauges_when_due()
        await assert_published(session, stack)
        reads = len(progress_statements)
        assert reads > 0
        for _ in range(3):  # an idle system: ticks, and no reading
            ticks.now += 5
            assert not await runtime.refresh_gauges_when_due()
        assert len(progress_statements) == reads
        await make_profile(session, unit=stack.world.agency)  # a new person: `total` changes
        assert await runtime.refresh_gauges_when_due()
        assert len(progress_statements) > reads
        await assert_published(session, stack)
        shown = await published(stack)
        assert shown[(stack.world.agency.code, "total")] == 3  # the world's two people and the new one

    async def test_read_again_when_a_month_begins(self, session: AsyncSession, stack: Stack,
                                                  progress_statements: list[str]) -> None:
        runtime = stack.runtime
        runtime.freshness.clock = Ticks()
        runtime.clock = lambda: datetime(2026, 12, 31, 16, 59, tzinfo=UTC)  # 23:59 in Hà Nội
        assert await runtime.refresh_gauges_when_due()
        assert not await runtime.refresh_gauges_when_due()
        runtime.clock = lambda: datetime(2026, 12, 31, 16, 59, tzinfo=UTC) + timedelta(minutes=1)
        assert await runtime.refresh_gauges_when_due()
        assert len(progress_statements) == 2
