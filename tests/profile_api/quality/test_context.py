"""What a record is judged with besides itself: its change requests, possible duplicates, its review and
release dates, all read from the database."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from httpx import AsyncClient
from sqlalchemy.ext.asyncio import AsyncSession

from hoso_shared.auth import TokenIssuer
from hoso_shared.db.models import ChangeRequest, CitizenCheck, OutboxRow, PacketRecord, Profile, SyncBatch
from hoso_shared.validation import ChangeFact, Context, Report, judge
from hoso_shared.validation import CitizenCheck as CitizenCheckFact
from profile_api.quality import facts, scoring
from tests.factories import make_account
from tests.profile_api.quality.helpers import Province, person, province


def test_a_change_fact_from_a_change_request_row() -> None:
    late_evening = datetime(2026, 3, 2, 18, 30, tzinfo=UTC)  # already 3 March in Hanoi
    row = facts.ChangeRow(profile_id=None, state="applied", created_at=late_evening,  # type: ignore[arg-type]
                          decided_at=datetime(2026, 3, 27, 2, 0, tzinfo=UTC), occurred_on="2026-02-20",
                          touched=["other_names", "awards"], has_attachments=False)
    assert facts.change_fact(row) == ChangeFact(occurred_on=date(2026, 2, 20), entered_on=date(2026, 3, 3),
                                                state="applied", decided_on=date(2026, 3, 27), needs_evidence=True,
                                                has_evidence=False)
    plain = row._replace(occurred_on="not a date", touched=["other_names"], has_attachments=True)
    assert facts.change_fact(plain) == ChangeFact(occurred_on=date(2026, 3, 3), entered_on=date(2026, 3, 3),
                                                  state="applied", decided_on=date(2026, 3, 27),
                                                  needs_evidence=False, has_evidence=True)


async def _history(session: AsyncSession, world: Province, target: Profile) -> None:
    """Two change requests (one needing evidence, without it; a retirement with its decision), a release."""
    author = await make_account(session, unit=world.a1)
    session.add_all([
        ChangeRequest(profile_id=target.id, org_unit_id=world.a1.id, base_version=1, state="applied",
                      payload={"items": {"rank_code": "01.002"}}, occurred_on=date(2026, 2, 2),
                      attachment_ids=[], requested_by=author.id),
        ChangeRequest(profile_id=target.id, org_unit_id=world.a1.id, base_version=1, state="submitted",
                      payload={"status": "retired", "event": "retire", "effective_on": "2026-12-31"},
                      attachment_ids=["00000000-0000-0000-0000-000000000001"], requested_by=author.id),
    ])
    await _released(session, world, target, datetime(2026, 2, 28, 10, 0, tzinfo=UTC))


async def _released(session: AsyncSession, world: Province, target: Profile, at: datetime) -> OutboxRow:
    """The target's version 1 in the outbox, released `at` by an approved batch of its unit."""
    row = OutboxRow(profile_id=target.id, profile_version=1, org_unit_id=world.a1.id, payload={})
    agency = await make_account(session, unit=world.a1)
    batch = SyncBatch(id=uuid.uuid4(), org_unit_id=world.a1.id, period=f"{at:%Y-%m}", state="approved",
                      submitted_by=agency.id, decided_by=agency.id, decided_at=at, record_count=1)
    session.add_all([row, batch])
    await session.flush()
    row.sync_batch_id, row.released_at = batch.id, at
    await session.flush()
    return row


async def test_the_context_is_read_from_the_database(
    session: AsyncSession, profile_api: AsyncClient, token_issuer: TokenIssuer, monkeypatch: pytest.MonkeyPatch
) -> None:
    world = await province(session, token_issuer)
    target = world.people["a1"][1]
    target.reviewed_at = datetime(2026, 1, 5, 3, 0, tzinfo=UTC)
    born, name = target.birth_date, target.full_name
    twin = await person(session, world.c, full_name=name, birth_date=born,
                        items={"birth_place": {"province": "Nam Định"}})
    same_day = await person(session, world.b, full_name="Trần Văn Khác", birth_date=born)
    await person(session, world.b, full_name=name, birth_date=born, archived_at=datetime.now(UTC))  # archived: no
    await person(session, world.b, full_name=name, birth_date=born + timedelta(days=1))  # born another day: no
    await _history(session, world, target)
    seen: list[Context] = []

    def spy(record: dict[str, Any], context: Context) -> Report:
        seen.append(context)
        return judge(record, context)

    monkeypatch.setattr(scoring, "judge", spy)
    response = await profile_api.get(f"/api/v1/profiles/{target.id}/quality", headers=world.auth["agency_admin"])
    assert response.status_code == 200
    [context] = seen
    assert context.reviewed_at == target.reviewed_at and context.policy.name == "hanoi-2024"
    assert context.approved_at == datetime(2026, 2, 28, 10, 0, tzinfo=UTC) and context.acknowledged_at is None
    rank, retire = context.changes
    assert (rank.state, rank.occurred_on, rank.needs_evidence, rank.has_evidence) == (
        "applied", date(2026, 2, 2), True, False)
    assert (retire.state, retire.has_evidence) == ("submitted", True)
    assert retire.occurred_on == retire.entered_on  # no occurred_on given: the day it was entered
    found = [(c.profile_id, c.full_name, c.birth_date, c.birth_place, c.same_citizen_id) for c in context.candidates]
    assert found == [(str(twin.id), name, born, "Nam Định", False),
                     (str(same_day.id), "Trần Văn Khác", born, None, False)]


async def test_the_gateways_check_and_acknowledgement_reach_the_context(
    session: AsyncSession, profile_api: AsyncClient, token_issuer: TokenIssuer, monkeypatch: pytest.MonkeyPatch
) -> None:
    world = await province(session, token_issuer)
    target = world.people["a1"][1]
    row = await _released(session, world, target, datetime(2026, 2, 28, 10, 0, tzinfo=UTC))
    accepted = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
    session.add_all([
        CitizenCheck(profile_id=target.id, checked_at=datetime(2025, 1, 1, tzinfo=UTC), result="match"),
        CitizenCheck(profile_id=target.id, checked_at=datetime(2026, 3, 2, 18, 0, tzinfo=UTC), result="mismatch",
                     mismatched=["full_name"]),  # the latest: 3 March in Hà Nội
        PacketRecord(outbox_id=row.id, profile_id=target.id, org_unit_id=world.a1.id, status="accepted",
                     decided_at=accepted),
    ])
    await session.flush()
    seen: list[Context] = []

    def spy(record: dict[str, Any], context: Context) -> Report:
        seen.append(context)
        return judge(record, context)

    monkeypatch.setattr(scoring, "judge", spy)
    response = await profile_api.get(f"/api/v1/profiles/{target.id}/quality", headers=world.auth["agency_admin"])
    assert response.status_code == 200
    [context] = seen
    assert context.citizen_check == CitizenCheckFact(date(2026, 3, 3), "mismatch", ("full_name",))
    assert context.acknowledged_at == accepted
    assert "DUNG-DANCU-001" in {f["code"] for f in response.json()["findings"]}
