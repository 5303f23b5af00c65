"""Sync progress has one definition (hoso_shared.db.progress): sync-gateway's table and the public progress
page count the same things, so on the same database they show the same numbers."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from hoso_shared.auth import TokenIssuer
from hoso_shared.db import outbox, progress
from hoso_shared.db.models import Account, ChangeRequest, OrgUnit, OutboxRow, Packet, PacketRecord, Profile, SyncBatch
from tests.factories import bearer, make_account, make_profile, make_unit, principal_for
from tests.profile_api.reports.test_exports import EXPORT_SETTINGS
from tests.sync_gateway.conftest import GATEWAY_KEY, NDXP, national_jwks


@dataclass
class Province:
    """P ⊃ A, B; one change a person, each person at one point of the way."""

    p: OrgUnit
    a: OrgUnit
    b: OrgUnit
    doha: Account
    people: dict[str, Profile] = field(default_factory=dict)
    rows: dict[str, int] = field(default_factory=dict)  # each person's outbox row


async def _append(session: AsyncSession, w: Province, *keys: str) -> None:
    await outbox.append(session, [outbox.announcing(
        profile_id=w.people[k].id, version=1, change_request_id=None, org_unit_id=w.people[k].org_unit_id,
        reason="change", changed=["phone"], digest="0" * 64) for k in keys])
    for key in keys:
        stmt = select(OutboxRow.id).where(OutboxRow.profile_id == w.people[key].id)
        w.rows[key] = (await session.scalars(stmt)).one()


async def _packet(session: AsyncSession, state: str) -> uuid.UUID:
    packet = Packet(id=uuid.uuid4(), agency_code=f"T{uuid.uuid4().hex[:6]}", sequence=1, body=b"{}",
                    body_hash="0" * 64, jws="x..y", kid="k", record_count=1, state=state)
    session.add(packet)
    await session.flush()
    return packet.id


async def province(session: AsyncSession) -> Province:
    """A: a1 changed (appended only); a2 released, its change request approved; a3 packed in a delivered
    packet; a4 accepted. B: b1 rejected nationally, b2 blocked by a rule, b3 untouched, b4 accepted but
    archived since (counted nowhere)."""
    p = await make_unit(session, type="province")
    a, b = await make_unit(session, parent=p), await make_unit(session, parent=p)
    w = Province(p, a, b, await make_account(session, unit=p, role="doha_admin"))
    for key in ("a1", "a2", "a3", "a4", "b1", "b2", "b3", "b4"):
        w.people[key] = await make_profile(session, unit=a if key[0] == "a" else b,
                                           archived_at=datetime.now(UTC) if key == "b4" else None)
    now = datetime.now(UTC)
    await _append(session, w, "a2", "a3", "a4", "b1", "b2", "b4")
    batch = SyncBatch(id=uuid.uuid4(), org_unit_id=p.id, period=f"{now:%Y-%m}", submitted_by=w.doha.id)
    session.add(batch)
    await session.flush()
    await outbox.take(session, batch.id, select(OrgUnit.id).where(OrgUnit.id.in_([a.id, b.id])))
    await outbox.release(session, batch.id, now)
    await outbox.consume(session, [w.rows[k] for k in ("a3", "a4", "b1", "b2", "b4")], now)
    await _append(session, w, "a1")
    delivered, acknowledged = await _packet(session, "delivered"), await _packet(session, "acknowledged")
    for key, packet, status in (("a3", delivered, "packed"), ("a4", acknowledged, "accepted"),
                                ("b1", acknowledged, "rejected"), ("b2", None, "blocked"),
                                ("b4", acknowledged, "accepted")):
        person = w.people[key]
        session.add(PacketRecord(outbox_id=w.rows[key], packet_id=packet, profile_id=person.id,
                                 org_unit_id=person.org_unit_id, status=status))
    session.add(ChangeRequest(id=uuid.uuid4(), profile_id=w.people["a2"].id, org_unit_id=a.id, base_version=1,
                              state="approved", payload={}, requested_by=w.doha.id, decided_at=now))
    await session.flush()
    return w


class TestOneDefinition:
    async def test_the_gateways_table_and_the_public_page_show_the_same_numbers(
            self, session: AsyncSession, client_for: Any, token_issuer: TokenIssuer) -> None:
        w = await province(session)
        gateway = await client_for("sync-gateway", signing_key=json.dumps(GATEWAY_KEY.as_dict(private=True)),
                                   ndxp_jwks=national_jwks(), ndxp_url=NDXP, ndxp_token_url=f"{NDXP}/oauth/token")
        table = await gateway.get("/api/v1/sync-progress", params={"org_unit_id": str(w.p.id)},
                                  headers=bearer(token_issuer, principal_for(w.doha, w.p)))
        assert table.status_code == 200, table.text
        ministry = {u["org_unit_code"]: u for u in table.json()["units"]}
        profile_api = await client_for("profile-api", **EXPORT_SETTINGS)
        page = await profile_api.get("/api/v1/reports/progress/page.json", params={"unit_code": w.p.code})
        assert page.status_code == 200, page.text
        (section,) = page.json()["sections"]
        public = {r["code"]: r for r in section["rows"]}
        assert set(ministry) == set(public) == {w.p.code, w.a.code, w.b.code}

        # By hand: A has a1–a4, all changed, a2 approved, a3 and a4 synced, a4 acknowledged; B has b1–b3 (b4 is
        # archived), b1 and b2 changed, b1 synced, b1 and b2 rejected. Everything happened this month and quarter.
        by_hand = {w.a.code: (4, 4, 1, 2, 1, 0), w.b.code: (3, 2, 0, 1, 0, 2), w.p.code: (7, 6, 1, 3, 1, 2)}
        for code, numbers in by_hand.items():
            row, shown = ministry[code], public[code]
            assert tuple(row[s] for s in ("total", "changed_this_month", "approved", "synced", "acknowledged",
                                          "rejected")) == numbers, code
            assert (shown["total"], shown["updated_month"], shown["updated_quarter"], shown["approved"],
                    shown["synced"], shown["acknowledged"]) == (row["total"], row["changed_this_month"],
                                                               row["changed_this_month"], row["approved"],
                                                               row["synced"], row["acknowledged"]), code


class TestCounts:
    async def test_records_count_a_person_once_and_changes_each_change(self, session: AsyncSession) -> None:
        w = await province(session)
        person = w.people["a4"]  # accepted once already; a second change packed into the delivered packet
        await outbox.append(session, [outbox.announcing(
            profile_id=person.id, version=2, change_request_id=None, org_unit_id=w.a.id, reason="change",
            changed=["phone"], digest="1" * 64)])
        row = (await session.scalars(select(OutboxRow.id).where(OutboxRow.profile_id == person.id,
                                                                OutboxRow.profile_version == 2))).one()
        batch = SyncBatch(id=uuid.uuid4(), org_unit_id=w.a.id, period="2026-11", submitted_by=w.doha.id)
        session.add(batch)
        await session.flush()
        await outbox.take(session, batch.id, select(OrgUnit.id).where(OrgUnit.id == w.a.id))
        await outbox.release(session, batch.id, datetime.now(UTC))
        await outbox.consume(session, [row], datetime.now(UTC))
        session.add(PacketRecord(outbox_id=row, packet_id=await _packet(session, "delivered"), profile_id=person.id,
                                 org_unit_id=w.a.id, status="packed"))
        await session.flush()
        counts = (await progress.counts(session, [w.a.id], datetime(2000, 1, 1, tzinfo=UTC)))[w.a.id]
        assert counts.total == 4
        # The batch took A's appended rows: a1's and a4's second change, released with the three before.
        assert counts.records == {"changed": 4, "approved": 1, "released": 4, "synced": 2, "acknowledged": 1,
                                  "rejected": 0}
        assert counts.changes == {"changed": 5, "approved": 1, "released": 5, "synced": 3, "acknowledged": 1,
                                  "rejected": 0}

    async def test_a_stage_counts_from_its_own_instant(self, session: AsyncSession) -> None:
        w = await province(session)
        later = (await progress.counts(session, [w.p.id, w.b.id], datetime(2999, 1, 1, tzinfo=UTC)))
        assert later[w.p.id] == progress.Counts(total=7, records=dict.fromkeys(progress.STAGES, 0),
                                                changes=dict.fromkeys(progress.STAGES, 0))
        nowhere = uuid.uuid4()
        assert (await progress.counts(session, [nowhere], datetime.now(UTC)))[nowhere].total == 0

    async def test_a_period_ends_where_it_is_told(self, session: AsyncSession) -> None:
        """The quarterly review counts one quarter: nothing that happened at or after `until` counts."""
        w = await province(session)
        before = (await progress.counts(session, [w.p.id], datetime(2000, 1, 1, tzinfo=UTC),
                                        datetime(2001, 1, 1, tzinfo=UTC)))[w.p.id]
        assert before.total == 7 and set(before.changes.values()) == {0}
        whole = (await progress.counts(session, [w.p.id], datetime(2000, 1, 1, tzinfo=UTC)))[w.p.id]
        assert whole.changes["released"] == 5 and whole.records["changed"] == 6


class TestTheQuarterlyReviewCountsAlike:
    async def test_its_sync_part_is_sync_progress_over_the_quarter(self, session: AsyncSession) -> None:
        """A unit's quarterly review reports its sync with the same definition as the two tables."""
        from profile_api.reports.reviews import content

        w = await province(session)
        since, until = datetime(2000, 1, 1, tzinfo=UTC), datetime(2999, 1, 1, tzinfo=UTC)
        sync = await content._sync(session, w.p, since, until)
        counts = (await progress.counts(session, [w.p.id], since, until))[w.p.id]
        assert sync == {"total": counts.total, "changed": counts.records["changed"], "approved": 1, "released": 5,
                        "synced": counts.changes["synced"], "acknowledged": counts.changes["acknowledged"],
                        "rejected": counts.changes["rejected"]}
        assert sync["total"] == 7 and sync["approved"] == counts.changes["approved"]
