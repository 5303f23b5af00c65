"""The gateway judges each released record with everything the rules may know (its change history and
evidence, the latest population-DB check, duplicates, acknowledgements), read for the whole page in a few
bounded queries, so every rule that can block a record does before anything is signed."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import event, select
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from hoso_shared.db.models import ChangeRequest, CitizenCheck, OutboxRow, Packet, PacketRecord, Profile
from sync_gateway.returns.service import return_once
from tests.sync_gateway.conftest import COMPLETE, Stack, released

CHECKED = datetime(2026, 11, 20, 3, 0, tzinfo=UTC)


async def release(session: AsyncSession, stack: Stack, payload: dict[str, Any], *, evidence: bool) -> OutboxRow:
    """One approved change of the world's person (with or without its document), in a batch DOHA approved."""
    person = await session.get(Profile, stack.world.person.id, populate_existing=True)
    assert person is not None
    request = await stack.world.request(session, payload=payload, base_version=person.version, attachments=evidence)
    r = await stack.apis.approval.post(f"/api/v1/change-requests/{request.id}/approve",
                                       headers=stack.world.auth["approver"])
    assert r.status_code == 200 and r.json()["state"] == "applied", r.text
    batch = await stack.apis.approval.post("/api/v1/sync-batches", headers=stack.world.auth["agency_admin"])
    assert batch.status_code == 201, batch.text
    r = await stack.apis.approval.post(f"/api/v1/sync-batches/{batch.json()['id']}/approve",
                                       headers=stack.world.auth["doha_admin"])
    assert r.status_code == 200, r.text
    row = await session.scalar(select(OutboxRow).where(OutboxRow.change_request_id == request.id))
    assert row is not None
    return row


async def mismatch(session: AsyncSession, stack: Stack, field: str = "citizen_id") -> None:
    session.add(CitizenCheck(profile_id=stack.world.person.id, checked_at=CHECKED, result="mismatch",
                             mismatched=[field]))
    await session.flush()


class TestTheGatewayJudgesWithTheFullContext:
    async def test_a_population_db_mismatch_is_blocked_and_returned_with_its_code(
            self, session: AsyncSession, stack: Stack) -> None:
        """Điều 14 khoản 1 and Điều 13 khoản 2 (data synced to the national DB through the connection, which
        checks it against the population register): a released record whose citizen ID the population DB
        contradicts (its latest stored check: mismatch) is kept out of every packet with DUNG-DANCU-001, and
        the returner hands its change request back to approval-api with that code."""
        await mismatch(session, stack)
        (row,) = await released(session, stack, 1)  # complete, with its document: only the check stands out
        assert await stack.runtime.build() == 1
        assert (await session.scalars(select(Packet))).all() == []
        record = await session.get(PacketRecord, row.id)
        assert record is not None and (record.status, record.findings) == ("blocked", ["DUNG-DANCU-001"])
        assert "DUNG-DANCU-001" in (record.reason or "")

        assert await return_once(stack.runtime.sessionmaker, stack.runtime.approval) == 1
        request = await session.get(ChangeRequest, row.change_request_id, populate_existing=True)
        assert request is not None and request.state == "returned"
        assert "DUNG-DANCU-001" in (request.national_reason or "")

    async def test_a_check_older_than_the_identity_change_it_compared_does_not_block(
            self, session: AsyncSession, stack: Stack) -> None:
        """Điều 14 khoản 1: the version that corrects the mismatched name is judged by its own values; the
        check of the old name (taken before that version) no longer describes it, so it is packed."""
        await mismatch(session, stack, "full_name")
        row = await release(session, stack, {**COMPLETE, "items": {**COMPLETE["items"], "full_name": "Trần Văn Bính"}},
                            evidence=True)
        assert await stack.runtime.build() == 1
        record = await session.get(PacketRecord, row.id)
        assert record is not None and record.status == "packed", record.reason

    async def test_a_change_without_its_document_is_blocked(self, session: AsyncSession, stack: Stack) -> None:
        """Điều 6 khoản 3 (a change is entered with the digitised document) before Điều 14 khoản 1's sync:
        a released version whose change carried no evidence is blocked with DU-MINHCHUNG-001."""
        row = await release(session, stack, COMPLETE, evidence=False)
        assert await stack.runtime.build() == 1
        record = await session.get(PacketRecord, row.id)
        assert record is not None and record.status == "blocked" and "DU-MINHCHUNG-001" in record.findings


@contextmanager
def statements(connection: AsyncConnection) -> Iterator[list[str]]:
    seen: list[str] = []

    def count(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        seen.append(statement)

    event.listen(connection.sync_connection, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        event.remove(connection.sync_connection, "before_cursor_execute", count)


class TestBoundedQueries:
    async def test_a_page_costs_the_same_queries_whatever_its_size(
            self, session: AsyncSession, connection: AsyncConnection, stack: Stack) -> None:
        """Điều 14 khoản 1 (the month's changes synced in the last 5 days): judging a page reads its facts in
        a fixed number of queries, never one per record, so a large release stays cheap."""
        await released(session, stack, 1)
        with statements(connection) as one:
            assert await stack.runtime.build() == 1
        await released(session, stack, 3, complete=False)  # the record is complete since the first
        with statements(connection) as three:
            assert await stack.runtime.build() == 1
        assert {r.status for r in (await session.scalars(select(PacketRecord))).all()} == {"packed"}
        assert len(three) == len(one), (one, three)
