"""Issue 19, item 7: `python -m sync_gateway.chain verify` re-verifies the stored packets (hash, link,
signature) and says where the first break is. On the package's database (10,000 records packed by the
real builder); each break is made in a transaction that is rolled back, with the immutability trigger
(`packets_immutable`, migration 2026-11-23-1647) bypassed for that transaction only. Điều 13 khoản 3: the
packets are signed with the key pair the ministry provides; what we stored must still verify with its public half."""

from __future__ import annotations

import asyncio
import hashlib
import os
import re
import sys
from collections.abc import AsyncIterator
from pathlib import Path
from subprocess import PIPE

import pytest
from joserfc import jws
from joserfc.jwk import ECKey
from sqlalchemy import select, text, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from hoso_shared.db.models import Packet
from sync_gateway.chain import __main__ as cli
from sync_gateway.chain.checks import CERTIFICATE, HASH, LINK, SIGNATURE
from sync_gateway.chain.service import AgencySummary, Report, verify_chains
from tests.pki import CA
from tests.sync_gateway.released_province.conftest import PACKET_SIZE, RECORDS, Province

pytestmark = pytest.mark.timeout(900)  # the package's database: 10,000 people loaded and packed once
ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture
async def tampering(province: Province) -> AsyncIterator[AsyncSession]:
    """A session whose changes are rolled back, with `packets_immutable` not firing (replica role)."""
    async with province.engine.connect() as conn:
        outer = await conn.begin()
        await conn.execute(text("SET LOCAL session_replication_role = replica"))
        async with async_sessionmaker(bind=conn, expire_on_commit=False)() as session:
            yield session
        await outer.rollback()


async def _second_packet(session: AsyncSession) -> Packet:
    """An agency's second packet (a link on both sides of it)."""
    stmt = select(Packet).where(Packet.sequence == 2).order_by(Packet.agency_code).limit(1)
    return (await session.scalars(stmt)).one()


class TestVerifyChains:
    async def test_the_cli_passes_on_the_packed_province(self, province: Province) -> None:
        env = {**os.environ, "DATABASE_URL": province.url, "HOSO_ENV": "test",
               "HOSO_LOOKUP_HMAC_KEY": "test-lookup-key"}
        proc = await asyncio.create_subprocess_exec(sys.executable, "-m", "sync_gateway.chain", "verify", env=env,
                                                    cwd=ROOT, stdout=PIPE, stderr=PIPE)
        out, err = await asyncio.wait_for(proc.communicate(), 300)
        assert proc.returncode == cli.OK, out.decode() + err.decode()
        lines = out.decode().splitlines()
        assert len(lines) == 5 and "chains intact: 4" in lines[-1], lines
        records = [int(m.group(1)) for line in lines[:4] if (m := re.search(r"(\d+) bản ghi / records", line))]
        packets = [int(m.group(1)) for line in lines[:4] if (m := re.search(r": (\d+) gói / packets", line))]
        assert sum(records) == RECORDS and packets == [-(-n // PACKET_SIZE) for n in records], lines

    async def test_one_agency_only(self, tampering: AsyncSession) -> None:
        report = await verify_chains(tampering, "01.STC")
        assert report.intact and [a.agency_code for a in report.agencies] == ["01.STC"]
        (summary,) = report.agencies
        assert summary.first_sequence == 1 and summary.last_sequence == summary.packets
        assert summary.records > 0

    async def test_a_corrupted_body_is_found_at_its_packet(self, tampering: AsyncSession) -> None:
        packet = await _second_packet(tampering)
        changed = packet.body.replace(b'"record_id":"', b'"record_id":"9', 1)
        await tampering.execute(update(Packet).where(Packet.id == packet.id).values(body=changed))
        report = await verify_chains(tampering)
        assert report.broken is not None
        assert (report.broken.agency_code, report.broken.sequence, report.broken.packet_id, report.broken.kind) == (
            packet.agency_code, 2, packet.id, HASH)
        text_out, code = cli.render(report)
        assert code == cli.BROKEN and str(packet.id) in text_out and "sequence 2" in text_out

    async def test_a_broken_link_is_found(self, tampering: AsyncSession) -> None:
        packet = await _second_packet(tampering)
        await tampering.execute(update(Packet).where(Packet.id == packet.id).values(prev_hash="0" * 64))
        broken = (await verify_chains(tampering, packet.agency_code)).broken
        assert broken is not None and (broken.sequence, broken.packet_id, broken.kind) == (2, packet.id, LINK)

    async def test_a_rewritten_body_with_its_hash_still_breaks_the_next_link(self, tampering: AsyncSession) -> None:
        """Whoever rewrites a packet and its hash consistently still breaks the chain at the packet after."""
        packet = await _second_packet(tampering)
        changed = packet.body.replace(b'"record_id":"', b'"record_id":"9', 1)
        await tampering.execute(update(Packet).where(Packet.id == packet.id)
                                .values(body=changed, body_hash=hashlib.sha256(changed).hexdigest()))
        broken = (await verify_chains(tampering, packet.agency_code)).broken
        assert broken is not None and broken.sequence in (2, 3)
        assert (broken.sequence, broken.kind) in ((2, SIGNATURE), (3, LINK))

    async def test_a_bad_signature_is_found(self, tampering: AsyncSession) -> None:
        packet = await _second_packet(tampering)
        forger = ECKey.generate_key("P-256", parameters={"kid": packet.kid}, private=True)
        forged = jws.serialize_compact({"alg": "ES256", "kid": packet.kid, "typ": "hoso-packet+jws"}, packet.body,
                                       forger)
        await tampering.execute(update(Packet).where(Packet.id == packet.id).values(jws=forged))
        broken = (await verify_chains(tampering, packet.agency_code)).broken
        assert broken is not None and (broken.sequence, broken.packet_id, broken.kind) == (2, packet.id, SIGNATURE)
        assert packet.kid in broken.detail

    async def test_with_trust_anchors_a_key_no_ca_certified_breaks_at_the_first_packet(
            self, tampering: AsyncSession) -> None:
        """Điều 13 khoản 3: the ministry's key, certified by its CA. This province signed with a bare dev key (no
        x5c): against the ministry's CA, its first packet is where the chain stops holding."""
        ministry = CA.make("Bộ Nội vụ Root CA")
        broken = (await verify_chains(tampering, "01.STC", (ministry.cert,))).broken
        assert broken is not None and (broken.agency_code, broken.sequence, broken.kind) == ("01.STC", 1, CERTIFICATE)
        assert "x5c" in broken.detail


class TestCli:
    def test_usage_errors_exit_2(self) -> None:
        assert cli.main([]) == cli.USAGE
        assert cli.main(["check"]) == cli.USAGE
        assert cli.main(["verify", "--agency"]) == cli.USAGE
        assert cli.main(["verify", "--trust-anchors", "/nonexistent/ca.pem"]) == cli.USAGE

    def test_an_unreachable_database_exits_2(self, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setenv("DATABASE_URL", "postgresql+asyncpg://nobody@127.0.0.1:1/none")
        monkeypatch.setenv("HOSO_ENV", "test")
        assert cli.main(["verify"]) == cli.USAGE

    def test_render_intact(self) -> None:
        text_out, code = cli.render(Report([AgencySummary("01.SNV", 2, 900, 1, 2)]))
        assert code == cli.OK and "01.SNV: 2 gói / packets, 900 bản ghi / records" in text_out
