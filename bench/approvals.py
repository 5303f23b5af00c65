"""`python -m bench.approvals --requests N`: DOHA's bulk approval of N pending `create` requests (issue 17), timed a
call at a time beside a raw floor taken in the same run.

The demo's pending new record is cloned in SQL into N pending records, each with its submitted `create` request
(sealed values are copied as they are: they open under the same keys), plus PER_CALL more for the floor. profile-api
and approval-api run as processes, as `make run` starts them; snv.approver (DOHA's approver at the root, who did not
enter them) approves them through `POST /api/v1/change-requests/bulk`, PER_CALL ids a call, one call at a time, in an
extraordinary window snv.admin opens. Each call's seconds and records/s are printed with the requests still waiting
when it began, so a call that slows down as N grows shows as a trend; the floor does one call's database writes
(each request approved, decided, applied: the version, the outbox row, the audit entry) for PER_CALL other requests
straight through asyncpg. Nothing is asserted.

Env: DATABASE_URL (else a throwaway embedded PostgreSQL).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import asyncpg
import httpx

from bench import runner, servers
from bench.cases import Caller
from bench.db import open_database, prepare
from bench.pipeline.config import asyncpg_dsn
from bench.scale.approvals import open_window
from hoso_devstack import secrets
from hoso_devstack.pg import free_port
from hoso_devstack.stack import stack_env

PER_CALL = 1000
ADMIN, APPROVER = "snv.admin", "snv.approver"
TEMPLATE = "SELECT id, profile_id FROM change_requests WHERE kind = 'create' AND state = 'submitted' LIMIT 1"
# One clone per row of `n`: a new profile (its own citizen-ID hash, a birth date spread over ~27 years), its tables,
# its assignment, its submitted `create` request and that request's first decision.
CLONE = """
WITH n AS (SELECT g, gen_random_uuid() AS pid, gen_random_uuid() AS cid FROM generate_series(1, $3) g),
p AS (
  INSERT INTO profiles (id, org_unit_id, citizen_id_hmac, citizen_id_enc, key_id, full_name, birth_date, sex, category,
                        status, rank_code, data, sensitive_enc, version, incoming_on, created_by)
  SELECT n.pid, t.org_unit_id, sha256(convert_to(n.pid::text, 'UTF8')), t.citizen_id_enc, t.key_id,
         t.full_name || ' ' || $4 || n.g, DATE '1970-01-01' + (n.g % 10000), t.sex, t.category, t.status,
         t.rank_code, t.data, t.sensitive_enc, 0, t.incoming_on, t.created_by
  FROM n, profiles t WHERE t.id = $2 RETURNING id),
s AS (
  INSERT INTO profile_section_rows (id, profile_id, section, position, data, data_enc, key_id)
  SELECT gen_random_uuid(), n.pid, r.section, r.position, r.data, r.data_enc, r.key_id
  FROM n, profile_section_rows r WHERE r.profile_id = $2 RETURNING id),
a AS (
  INSERT INTO profile_assignments (id, profile_id, org_unit_id, valid_from, valid_to, reason)
  SELECT gen_random_uuid(), n.pid, x.org_unit_id, x.valid_from, x.valid_to, x.reason
  FROM n, profile_assignments x WHERE x.profile_id = $2 RETURNING id),
c AS (
  INSERT INTO change_requests (id, profile_id, org_unit_id, base_version, kind, state, payload, outline, attachment_ids,
                               requested_by, comment, submitted_at, findings, occurred_on)
  SELECT n.cid, n.pid, r.org_unit_id, 0, 'create', 'submitted', r.payload, r.outline, r.attachment_ids,
         r.requested_by, r.comment, r.submitted_at, r.findings, r.occurred_on
  FROM n, change_requests r WHERE r.id = $1 RETURNING id)
INSERT INTO decisions (change_request_id, action, from_state, to_state, actor_id, actor_name)
SELECT n.cid, 'create', 'none', 'submitted', r.requested_by, 'bench' FROM n, change_requests r WHERE r.id = $1
RETURNING change_request_id
"""
WAITING = ("SELECT id FROM change_requests WHERE kind = 'create' AND state = 'submitted' AND id <> $1 ORDER BY id")


@dataclass
class Call:
    waiting: int  # `create` requests still submitted when the call began
    seconds: float
    succeeded: int
    failed: int
    failures: dict[str, int] = field(default_factory=dict)

    @property
    def per_s(self) -> float:
        return self.succeeded / self.seconds if self.seconds else 0.0


async def seed(url: str, requests: int) -> list[str]:
    """`requests` pending records (and PER_CALL more for the floor), in clones of 5,000; their request ids."""
    conn = await asyncpg.connect(asyncpg_dsn(url))
    try:
        template = await conn.fetchrow(TEMPLATE)
        done = 0
        while done < requests + PER_CALL:
            n = min(5000, requests + PER_CALL - done)
            async with conn.transaction():
                await conn.fetch(CLONE, template["id"], template["profile_id"], n, f"b{done}")
            done += n
        await conn.execute("ANALYZE")
        return [str(r["id"]) for r in await conn.fetch(WAITING, template["id"])]
    finally:
        await conn.close()


# The floor: one call's writes for each request, PER_CALL requests in one transaction, as set-based as SQL allows.
RAW = [
    "UPDATE change_requests SET state = 'approved', decided_at = now() WHERE id = ANY($1::uuid[])",
    "INSERT INTO decisions (change_request_id, action, from_state, to_state, actor_name)"
    " SELECT unnest($1::uuid[]), 'approve', 'submitted', 'approved', 'bench'",
    "UPDATE profiles SET version = 1 FROM change_requests c"
    " WHERE c.id = ANY($1::uuid[]) AND profiles.id = c.profile_id",
    "INSERT INTO profile_versions (id, profile_id, version, snapshot_enc, key_id, digest, changed, reason,"
    " change_request_id) SELECT gen_random_uuid(), c.profile_id, 1, p.sensitive_enc || p.citizen_id_enc, p.key_id,"
    " md5(c.id::text), '[]', 'created', c.id FROM change_requests c JOIN profiles p ON p.id = c.profile_id"
    " WHERE c.id = ANY($1::uuid[])",
    "INSERT INTO outbox (profile_id, profile_version, change_request_id, org_unit_id, payload)"
    " SELECT c.profile_id, 1, c.id, c.org_unit_id, '{}' FROM change_requests c WHERE c.id = ANY($1::uuid[])",
    "INSERT INTO audit_log (actor, action, entity, entity_id) SELECT 'bench', 'apply_create_request', 'profile',"
    " c.profile_id::text FROM change_requests c WHERE c.id = ANY($1::uuid[])",
    "UPDATE change_requests SET state = 'applied', applied_version = 1, applied_at = now() WHERE id = ANY($1::uuid[])",
    "INSERT INTO decisions (change_request_id, action, from_state, to_state, actor_name)"
    " SELECT unnest($1::uuid[]), 'apply', 'approved', 'applied', 'bench'",
]


async def raw_floor(url: str, ids: list[str]) -> float:
    conn = await asyncpg.connect(asyncpg_dsn(url))
    try:
        start = time.perf_counter()
        async with conn.transaction():
            for statement in RAW:
                await conn.execute(statement, ids)
        return time.perf_counter() - start
    finally:
        await conn.close()


def approve(client: httpx.Client, headers: dict[str, str], ids: list[str], waiting: int) -> Call:
    start = time.perf_counter()
    answer = client.post("/api/v1/change-requests/bulk", headers=headers, json={"action": "approve", "ids": ids})
    seconds = time.perf_counter() - start
    answer.raise_for_status()
    body = answer.json()
    failures: dict[str, int] = {}
    for item in body["results"]:
        if not item["ok"]:
            title = str((item.get("problem") or {}).get("title", "?"))
            failures[title] = failures.get(title, 0) + 1
    return Call(waiting, seconds, body["succeeded"], body["failed"], failures)


@dataclass(frozen=True)
class Config:
    requests: int
    calls: int  # 0: every request


def bench(config: Config, run_dir: Path, started: datetime) -> None:
    running: list[servers.Server] = []
    db = open_database(run_dir)
    try:
        print("preparing the database (migrations, demo data) …", flush=True)
        values = secrets.load_or_create(run_dir)
        logins = asyncio.run(prepare(db.url, values))
        print(f"cloning {config.requests:,} pending records (+{PER_CALL:,} for the floor) …", flush=True)
        ids = asyncio.run(seed(db.url, config.requests))
        floor_ids, ids = ids[:PER_CALL], ids[PER_CALL:]
        ports = {"profile-api": free_port(), "approval-api": free_port()}
        urls = {name: f"http://127.0.0.1:{port}" for name, port in ports.items()}
        env = {**stack_env(values, database_url=db.url, urls=urls, accounts=[a.as_dict() for a in logins]),
               "HOSO_LOG_LEVEL": "WARNING"}
        for name, app in (("profile-api", "profile_api.main:app"), ("approval-api", "approval_api.main:app")):
            running.append(servers.start(name, app, ready_path="/readyz", env=env, logs=run_dir / "logs",
                                         port=ports[name]))
        servers.wait_ready(running)
        api, approval = running
        password = {a.username: a.password for a in logins}
        admin = Caller(ADMIN, password[ADMIN], client=False, sensitive=True)
        approver = Caller(APPROVER, password[APPROVER], client=False, sensitive=True)
        root = next(a.org_unit_id for a in logins if a.username == ADMIN)
        open_window(approval.base_url, admin.headers(api), str(root))
        floor_s = asyncio.run(raw_floor(db.url, floor_ids))
        print(f"raw floor: {PER_CALL:,} requests' writes in {floor_s:.2f} s = {PER_CALL / floor_s:,.0f} records/s",
              flush=True)
        calls = run_calls(config, approval, approver.headers(api), ids)
        finish(config, calls, floor_s, started, run_dir)
    finally:
        servers.stop(running)
        db.close()


def run_calls(config: Config, approval: servers.Server, headers: dict[str, str], ids: list[str]) -> list[Call]:
    calls: list[Call] = []
    chunks = [ids[i:i + PER_CALL] for i in range(0, len(ids), PER_CALL)]
    with httpx.Client(base_url=approval.base_url, timeout=900) as client:
        for n, chunk in enumerate(chunks[:config.calls or None]):
            call = approve(client, headers, chunk, waiting=len(ids) - n * PER_CALL)
            calls.append(call)
            print(f"call {n + 1}: {call.waiting:>7,} waiting  {call.succeeded:,} approved, {call.failed} failed in"
                  f" {call.seconds:6.2f} s = {call.per_s:6,.0f} records/s {call.failures or ''}", flush=True)
    return calls


def finish(config: Config, calls: list[Call], floor_s: float, started: datetime, run_dir: Path) -> None:
    rates = [c.per_s for c in calls]
    if rates:
        print(f"\n{len(calls)} call(s) of {PER_CALL:,}: first {rates[0]:,.0f}, last {rates[-1]:,.0f}, slowest"
              f" {min(rates):,.0f} records/s; raw floor {PER_CALL / floor_s:,.0f} records/s")
    out = Path("bench/results") / f"{started:%Y%m%dT%H%M%SZ}-approvals.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    detail: dict[str, Any] = {"requests": config.requests, "per_call": PER_CALL, "raw_floor_s": floor_s,
                              "raw_floor_per_s": PER_CALL / floor_s,
                              "calls": [{**vars(c), "per_s": c.per_s} for c in calls]}
    out.write_text(json.dumps(detail, indent=1))
    print(f"written: {out}")


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.approvals", description=__doc__.split("\n")[0])
    parser.add_argument("--requests", type=int, default=5000, help="pending `create` requests to approve")
    parser.add_argument("--calls", type=int, default=0, help="stop after this many calls (0: approve them all)")
    args = parser.parse_args()
    return runner.run(bench, Config(requests=args.requests, calls=args.calls), "bench-approvals-")


if __name__ == "__main__":
    sys.exit(main())
