"""Personal data sealed where it rests (issue 20; QĐ 6187 Điều 4 khoản 3: some fields encrypted; Điều 19 khoản 7:
DOHA keeps the data safe and leads its encryption): change requests' payloads and national rejection reasons,
packets' bodies and signatures, receipts and scanned evidence are stored as ciphertext, read back whole, and
sealed by the migration for rows written before it."""

from __future__ import annotations

import asyncio
import functools
import uuid
from collections.abc import AsyncIterator
from datetime import date

import pytest
from cryptography.exceptions import InvalidTag
from sqlalchemy import select, text
from sqlalchemy.exc import StatementError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from hoso_shared.crypto import FieldCipher, new_key
from hoso_shared.db import migrate
from hoso_shared.db.engine import create_engine, create_sessionmaker, session_scope
from hoso_shared.db.models import Attachment, ChangeRequest, GrantDecision, Packet, Receipt
from hoso_shared.db.sealed import CipherNotBound, unseal
from hoso_shared.settings import CommonSettings
from tests.conftest import drop_database, fresh_database
from tests.factories import make_account, make_profile, make_unit

PHONE = "0912345678"
CITIZEN = "001085012345"
SCAN = b"%PDF-1.7 giay xac nhan " + CITIZEN.encode()
REJECTED = f"Số định danh {CITIZEN} không khớp CSDL quốc gia; số điện thoại {PHONE}"
BEFORE_SEALING = "g20throttle1"


def _cipher() -> FieldCipher:
    return FieldCipher.from_settings(CommonSettings(env="test", lookup_hmac_key="sealed-test",
                                                    field_keys={"k1": new_key()}))


async def _write(session: AsyncSession) -> dict[str, uuid.UUID]:
    unit = await make_unit(session)
    profile = await make_profile(session, unit=unit, items={"phone": PHONE})
    account = await make_account(session, unit=unit)
    request = ChangeRequest(profile_id=profile.id, org_unit_id=unit.id, base_version=1, requested_by=account.id,
                            payload={"items": {"phone": PHONE}, "sections": {"family": [{"name": "X"}]}},
                            occurred_on=date(2026, 11, 2), national_reason=REJECTED)
    packet = Packet(agency_code=unit.code, sequence=1, body=f'{{"citizen_id":"{CITIZEN}"}}'.encode(),
                    body_hash="0" * 64, jws=f"e30.{CITIZEN}.c2ln", kid="k", record_count=1)
    scan = Attachment(profile_id=profile.id, filename="a.pdf", content_type="application/pdf", size=len(SCAN),
                      sha256="0" * 64, content=SCAN, uploaded_by=account.id)
    session.add_all([request, packet, scan])
    await session.flush()
    session.add(Receipt(id=f"r-{uuid.uuid4()}", packet_id=packet.id, outcome="rejected",
                        body={"rejected": [{"citizen_id": CITIZEN, "reason": "x"}]}, signed_at=packet.created_at))
    await session.flush()
    return {"request": request.id, "packet": packet.id, "scan": scan.id}


async def _decision(session: AsyncSession) -> uuid.UUID:
    """A grant's written decision, scanned (issue 21 item 2): sealed as evidence scans are."""
    unit = await make_unit(session)
    decision = GrantDecision(filename="qd.pdf", content_type="application/pdf", size=len(SCAN), sha256="0" * 64,
                             content=SCAN, uploaded_by=(await make_account(session, unit=unit)).id, org_unit_id=unit.id)
    session.add(decision)
    await session.flush()
    return decision.id


async def _raw(engine: AsyncEngine) -> bytes:
    """Every sealed column's stored bytes, as a copy of the database would show them."""
    async with engine.connect() as conn:
        rows = await conn.execute(text(
            "SELECT convert_to(payload::text, 'UTF8') FROM change_requests UNION ALL "
            "SELECT convert_to(national_reason::text, 'UTF8') FROM change_requests UNION ALL "
            "SELECT convert_to(body::text, 'UTF8') || convert_to(jws::text, 'UTF8') FROM packets UNION ALL "
            "SELECT content FROM attachments UNION ALL SELECT convert_to(body::text, 'UTF8') FROM receipts"))
        return b"".join(bytes(r[0]) for r in rows)


def _clear(raw: bytes) -> set[str]:
    return {v for v in (PHONE, CITIZEN) if v.encode() in raw or v.encode().hex().encode() in raw}


@pytest.fixture
async def database(server_url: str) -> AsyncIterator[str]:
    name = f"hoso_sealed_{uuid.uuid4().hex[:8]}"
    yield await fresh_database(server_url, name)
    await drop_database(server_url, name)


class TestSealedColumns:
    async def test_stored_as_ciphertext_and_read_back_whole(self, database: str) -> None:
        cipher = _cipher()
        await asyncio.to_thread(migrate.upgrade, database)
        engine = create_engine(database, pool_size=1, cipher=cipher)
        try:
            async with session_scope(create_sessionmaker(engine)) as session:
                ids = await _write(session)
                decision_id = await _decision(session)
            assert _clear(await _raw(engine)) == set()
            async with engine.connect() as conn:
                stored_scan = (await conn.execute(text("SELECT content FROM grant_decisions"))).scalar_one()
            assert _clear(bytes(stored_scan)) == set()
            async with session_scope(create_sessionmaker(engine)) as session:
                decision = await session.get(GrantDecision, decision_id)
                assert decision is not None and decision.content == SCAN
                request = await session.get(ChangeRequest, ids["request"])
                packet = await session.get(Packet, ids["packet"])
                scan = await session.get(Attachment, ids["scan"])
                assert request is not None and packet is not None and scan is not None
                assert request.payload["items"] == {"phone": PHONE}
                assert request.national_reason == REJECTED
                # What SQL may ask of a proposal: the keys it touches, never their values.
                assert request.outline == {"keys": ["items", "sections"], "items": ["phone"], "sections": ["family"]}
                assert CITIZEN in packet.body.decode() and packet.jws.endswith(".c2ln") and scan.content == SCAN
                receipt = (await session.scalars(select(Receipt).where(Receipt.packet_id == packet.id))).one()
                assert receipt.body["rejected"][0]["citizen_id"] == CITIZEN
            async with engine.connect() as conn:
                stored = (await conn.execute(text("SELECT payload FROM change_requests"))).scalar_one()
            with pytest.raises(InvalidTag):  # the column's name is the associated data
                unseal(cipher, bytes(stored), field="packets.body")
        finally:
            await engine.dispose()

    async def test_an_engine_without_the_cipher_refuses_rather_than_writing_clear(self, database: str) -> None:
        await asyncio.to_thread(migrate.upgrade, database)
        engine = create_engine(database, pool_size=1)
        try:
            with pytest.raises(StatementError, match="no field cipher") as refused:
                async with session_scope(create_sessionmaker(engine)) as session:
                    await _write(session)
            assert isinstance(refused.value.orig, CipherNotBound)
            assert await _raw(engine) == b""
        finally:
            await engine.dispose()

    async def test_the_migration_seals_rows_written_before_it_and_downgrade_opens_them(self, database: str) -> None:
        cipher = _cipher()
        await asyncio.to_thread(migrate.upgrade, database)
        engine = create_engine(database, pool_size=1, cipher=cipher)
        try:
            async with session_scope(create_sessionmaker(engine)) as session:
                ids = await _write(session)
            await asyncio.to_thread(functools.partial(migrate.downgrade, database, BEFORE_SEALING, cipher=cipher))
            # Before the migration these columns held personal data in clear: the state it must seal.
            assert _clear(await _raw(engine)) == {PHONE, CITIZEN}
            await engine.dispose()
            await asyncio.to_thread(functools.partial(migrate.upgrade, database, cipher=cipher))
            assert _clear(await _raw(engine)) == set()
            async with session_scope(create_sessionmaker(engine)) as session:
                request = await session.get(ChangeRequest, ids["request"])
                packet = await session.get(Packet, ids["packet"])
                scan = await session.get(Attachment, ids["scan"])
                assert request is not None and packet is not None and scan is not None
                assert request.payload == {"items": {"phone": PHONE}, "sections": {"family": [{"name": "X"}]}}
                assert request.national_reason == REJECTED
                assert request.outline == {"keys": ["items", "sections"], "items": ["phone"], "sections": ["family"]}
                assert packet.body == f'{{"citizen_id":"{CITIZEN}"}}'.encode() and scan.content == SCAN
                assert packet.jws == f"e30.{CITIZEN}.c2ln"
        finally:
            await engine.dispose()
