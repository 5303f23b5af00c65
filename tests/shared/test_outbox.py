"""The outbox row's life (hoso_shared.db.outbox) and the database's refusal of every other move: appended →
batched (→ detached, appended again) → released → consumed, nothing else."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncSession

from hoso_shared.db import outbox
from hoso_shared.db.models import Account, OrgUnit, OutboxRow, SyncBatch
from tests.factories import make_account, make_profile, make_unit

T0 = datetime(2026, 11, 2, 3, 0, tzinfo=UTC)


@dataclass
class World:
    unit: OrgUnit
    agency: Account
    ids: list[int]  # the outbox rows of the unit, appended


async def world(session: AsyncSession, people: int = 2) -> World:
    unit = await make_unit(session)
    rows = []
    for _ in range(people):
        profile = await make_profile(session, unit=unit)
        rows.append(outbox.announcing(profile_id=profile.id, version=1, change_request_id=None, org_unit_id=unit.id,
                                      reason="created", changed=["full_name"], digest="0" * 64))
    await outbox.append(session, rows)
    ids = (await session.scalars(select(OutboxRow.id).where(OutboxRow.org_unit_id == unit.id)
                                 .order_by(OutboxRow.id))).all()
    return World(unit, await make_account(session, unit=unit), list(ids))


async def new_batch(session: AsyncSession, w: World) -> uuid.UUID:
    batch = SyncBatch(id=uuid.uuid4(), org_unit_id=w.unit.id, period="2026-11", submitted_by=w.agency.id)
    session.add(batch)
    await session.flush()
    return batch.id


async def take(session: AsyncSession, w: World) -> uuid.UUID:
    batch = await new_batch(session, w)
    assert await outbox.take(session, batch, select(OrgUnit.id).where(OrgUnit.id == w.unit.id)) == len(w.ids)
    return batch


async def marks(session: AsyncSession, w: World) -> list[tuple[uuid.UUID | None, datetime | None, datetime | None]]:
    stmt = (select(OutboxRow.sync_batch_id, OutboxRow.released_at, OutboxRow.consumed_at)
            .where(OutboxRow.id.in_(w.ids)).order_by(OutboxRow.id).execution_options(populate_existing=True))
    return [(b, r, c) for b, r, c in await session.execute(stmt)]


async def refused(session: AsyncSession, match: str, sql: str, **params: Any) -> None:
    with pytest.raises(DBAPIError, match=match) as caught:
        async with session.begin_nested():
            await session.execute(text(sql), params)
    assert getattr(caught.value.orig, "sqlstate", None) == "23000"


class TestTheLegalPath:
    async def test_appended_batched_released_consumed(self, session: AsyncSession) -> None:
        w = await world(session)
        assert await marks(session, w) == [(None, None, None)] * 2
        batch = await take(session, w)
        assert await marks(session, w) == [(batch, None, None)] * 2
        assert await outbox.release(session, batch, T0) == 2
        assert await marks(session, w) == [(batch, T0, None)] * 2
        await outbox.consume(session, w.ids[:1], T0 + timedelta(minutes=1))
        assert await marks(session, w) == [(batch, T0, T0 + timedelta(minutes=1)), (batch, T0, None)]

    async def test_a_returned_batch_lets_its_rows_go_to_the_next(self, session: AsyncSession) -> None:
        w = await world(session)
        first = await take(session, w)
        await outbox.detach(session, first)
        assert await marks(session, w) == [(None, None, None)] * 2
        second = await take(session, w)
        assert await outbox.release(session, second, T0) == 2
        assert await marks(session, w) == [(second, T0, None)] * 2

    async def test_a_batch_takes_no_row_of_another_batch(self, session: AsyncSession) -> None:
        w = await world(session)
        await take(session, w)
        later = await new_batch(session, w)
        assert await outbox.take(session, later, select(OrgUnit.id).where(OrgUnit.id == w.unit.id)) == 0

    async def test_joining_a_batch_and_its_release_in_one_update(self, session: AsyncSession) -> None:
        w = await world(session, people=1)  # as `make bench` releases a single change
        batch = await new_batch(session, w)
        await session.execute(text("UPDATE outbox SET sync_batch_id = :batch, released_at = :at WHERE id = :id"),
                              {"batch": batch, "at": T0, "id": w.ids[0]})
        assert await marks(session, w) == [(batch, T0, None)]

    async def test_writing_a_mark_again_unchanged_is_no_move(self, session: AsyncSession) -> None:
        w = await world(session, people=1)
        batch = await take(session, w)
        await outbox.release(session, batch, T0)
        await outbox.consume(session, w.ids, T0)
        await session.execute(text("UPDATE outbox SET consumed_at = consumed_at, released_at = released_at "
                                   "WHERE id = :id"), {"id": w.ids[0]})


class TestTheDatabaseRefuses:
    async def test_a_row_inserted_with_marks(self, session: AsyncSession) -> None:
        w = await world(session, people=1)
        batch = await take(session, w)
        await refused(session, "appended with no batch, release or consumption",
                      "INSERT INTO outbox (profile_id, profile_version, org_unit_id, payload, sync_batch_id, "
                      "released_at) SELECT profile_id, 2, org_unit_id, payload, :batch, now() "
                      "FROM outbox WHERE id = :id",
                      batch=batch, id=w.ids[0])

    async def test_consuming_before_the_release(self, session: AsyncSession) -> None:
        w = await world(session)
        await refused(session, "consumed only once released", "UPDATE outbox SET consumed_at = now() WHERE id = :id",
                      id=w.ids[0])
        await take(session, w)  # batched is not released either
        await refused(session, "consumed only once released", "UPDATE outbox SET consumed_at = now() WHERE id = :id",
                      id=w.ids[0])
        with pytest.raises(DBAPIError, match="consumed only once released"):
            async with session.begin_nested():
                await outbox.consume(session, w.ids, T0)

    async def test_releasing_without_a_batch(self, session: AsyncSession) -> None:
        w = await world(session)
        await refused(session, "released only by a batch", "UPDATE outbox SET released_at = now() WHERE id = :id",
                      id=w.ids[0])

    async def test_releasing_twice_or_taking_the_release_back(self, session: AsyncSession) -> None:
        w = await world(session)
        batch = await take(session, w)
        await outbox.release(session, batch, T0)
        with pytest.raises(DBAPIError, match="released once, by its batch, for good"):
            async with session.begin_nested():
                await outbox.release(session, batch, T0 + timedelta(days=1))
        for sql in ("UPDATE outbox SET released_at = NULL WHERE id = :id",
                    "UPDATE outbox SET sync_batch_id = NULL WHERE id = :id"):
            await refused(session, "released once, by its batch, for good", sql, id=w.ids[0])
        other = await new_batch(session, w)
        await refused(session, "released once, by its batch, for good",
                      "UPDATE outbox SET sync_batch_id = :other WHERE id = :id", other=other, id=w.ids[0])
        assert await marks(session, w) == [(batch, T0, None)] * 2

    async def test_moving_from_one_batch_to_another(self, session: AsyncSession) -> None:
        w = await world(session)
        await take(session, w)
        other = await new_batch(session, w)
        await refused(session, "leaves its batch before joining another",
                      "UPDATE outbox SET sync_batch_id = :other WHERE id = :id", other=other, id=w.ids[0])

    async def test_changing_or_unconsuming_a_consumed_row(self, session: AsyncSession) -> None:
        w = await world(session, people=1)
        batch = await take(session, w)
        await outbox.release(session, batch, T0)
        await outbox.consume(session, w.ids, T0)
        for sql in ("UPDATE outbox SET consumed_at = NULL WHERE id = :id",
                    "UPDATE outbox SET consumed_at = now() WHERE id = :id",
                    "UPDATE outbox SET released_at = now() WHERE id = :id"):
            await refused(session, "a consumed row never changes", sql, id=w.ids[0])
        await refused(session, "what it announces never changes",
                      """UPDATE outbox SET payload = '{"kind": "forged"}' WHERE id = :id""", id=w.ids[0])
        assert await marks(session, w) == [(batch, T0, T0)]

    async def test_changing_what_a_row_announces(self, session: AsyncSession) -> None:
        w = await world(session, people=1)
        for sql in ("UPDATE outbox SET profile_version = 7 WHERE id = :id",
                    """UPDATE outbox SET payload = '{"kind": "forged"}' WHERE id = :id""",
                    "UPDATE outbox SET org_unit_id = (SELECT id FROM org_units WHERE id <> org_unit_id LIMIT 1) "
                    "WHERE id = :id"):
            await refused(session, "what it announces never changes", sql, id=w.ids[0])

    async def test_deleting_a_row(self, session: AsyncSession) -> None:
        w = await world(session, people=1)
        await refused(session, "outbox rows are kept", "DELETE FROM outbox WHERE id = :id", id=w.ids[0])
