"""Daily snapshots: idempotent per day, read back as history, published as Prometheus gauges."""

from __future__ import annotations

import asyncio
import os
import re
import subprocess
import sys
from datetime import date, datetime, timedelta
from typing import Any

from httpx import AsyncClient
from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from hoso_devstack.database import with_database
from hoso_shared.auth import TokenIssuer
from hoso_shared.db import migrate
from hoso_shared.db.engine import create_engine, create_sessionmaker, session_scope
from hoso_shared.db.models import QualitySnapshot
from hoso_shared.deadlines import HANOI_2024
from hoso_shared.time import ZONE as VN
from hoso_shared.web import collaborators_of
from profile_api.collaborators import Collaborators
from profile_api.quality import snapshots, tasks
from tests.conftest import AppClient, fresh_database
from tests.factories import CIPHER
from tests.profile_api.quality.helpers import Province, person, province, unit

POLICY = HANOI_2024
DAY = date(2026, 3, 2)


async def _take(session: AsyncSession, day: date = DAY, **kwargs: Any) -> snapshots.Taken:
    return await snapshots.take_snapshot(session, CIPHER, policy=POLICY, day=day, **kwargs)


async def _rows(session: AsyncSession, unit_id: Any, day: date = DAY) -> list[QualitySnapshot]:
    stmt = select(QualitySnapshot).where(QualitySnapshot.org_unit_id == unit_id, QualitySnapshot.day == day)
    return list((await session.execute(stmt.execution_options(populate_existing=True))).scalars())


async def _history(api: AsyncClient, world: Province, unit: Any, role: str = "agency_admin", **params: Any) -> Any:
    return await api.get(f"/api/v1/quality/scorecards/{unit.id}/history", headers=world.auth[role], params=params)


class TestSnapshot:
    async def test_every_unit_counts_its_subtree_and_a_rerun_replaces_the_day(
        self, session: AsyncSession, profile_api: AsyncClient, token_issuer: TokenIssuer
    ) -> None:
        world = await province(session, token_issuer)
        await _take(session)
        [a] = await _rows(session, world.a.id)
        card = (await profile_api.get(f"/api/v1/quality/scorecards/{world.a.id}",
                                      headers=world.auth["agency_admin"])).json()
        assert (a.records, a.policy) == (5, "hanoi-2024")
        assert a.rule_counts["DUNG-CCCD-003"] == {"records": 2, "findings": 2}
        assert [(await _rows(session, u.id))[0].records for u in (world.p, world.a1, world.a2, world.b, world.q,
                                                                  world.c)] == [6, 3, 2, 1, 1, 1]
        first_taken = a.taken_at
        # The same day again: the same rows, not new ones.
        await _take(session)
        [again] = await _rows(session, world.a.id)
        assert (again.records, again.rule_counts, again.passing_dung) == (a.records, a.rule_counts, a.passing_dung)
        # A record added since: the day's row is replaced with the new count.
        await person(session, world.a1, defective=True)
        await _take(session)
        [replaced] = await _rows(session, world.a.id)
        assert replaced.records == 6 and replaced.rule_counts["DUNG-CCCD-003"]["records"] == 3
        assert replaced.taken_at >= first_taken
        count = select(func.count()).select_from(QualitySnapshot).where(QualitySnapshot.day == DAY)
        assert (await session.execute(count)).scalar() == 7  # one row per unit, however often it ran
        history = (await _history(profile_api, world, world.a, **{"from": DAY.isoformat(),
                                                                  "to": DAY.isoformat()})).json()
        [point] = history["points"]
        assert point["records"] == 6
        assert card["records"] == 5  # the live scorecard was taken before the record was added

    async def test_a_subtree_only_and_units_not_yet_open_are_left_out(
        self, session: AsyncSession, token_issuer: TokenIssuer
    ) -> None:
        world = await province(session, token_issuer)
        later = await unit(session, parent=world.a)
        later.valid_from = DAY + timedelta(days=1)
        await session.flush()
        taken = await _take(session, root_id=world.a.id)
        assert (taken.units, taken.records) == (3, 5)
        assert len(await _rows(session, world.a1.id)) == 1
        assert await _rows(session, world.p.id) == [] and await _rows(session, world.b.id) == []
        assert await _rows(session, later.id) == []


class TestHistory:
    async def test_days_in_the_period_oldest_first(self, session: AsyncSession, profile_api: AsyncClient,
                                                   token_issuer: TokenIssuer) -> None:
        world = await province(session, token_issuer)
        for offset in range(3):
            if offset == 2:
                await person(session, world.a2)
            await _take(session, DAY + timedelta(days=offset))
        response = await _history(profile_api, world, world.a, **{"from": "2026-03-03", "to": "2026-03-10"})
        assert response.status_code == 200, response.text
        body = response.json()
        assert (body["org_unit_code"], body["from_day"], body["to_day"]) == (world.a.code, "2026-03-03", "2026-03-10")
        assert [(p["day"], p["records"]) for p in body["points"]] == [("2026-03-03", 5), ("2026-03-04", 6)]
        last = body["points"][-1]
        assert last["rule_counts"]["DUNG-CCCD-003"] == {"records": 2, "findings": 2}
        [row] = await _rows(session, world.a.id, date(2026, 3, 4))
        assert {c["criterion"]: c["passing"] for c in last["criteria"]} == {
            "Đúng": row.passing_dung, "Đủ": row.passing_du, "Sạch": row.passing_sach, "Sống": row.passing_song}
        assert all(c["share"] == round(c["passing"] / 6, 4) for c in last["criteria"])

    async def test_bad_periods_and_other_subtrees_are_refused(
        self, session: AsyncSession, profile_api: AsyncClient, token_issuer: TokenIssuer
    ) -> None:
        world = await province(session, token_issuer)
        await _take(session)
        assert (await _history(profile_api, world, world.a, **{"from": "2026-03-05", "to": "2026-03-01"})
                ).status_code == 422
        assert (await _history(profile_api, world, world.a, **{"from": "2020-01-01", "to": "2026-03-01"})
                ).status_code == 422
        refused = await _history(profile_api, world, world.b, **{"from": "2026-03-01", "to": "2026-03-05"})
        assert refused.status_code == 404 and "records" not in refused.text
        assert (await _history(profile_api, world, world.a, role="hr_system")).status_code == 403
        default = (await _history(profile_api, world, world.a)).json()  # the 90 days up to today
        assert default["to_day"] == datetime.now(VN).date().isoformat()


def _gauges(metrics: str, code: str) -> dict[str, float]:
    found = {}
    for criterion, value in re.findall(
            rf'hoso_quality_pass_ratio\{{criterion="(\w+)",org_unit="{re.escape(code)}"\}} (\S+)', metrics):
        found[criterion] = float(value)
    records = re.search(rf'hoso_quality_records\{{org_unit="{re.escape(code)}"\}} (\S+)', metrics)
    if records:
        found["records"] = float(records.group(1))
    return found


class TestGauges:
    async def test_gauges_follow_the_latest_snapshot(self, session: AsyncSession, client_for: Any,
                                                     token_issuer: TokenIssuer) -> None:
        world = await province(session, token_issuer)
        await _take(session, DAY - timedelta(days=1))
        await person(session, world.a1, defective=True)
        await _take(session)  # the latest: 6 records under A, 3 of them failing Đúng
        [a] = await _rows(session, world.a.id)
        api: AppClient = await client_for("profile-api")  # startup loads the gauges
        metrics = (await api.get("/metrics")).text
        assert _gauges(metrics, world.a.code) == {
            "DUNG": a.passing_dung / 6, "DU": a.passing_du / 6, "SACH": a.passing_sach / 6,
            "SONG": a.passing_song / 6, "records": 6.0}
        assert _gauges(metrics, world.a.code)["DUNG"] <= 0.5
        assert "hoso_quality_snapshot_timestamp_seconds" in metrics
        # The daily task: today's snapshot is missing, so it takes it, then reloads the gauges.
        await person(session, world.a2)
        quality = collaborators_of(api.app, Collaborators).quality
        taken = await tasks.tick(quality)
        assert taken is not None and taken.day == datetime.now(VN).date()
        assert _gauges((await api.get("/metrics")).text, world.a.code)["records"] == 7.0
        assert await tasks.tick(quality) is None  # taken already today: not again


class TestCommand:
    async def test_cli_snapshots_a_day_and_reruns_replace_it(self, server_url: str) -> None:
        url = await fresh_database(server_url, "hoso_quality_cli_test")
        engine = create_engine(url, pool_size=1, cipher=CIPHER)
        try:
            await asyncio.to_thread(migrate.upgrade, url)
            async with session_scope(create_sessionmaker(engine)) as session:
                root = await unit(session, type="province")
                await person(session, root, defective=True)
                await person(session, await unit(session, parent=root))
                code = root.code
            env = {**os.environ, "DATABASE_URL": url, "HOSO_ENV": "test", "HOSO_LOOKUP_HMAC_KEY": "test-lookup-key",
                   "HOSO_LOG_LEVEL": "WARNING"}
            command = [sys.executable, "-m", "profile_api.quality", "snapshot", "--day", "2026-03-02"]
            for _ in range(2):
                done = await asyncio.to_thread(subprocess.run, command, env=env, capture_output=True, text=True,
                                               check=False)
                assert done.returncode == 0, done.stdout + done.stderr
                assert "2026-03-02: 2 units, 2 records" in done.stdout
            async with engine.connect() as conn:
                rows = (await conn.execute(text(
                    "SELECT u.code, s.records, s.rule_counts FROM quality_snapshots s JOIN org_units u "
                    "ON u.id = s.org_unit_id WHERE s.day = '2026-03-02'"))).all()
            assert len(rows) == 2
            assert {(r[0], r[1]) for r in rows if r[0] == code} == {(code, 2)}
            assert next(r[2] for r in rows if r[0] == code)["DUNG-CCCD-003"] == {"records": 1, "findings": 1}
            unknown = await asyncio.to_thread(subprocess.run, [*command, "--unit", "NO.SUCH"], env=env,
                                              capture_output=True, text=True, check=False)
            assert unknown.returncode == 2
            usage = await asyncio.to_thread(subprocess.run, [sys.executable, "-m", "profile_api.quality"], env=env,
                                            capture_output=True, text=True, check=False)
            assert usage.returncode == 2
        finally:
            await engine.dispose()
            admin = create_engine(with_database(server_url, "postgres"), pool_size=1)
            async with admin.connect() as conn:
                await conn.execution_options(isolation_level="AUTOCOMMIT")
                await conn.execute(text('DROP DATABASE IF EXISTS "hoso_quality_cli_test" WITH (FORCE)'))
            await admin.dispose()
