"""ndxp-sim's memory after a province's sync (issue 17: every service ≤ 250 MB RSS at 200,000 records).

`python -m bench.sim_memory [--records 200000] [--packet-size 500] [--concurrency 4]` starts ndxp-sim as
its own process (uvicorn, one worker, as `make run` and the pipeline benchmark do), with a receipt
receiver in this process that answers 200. It then posts signed packets of `--packet-size` records shaped
as the gateway builds them (`sync_gateway.packets.wire`, RFC 8785 bytes, ES256 JWS). Each record holds a
snapshot like the demo's: about 25 items and two tables. `--concurrency` posts are in flight at once, as
the gateway's delivery workers send them. The script waits for every receipt, then prints the
simulator's RSS before and after and the growth per record, and writes them to
`bench/results/<UTC timestamp>-sim-memory.json`. `--people N` first teaches the simulator's population
register N people, in batches, as a province's test setup would, and reports what that took.
`--tracemalloc` also runs the same intake in this process and reports the Python heap kept per record
(tracemalloc, after a collection). It prints figures and asserts nothing.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import os
import random
import tempfile
import time
import tracemalloc
import uuid
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import psutil
import uvicorn
from joserfc.jwk import ECKey
from starlette.types import Receive, Scope, Send

from bench import servers
from hoso_devstack.pg import free_port
from hoso_shared.canonical import canonical
from hoso_shared.logging import configure_logging
from sync_gateway.packets import wire

RESULTS = Path(__file__).parent / "results"
FAMILY = ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Phan", "Vũ", "Đặng", "Bùi", "Đỗ")
MIDDLE = ("Văn", "Thị", "Hữu", "Ngọc", "Đức", "Thu", "Minh", "Thanh")
GIVEN = ("An", "Bình", "Cường", "Dũng", "Hà", "Hạnh", "Hoa", "Hùng", "Lan", "Linh", "Nam", "Trang")
UNITS = ("Văn phòng Sở Tài chính", "Phòng Quản lý ngân sách", "Phòng Tổ chức cán bộ",
         "Trường THPT Phan Đình Phùng", "Văn phòng HĐND và UBND phường Ba Đình")
UNIVERSITIES = ("Trường Đại học Kinh tế Quốc dân", "Học viện Hành chính Quốc gia", "Trường Đại học Luật Hà Nội")


def snapshot(rng: random.Random) -> dict[str, Any]:
    """Items and tables as `hoso_devstack.demo` writes a person's version 1 (the values drawn alike)."""
    sex = rng.choice("MF")
    birth = date(1965, 1, 1) + timedelta(days=rng.randrange(365 * 35))
    recruited = date(max(birth.year + 22, 1990), rng.randint(1, 12), 1).isoformat()
    citizen = f"001{2 * ((birth.year - 1900) // 100) + (sex == 'F')}{birth.year % 100:02d}{rng.randrange(10**6):06d}"
    social = f"{rng.randrange(10**10):010d}"
    unit = rng.choice(UNITS)
    items: dict[str, Any] = {
        "full_name": f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}", "sex": sex,
        "birth_date": birth.isoformat(), "citizen_id": citizen, "ethnicity_code": "01", "religion_code": "00",
        "birth_place": {"province": "Hà Nội"}, "home_town": {"province": rng.choice(["Hà Nội", "Nam Định"])},
        "residence": {"commune": rng.choice(["phường Ba Đình", "phường Cầu Giấy"]), "province": "Hà Nội"},
        "current_position": rng.choice(["Chuyên viên", "Phó trưởng phòng", "Trưởng phòng"]),
        "first_recruited_on": recruited, "joined_agency_on": recruited, "general_education": "12/12",
        "highest_qualification": rng.choice(["Đại học", "Thạc sĩ"]), "employing_unit": unit,
        "rank_code": "01.003", "salary_step": rng.randint(1, 6), "salary_coefficient": "3.66",
        "phone": f"09{rng.randrange(10**8):08d}", "social_insurance_no": social,
        "health_insurance_no": f"DN401{social}", "party_joined_on": f"{int(recruited[:4]) + 2}-05-01",
        "category": "cong_chuc", "status": "active",
    }
    sections = {
        "training-professional": [{"from_date": f"{int(recruited[:4]) - 4}-09-01", "to_date": f"{recruited[:4]}-06-01",
                                   "institution": rng.choice(UNIVERSITIES), "award": "Cử nhân"}],
        "work-history": [{"from_date": recruited, "unit": unit, "title": "Chuyên viên"}],
    }
    return {"items": items, "sections": sections}


def gateway_record(rng: random.Random) -> dict[str, Any]:
    """One record as `sync_gateway.packets.builder._record` writes it."""
    shot = snapshot(rng)
    return {"record_id": str(uuid.UUID(int=rng.getrandbits(128), version=4)), "change_request_id": None,
            "citizen_id": shot["items"]["citizen_id"], "profile_version": 1, "kind": "change",
            "changed": sorted(shot["items"]), "record": shot, "warnings": ["SACH-TEXT-001"]}


AGENCIES = ("01.SNV", "01.STC", "01.SGD", "01.00004")


def signed_packets(key: ECKey, records: int, packet_size: int, *, seed: int = 2026,
                   agencies: tuple[str, ...] = AGENCIES) -> Iterator[tuple[str, str, int]]:
    """(packet id, compact JWS, record count) per packet, chained per agency as the gateway chains them."""
    rng = random.Random(seed)
    heads: dict[str, tuple[int, str | None]] = {}
    now = datetime.now(UTC)
    for number, start in enumerate(range(0, records, packet_size)):
        agency = agencies[number % len(agencies)]
        sequence, prev = heads.get(agency, (0, None))
        packet_id = uuid.UUID(int=rng.getrandbits(128), version=4)
        count = min(packet_size, records - start)
        payload = canonical(wire.document(packet_id=packet_id, province_code="01", agency_code=agency,
                                          sequence=sequence + 1, prev_hash=prev, created_at=now,
                                          records=[gateway_record(rng) for _ in range(count)]))
        heads[agency] = (sequence + 1, wire.digest(payload))
        yield str(packet_id), wire.sign(payload, key), count


class Receiver:
    """The gateway's receipt callback: counts receipts, answers 200, and sets `all_in` once `expected` came."""

    def __init__(self) -> None:
        self.receipts, self.expected = 0, -1
        self.all_in = asyncio.Event()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return
        while (await receive()).get("more_body"):
            pass
        self.receipts += 1
        if self.receipts >= self.expected >= 0:
            self.all_in.set()
        await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"application/json")]})
        await send({"type": "http.response.body", "body": b"{}"})


def sim_env(key: ECKey, callback_url: str) -> dict[str, str]:
    return {"HOSO_ENV": "dev", "HOSO_LOG_LEVEL": "WARNING",
            "HOSO_SIM_GATEWAY_JWKS": json.dumps({"keys": [key.as_dict(private=False)]}),
            "HOSO_SIM_CALLBACK_URL": callback_url, "HOSO_SIM_RECEIPT_DELAY_MS": "0"}


async def feed(client: httpx.AsyncClient, base_url: str, packets: Iterator[tuple[str, str, int]],
               concurrency: int) -> int:
    """Posts every packet (`concurrency` at once); returns how many packets were accepted."""
    token = (await client.post(f"{base_url}/oauth/token", data={
        "grant_type": "client_credentials", "client_id": "hoso-gateway", "client_secret": "dev-secret"})).json()
    headers = {"Authorization": f"Bearer {token['access_token']}", "Content-Type": "application/jose"}
    queue: asyncio.Queue[tuple[str, str, int] | None] = asyncio.Queue(maxsize=concurrency)
    accepted = 0

    async def post() -> None:
        nonlocal accepted
        while (item := await queue.get()) is not None:
            packet_id, jws, _ = item
            answer = await client.post(f"{base_url}/ndxp/v1/packets", content=jws,
                                       headers={**headers, "Idempotency-Key": packet_id})
            if answer.status_code != 202:
                raise RuntimeError(f"packet {packet_id}: {answer.status_code} {answer.text[:300]}")
            accepted += 1

    posters = [asyncio.create_task(post()) for _ in range(concurrency)]
    for item in packets:
        await queue.put(item)
    for _ in posters:
        await queue.put(None)
    await asyncio.gather(*posters)
    return accepted


async def register(client: httpx.AsyncClient, base_url: str, people: int, batch: int = 5000) -> None:
    """`people` people in the simulator's population register, as a province's test setup would teach it its
    people (`hoso_devstack.stack` does it for the demo), in bodies under the common 1 MiB limit."""
    rng = random.Random(7)
    for start in range(0, people, batch):
        body = []
        for _ in range(min(batch, people - start)):
            shot = snapshot(rng)["items"]
            body.append({k: shot[k] for k in ("citizen_id", "full_name", "birth_date", "sex")})
        answer = await client.post(f"{base_url}/admin/population", json=body)
        answer.raise_for_status()


async def in_process(key: ECKey, records: int, packet_size: int) -> dict[str, float]:
    """The intake without HTTP: the Python heap the simulator keeps per record (tracemalloc)."""
    from ndxp_sim.packets.service import receive_packet
    from ndxp_sim.settings import Settings
    from ndxp_sim.state import build_sim

    configure_logging("WARNING")
    async def no_fetch(url: str) -> dict[str, Any]:
        raise AssertionError("inline JWKS")

    settings = Settings(env="dev", sim_receipt_delay_ms=0,
                        sim_gateway_jwks=json.dumps({"keys": [key.as_dict(private=False)]}))
    sim = build_sim(settings, no_fetch)
    callbacks = httpx.AsyncClient(transport=httpx.MockTransport(lambda _: httpx.Response(200, json={})))
    sim.callback_client = lambda: callbacks
    packets = list(signed_packets(key, records, packet_size))
    gc.collect()
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    for packet_id, jws, _ in packets:
        await receive_packet(sim, jws.encode(), packet_id)
    await asyncio.gather(*list(sim.deliveries.tasks))
    del packets
    gc.collect()
    kept = tracemalloc.get_traced_memory()[0] - before
    top = tracemalloc.take_snapshot().statistics("lineno")[:8]
    tracemalloc.stop()
    await callbacks.aclose()
    for stat in top:
        print(f"  {stat.size / records:8.0f} B/record  {stat.traceback}", flush=True)
    return {"heap_kept_bytes": kept, "heap_bytes_per_record": kept / records}


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=200_000)
    parser.add_argument("--packet-size", type=int, default=500)
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--people", type=int, default=0,
                        help="first register this many people in the simulator's population register")
    parser.add_argument("--tracemalloc", type=int, default=0, metavar="RECORDS",
                        help="also measure the heap kept per record in this process, over RECORDS records")
    args = parser.parse_args()
    key = ECKey.generate_key("P-256", parameters={"kid": "bench-gateway"})
    results: dict[str, Any] = {"records": args.records, "packet_size": args.packet_size,
                               "concurrency": args.concurrency, "people": args.people}
    if args.tracemalloc:
        results |= await in_process(key, args.tracemalloc, args.packet_size)
    receiver, port = Receiver(), free_port()
    callback = uvicorn.Server(uvicorn.Config(receiver, host="127.0.0.1", port=port, log_level="warning",
                                             access_log=False, lifespan="off"))
    serving = asyncio.create_task(callback.serve())
    sim = servers.start("ndxp-sim", "ndxp_sim.main:app", ready_path="/healthz", logs=Path(tempfile.mkdtemp()),
                        env=sim_env(key, f"http://127.0.0.1:{port}/callbacks/ndxp/receipts"))
    try:
        await asyncio.to_thread(servers.wait_ready, [sim])
        process = psutil.Process(sim.process.pid)
        async with httpx.AsyncClient(timeout=120) as client:
            # Warm: every code path once, under an agency of its own.
            warm = await feed(client, sim.base_url, signed_packets(key, args.packet_size, args.packet_size, seed=1,
                                                                   agencies=("01.WARM",)), 1)
            if args.people:
                rss_empty = process.memory_info().rss
                await register(client, sim.base_url, args.people)
                results |= {"rss_register_mb": (process.memory_info().rss - rss_empty) / 2**20}
            rss_before = process.memory_info().rss
            started = time.monotonic()
            packets = warm + await feed(client, sim.base_url, signed_packets(key, args.records, args.packet_size),
                                        args.concurrency)
            receiver.expected = packets
            if receiver.receipts >= packets:
                receiver.all_in.set()
            await asyncio.wait_for(receiver.all_in.wait(), timeout=120)
            results["seconds"] = time.monotonic() - started
            await asyncio.sleep(1)
            stats = (await client.get(f"{sim.base_url}/admin/stats")).json()
        rss_after = process.memory_info().rss
    finally:
        servers.stop([sim])
        callback.should_exit = True
        await serving
    results |= {"rss_before_mb": rss_before / 2**20, "rss_after_mb": rss_after / 2**20,
                "rss_bytes_per_record": (rss_after - rss_before) / args.records,
                "packets": packets, "receipts_received": receiver.receipts,
                "records_unique": stats["records_unique"], "receipts_sent": stats["receipts_sent"]}
    for name, value in results.items():
        print(f"{name:24} {value:,.1f}" if isinstance(value, float) else f"{name:24} {value}", flush=True)
    RESULTS.mkdir(exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    (RESULTS / f"{stamp}-sim-memory.json").write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    os.environ.setdefault("PYTHONHASHSEED", "0")
    asyncio.run(main())
