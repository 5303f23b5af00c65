"""At rest: no citizen ID in clear anywhere, lookup through the keyed hash, key rotation; the audit
chain catches tampering; sensitive reads are audited."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
from typing import Any

import pytest
from httpx import AsyncClient
from sqlalchemy import func, select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncSession

from hoso_shared.auth import TokenIssuer
from hoso_shared.crypto import new_key
from hoso_shared.db.models import AuditEntry
from profile_api.audit.service import seal_pending, verify_chain
from tests.factories import bearer, make_account, make_unit, principal_for

CITIZEN_ID = "001185012345"


def new_profile(unit_id: str, citizen_id: str = CITIZEN_ID, **items: Any) -> dict[str, Any]:
    return {"org_unit_id": unit_id, "category": "cong_chuc", "items": {
        "full_name": "Hoàng Thị Thu", "sex": "F", "birth_date": "1985-03-04", "citizen_id": citizen_id,
        "phone": "0911222333", "ethnicity_code": "01", **items},
        "sections": {"family": [{"relation": "Mẹ", "full_name": "Nguyễn Thị Mai", "birth_year": 1960}],
                     "awards": [{"year": 2023, "award": "Chiến sĩ thi đua cơ sở"}]}}


async def admin_of(session: AsyncSession, token_issuer: TokenIssuer) -> tuple[Any, dict[str, str]]:
    unit = await make_unit(session)
    admin = await make_account(session, unit=unit, role="agency_admin")
    return unit, bearer(token_issuer, principal_for(admin, unit))


async def all_table_text(session: AsyncSession) -> str:
    """Every row of every table of ours, as text, the way someone with a dump would see it."""
    tables = (await session.execute(text(
        "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"))).scalars().all()
    dump = []
    for table in tables:
        rows = await session.execute(text(f'SELECT t::text FROM "{table}" t'))  # noqa: S608 - our own names
        dump += [r[0] for r in rows]
    return "\n".join(dump)


class TestAtRest:
    async def test_no_citizen_id_in_clear_but_lookup_works(
        self, session: AsyncSession, client_for: Any, token_issuer: TokenIssuer
    ) -> None:
        api: AsyncClient = await client_for("profile-api")
        unit, auth = await admin_of(session, token_issuer)
        created = await api.post("/api/v1/profiles", headers=auth, json=new_profile(str(unit.id)))
        assert created.status_code == 201, created.text
        dump = await all_table_text(session)
        for secret in (CITIZEN_ID, "0911222333", "Nguyễn Thị Mai"):  # the ID, a sensitive item, a family row
            assert secret not in dump
            assert secret.encode().hex() not in dump  # bytea renders as hex
        assert "Chiến sĩ thi đua cơ sở" in dump  # non-sensitive tables stay queryable JSONB

        found = await api.get(f"/api/v1/profiles?citizen_id={CITIZEN_ID}", headers=auth)
        assert [p["id"] for p in found.json()["items"]] == [created.json()["id"]]
        assert (await api.get("/api/v1/profiles?citizen_id=001185099999", headers=auth)).json()["items"] == []
        full = await api.get(f"/api/v1/profiles/{created.json()['id']}", headers=auth)
        assert full.json()["items"]["citizen_id"] == CITIZEN_ID
        assert full.json()["sections"]["family"][0]["full_name"] == "Nguyễn Thị Mai"

    async def test_duplicate_citizen_id_is_409(
        self, session: AsyncSession, profile_api: AsyncClient, token_issuer: TokenIssuer
    ) -> None:
        unit, auth = await admin_of(session, token_issuer)
        assert (await profile_api.post("/api/v1/profiles", headers=auth,
                                       json=new_profile(str(unit.id)))).status_code == 201
        again = await profile_api.post("/api/v1/profiles", headers=auth, json=new_profile(str(unit.id)))
        assert again.status_code == 409 and again.json()["type"] == "urn:hoso:problem:citizen-id-taken"

    async def test_rotating_the_key_keeps_old_rows_readable(
        self, session: AsyncSession, client_for: Any, token_issuer: TokenIssuer
    ) -> None:
        old = {"k1": new_key()}
        before = await client_for("profile-api", field_keys=old)
        unit, auth = await admin_of(session, token_issuer)
        created = (await before.post("/api/v1/profiles", headers=auth, json=new_profile(str(unit.id)))).json()
        rotated = await client_for("profile-api", field_keys={"k2": new_key(), **old})
        newer = (await rotated.post("/api/v1/profiles", headers=auth,
                                    json=new_profile(str(unit.id), citizen_id="001185054321"))).json()
        for pid, cid in ((created["id"], CITIZEN_ID), (newer["id"], "001185054321")):
            read = await rotated.get(f"/api/v1/profiles/{pid}", headers=auth)
            assert read.json()["items"]["citizen_id"] == cid
            assert read.json()["items"]["phone"] == "0911222333"
        key_ids = dict((await session.execute(text("SELECT id::text, key_id FROM profiles WHERE id IN (:a, :b)"),
                                               {"a": created["id"], "b": newer["id"]})).all())
        assert key_ids == {created["id"]: "k1", newer["id"]: "k2"}
        found = await rotated.get(f"/api/v1/profiles?citizen_id={CITIZEN_ID}", headers=auth)
        assert len(found.json()["items"]) == 1  # the lookup key did not change


class TestAudit:
    async def test_sensitive_reads_and_writes_are_logged(
        self, session: AsyncSession, profile_api: AsyncClient, token_issuer: TokenIssuer
    ) -> None:
        unit, auth = await admin_of(session, token_issuer)
        pid = (await profile_api.post("/api/v1/profiles", headers=auth, json=new_profile(str(unit.id)))).json()["id"]
        reads_before = await session.scalar(select(func.count()).select_from(AuditEntry)
                                            .where(AuditEntry.entity_id == pid, AuditEntry.action == "read_sensitive"))
        await profile_api.get(f"/api/v1/profiles/{pid}", headers=auth)
        entries = (await session.execute(select(AuditEntry).where(AuditEntry.entity_id == pid)
                                         .order_by(AuditEntry.id))).scalars().all()
        actions = [e.action for e in entries]
        assert actions[0] == "create"
        assert actions.count("read_sensitive") == (reads_before or 0) + 1
        assert "citizen_id" in entries[-1].fields and "family" in entries[-1].fields
        assert await seal_pending(session) >= 2
        report = await verify_chain(session)
        assert report.intact and report.unsealed == 0

    async def test_tampering_is_detected(
        self, session: AsyncSession, profile_api: AsyncClient, token_issuer: TokenIssuer
    ) -> None:
        unit, auth = await admin_of(session, token_issuer)
        for i in range(3):
            await profile_api.post("/api/v1/profiles", headers=auth,
                                   json=new_profile(str(unit.id), citizen_id=f"00118501234{i}"))
        unsealed = (await session.execute(select(AuditEntry.id).where(AuditEntry.seq.is_(None)))).scalars().all()
        assert len(unsealed) == 6  # each creation, and the sensitive read its response makes
        assert await seal_pending(session) == 6
        assert (await verify_chain(session)).intact
        victim = (await session.execute(select(AuditEntry.id).order_by(AuditEntry.seq.desc()).offset(1)
                                        .limit(1))).scalar_one()
        blocked = await session.begin_nested()
        with pytest.raises(DBAPIError, match="append-only"):
            await session.execute(text("UPDATE audit_log SET actor = 'someone else' WHERE id = :id"), {"id": victim})
        await blocked.rollback()
        blocked = await session.begin_nested()
        with pytest.raises(DBAPIError, match="append-only"):
            await session.execute(text("DELETE FROM audit_log WHERE id = :id"), {"id": victim})
        await blocked.rollback()
        # A database owner can still disable the trigger; the chain is what catches it then.
        await session.execute(text("ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only"))
        await session.execute(text("UPDATE audit_log SET actor = 'someone else' WHERE id = :id"), {"id": victim})
        report = await verify_chain(session)
        assert not report.intact and report.first_bad_id == victim
        assert "altered" in (report.reason or "")


class TestVerifyCommand:
    async def test_cli_exit_codes(self, db_url: str) -> None:
        env = {"DATABASE_URL": db_url, "PATH": "/usr/bin:/bin"}
        ok = await asyncio.to_thread(subprocess.run, [sys.executable, "-m", "profile_api.audit", "verify"],
                                     env=env, capture_output=True, text=True, check=False)
        assert ok.returncode == 0, ok.stdout + ok.stderr
        assert "intact" in ok.stdout
        usage = await asyncio.to_thread(subprocess.run, [sys.executable, "-m", "profile_api.audit"], env=env,
                                        capture_output=True, text=True, check=False)
        assert usage.returncode == 2
        json.dumps(ok.stdout)


class TestIncoming:
    async def test_gateway_hands_over_a_pulled_record(
        self, session: AsyncSession, profile_api: AsyncClient, token_issuer: TokenIssuer
    ) -> None:
        unit = await make_unit(session)
        gateway = await make_account(session, unit=unit, role="service", kind="client")
        auth = bearer(token_issuer, principal_for(gateway, unit, scopes={"profiles:incoming", "profiles:read"}))
        body = {**new_profile(str(unit.id)), "incoming_on": "2026-11-02"}
        without_date = await profile_api.post("/api/v1/profiles/incoming", headers=auth, json=new_profile(str(unit.id)))
        assert without_date.status_code == 422
        created = await profile_api.post("/api/v1/profiles/incoming", headers=auth, json=body)
        assert created.status_code == 201, created.text
        assert created.json()["incoming_on"] == "2026-11-02"
        plain = await profile_api.post("/api/v1/profiles", headers=auth,
                                       json={**new_profile(str(unit.id), citizen_id="001185077777")})
        assert plain.status_code == 403
