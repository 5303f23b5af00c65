"""Issue 19, item 6: 10,000 records released by four agencies at once make packets of `HOSO_PACKET_SIZE`,
one short packet per agency at most (the rest of its release), each record packed exactly once although
three builders shared the work, and each agency's chain without gaps. (Before: 500 rows were taken in id
order across agencies and split per agency, so this release, its outbox ids alternating between agencies,
made 68 packets of at most 245 records instead of 22.)"""

from __future__ import annotations

import math
from collections import defaultdict

import pytest
from sqlalchemy import func, select

from hoso_shared.db.models import OutboxRow, Packet, PacketRecord
from tests.sync_gateway.released_province.conftest import PACKET_SIZE, RECORDS, Province

pytestmark = pytest.mark.timeout(900)  # the package's database: 10,000 people loaded and packed once


async def _packets(province: Province) -> dict[str, list[tuple[int, int]]]:
    """(sequence, record count) of each agency's packets, in sequence order."""
    async with province.engine.connect() as conn:
        rows = await conn.execute(select(Packet.agency_code, Packet.sequence, Packet.record_count)
                                  .order_by(Packet.agency_code, Packet.sequence))
    chains: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for agency, sequence, count in rows:
        chains[agency].append((sequence, count))
    return dict(chains)


class TestFullPackets:
    async def test_every_packet_is_full_but_one_per_agency(self, province: Province) -> None:
        """Điều 14 khoản 1 and 2 (each agency's monthly changes, approved by DOHA, synced to the national
        database): the four agencies' 10,000 records travel in full packets; only the rest of each agency's
        release is short."""
        chains = await _packets(province)
        assert len(chains) == 4, chains.keys()
        for agency, packets in chains.items():
            counts = [count for _, count in packets]
            short = [count for count in counts if count != PACKET_SIZE]
            assert len(short) <= 1 and all(0 < c < PACKET_SIZE for c in short), (agency, counts)
            assert len(counts) == math.ceil(sum(counts) / PACKET_SIZE), (agency, counts)
        assert sum(count for packets in chains.values() for _, count in packets) == RECORDS

    async def test_each_record_packed_once_and_chains_without_gaps(self, province: Province) -> None:
        async with province.engine.connect() as conn:
            packed = (await conn.execute(select(func.count(), func.count(func.distinct(PacketRecord.outbox_id)))
                                         .where(PacketRecord.status == "packed"))).one()
            waiting = (await conn.execute(select(func.count()).select_from(OutboxRow)
                                          .where(OutboxRow.consumed_at.is_(None)))).scalar_one()
        assert tuple(packed) == (RECORDS, RECORDS) and waiting == 0
        for agency, packets in (await _packets(province)).items():
            assert [sequence for sequence, _ in packets] == list(range(1, len(packets) + 1)), agency

    async def test_the_builders_shared_the_work(self, province: Province) -> None:
        """Three builders side by side: each packed packets (none waited for the others to finish), and
        every call made exactly one packet."""
        assert all(run for run in province.runs), [len(run) for run in province.runs]
        assert all(built.packets == 1 and built.blocked == 0 for run in province.runs for built in run)

    async def test_a_builder_shares_an_agency_only_for_a_whole_packet(self, province: Province) -> None:
        """With every agency held by another builder, a fifth takes a whole packet's rows of an agency that has
        them free (never a row a holder claimed), and nothing of the agency whose last rows its holder has."""
        probe = province.probe
        assert len({code for code, _ in probe.held}) == 4 and not probe.fifth_holds
        claimed = {code: ids for code, ids in probe.held}
        for code, ids in probe.shared.items():
            assert len(ids) in (0, PACKET_SIZE) and not ids & claimed[code], code
        assert probe.shared["01.SNV"] == set()  # its 8 rows are all its holder's
        assert sum(len(ids) == PACKET_SIZE for ids in probe.shared.values()) == 3
