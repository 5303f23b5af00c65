"""A grant's written decision stored on its own (issue 21 item 2; Quy chế Hà Nội 2024 Điều 8 khoản 3: an officer sees
data beyond their own when the managing authority agrees in writing; Điều 18 khoản 1, Điều 19 khoản 4: access is
granted on a written request): its scan is uploaded first, sealed at rest, on no one's record; grants name it; the
admins over the grant's subtree and the grantee read the grant and download the scan (audited); another agency
sees neither; a decision unknown or from another subtree is refused; the scans' checks are the evidence scans'."""

from __future__ import annotations

import asyncio
import functools
import hashlib
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime
from typing import Any

import pytest
from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncSession

from hoso_shared.auth import TokenIssuer
from hoso_shared.crypto import FieldCipher, new_key
from hoso_shared.db import migrate
from hoso_shared.db.engine import create_engine, create_sessionmaker, session_scope
from hoso_shared.db.models import AccessGrant, Account, Attachment, AuditEntry, GrantDecision
from hoso_shared.settings import CommonSettings
from hoso_shared.time import FixedClock
from tests.conftest import AppClient, drop_database, fresh_database
from tests.factories import bearer, make_account, make_unit, principal_for
from tests.profile_api.access.test_grants import DECIDED, World, build, is_problem

DECISIONS = "/api/v1/access-grants/decisions"
SCAN = b"%PDF-1.7\n% Quyet dinh 125/QD-SNV cap quyen xem ho so\n%%EOF\n"
BEFORE = "v21audit"


@pytest.fixture
async def api(client_for: Any) -> AppClient:
    clock = FixedClock(datetime(2026, 12, 10, 3, tzinfo=UTC))
    client: AppClient = await client_for("profile-api", wiring={"clock": clock}, upload_max_bytes=4096)
    return client


async def upload(api: AppClient, headers: dict[str, str], data: bytes = SCAN, name: str = "QĐ 125.pdf") -> Any:
    return await api.post(DECISIONS, files={"file": (name, data, "application/octet-stream")}, headers=headers)


def grant_body(world: World, decision_id: str, **overrides: Any) -> dict[str, Any]:
    return {"grantee_id": str(world.reader_id), "org_unit_id": str(world.a.id), "level": 2,
            "starts_on": "2026-12-01", "ends_on": "2026-12-31",
            "decision": {**DECIDED, "decision_id": decision_id}, **overrides}


async def other_admin(session: AsyncSession, world: World, issuer: TokenIssuer) -> dict[str, str]:
    """Sở B's own agency admin: another agency than the grant's."""
    account = await make_account(session, unit=world.b, role="agency_admin")
    return bearer(issuer, principal_for(account, world.b))


async def audited(session: AsyncSession, action: str) -> list[AuditEntry]:
    return list((await session.execute(select(AuditEntry).where(AuditEntry.action == action))).scalars())


async def test_upload_grant_read_and_download(session: AsyncSession, api: AppClient,
                                              token_issuer: TokenIssuer) -> None:
    """Điều 8 khoản 3, Điều 19 khoản 4: the decision's scan, uploaded on its own, is the basis of the grant; the
    admin reads the grant and downloads the very bytes; the scan rests on no one's record."""
    world = await build(session, token_issuer)
    uploaded = await upload(api, world.admin)
    assert uploaded.status_code == 201, uploaded.text
    decision = uploaded.json()
    assert decision["filename"] == "QĐ 125.pdf" and decision["size"] == len(SCAN)
    assert decision["sha256"] == hashlib.sha256(SCAN).hexdigest() and decision["content_type"] == "application/pdf"
    assert len(await audited(session, "grant_decision.upload")) == 1
    assert (await session.execute(select(Attachment))).first() is None  # on no one's record

    created = await api.post("/api/v1/access-grants", json=grant_body(world, decision["id"]), headers=world.admin)
    assert created.status_code == 201, created.text
    grant = created.json()
    assert grant["decision_id"] == decision["id"] and grant["attachment_id"] is None

    one = await api.get(f"/api/v1/access-grants/{grant['id']}", headers=world.admin)
    assert one.status_code == 200 and one.json() == grant
    scan = await api.get(f"/api/v1/access-grants/{grant['id']}/decision", headers=world.admin)
    assert scan.status_code == 200 and scan.content == SCAN
    assert scan.headers["content-type"] == "application/pdf"
    assert scan.headers["x-content-type-options"] == "nosniff"
    assert "filename*=UTF-8''Q%C4%90%20125.pdf" in scan.headers["content-disposition"]
    downloads = await audited(session, "grant_decision.download")
    assert [(d.entity, d.entity_id) for d in downloads] == [("grant_decision", decision["id"])]

    # One decision may grant several people: a second grant rests on the same scan.
    again = await api.post("/api/v1/access-grants", headers=world.admin, json=grant_body(
        world, decision["id"], grantee_id=str(world.approver_a), org_unit_id=None,
        profile_ids=[str(world.inside.id)]))
    assert again.status_code == 201, again.text
    assert (await api.get(f"/api/v1/access-grants/{again.json()['id']}/decision",
                          headers=world.admin)).content == SCAN


async def test_the_scan_is_sealed_at_rest(session: AsyncSession, api: AppClient, token_issuer: TokenIssuer) -> None:
    """Điều 4 khoản 3 (some data encrypted), Điều 19 khoản 7: the stored column holds ciphertext, never the bytes."""
    world = await build(session, token_issuer)
    decision = (await upload(api, world.admin)).json()
    raw = (await session.execute(text("SELECT content FROM grant_decisions WHERE id = :id"),
                                 {"id": uuid.UUID(decision["id"])})).scalar_one()
    assert SCAN not in bytes(raw) and b"Quyet dinh" not in bytes(raw)
    stored = await session.get(GrantDecision, uuid.UUID(decision["id"]))
    assert stored is not None and stored.content == SCAN


async def test_another_agency_sees_neither_grant_nor_decision(session: AsyncSession, api: AppClient,
                                                              token_issuer: TokenIssuer) -> None:
    """Điều 18 khoản 1: access is managed by the managing level, over its own subtree: another agency's admin, or
    anyone neither managing the subtree nor granted, is told there is no such grant."""
    world = await build(session, token_issuer)
    decision = (await upload(api, world.admin)).json()
    grant = (await api.post("/api/v1/access-grants", json=grant_body(world, decision["id"]),
                            headers=world.admin)).json()
    other = await other_admin(session, world, token_issuer)
    approver = await session.get(Account, world.approver_a)
    assert approver is not None
    bystander = bearer(token_issuer, principal_for(approver, world.a))  # in A, but no manager and not the grantee
    for headers in (other, bystander):
        for path in (f"/api/v1/access-grants/{grant['id']}", f"/api/v1/access-grants/{grant['id']}/decision"):
            refused = await api.get(path, headers=headers)
            assert is_problem(refused, 404, "access-grant-not-found"), (path, refused.text)
            assert "%PDF" not in refused.text
    assert await audited(session, "grant_decision.download") == []
    assert is_problem(await api.get(f"/api/v1/access-grants/{uuid.uuid4()}", headers=world.admin), 404,
                      "access-grant-not-found")


async def test_the_grantee_reads_the_basis_of_their_access(session: AsyncSession, api: AppClient,
                                                           token_issuer: TokenIssuer) -> None:
    """Điều 8 khoản 3: the grantee, in another agency, reads the grant and the decision their access rests on
    (audited as theirs), though they manage nothing over its subtree; not another's grant."""
    world = await build(session, token_issuer)
    decision = (await upload(api, world.admin)).json()
    grant = (await api.post("/api/v1/access-grants", json=grant_body(world, decision["id"]),
                            headers=world.admin)).json()
    one = await api.get(f"/api/v1/access-grants/{grant['id']}", headers=world.reader)
    assert one.status_code == 200 and one.json()["id"] == grant["id"]
    scan = await api.get(f"/api/v1/access-grants/{grant['id']}/decision", headers=world.reader)
    assert scan.status_code == 200 and scan.content == SCAN
    [entry] = await audited(session, "grant_decision.download")
    assert entry.actor.endswith(f":{world.reader_id}")


async def test_a_grant_on_an_unknown_or_foreign_decision_is_refused(session: AsyncSession, api: AppClient,
                                                                    token_issuer: TokenIssuer) -> None:
    """Điều 19 khoản 4: a grant rests on a decision the granting level holds; one unknown, or uploaded in another
    agency, is refused as not found, and nothing is granted."""
    world = await build(session, token_issuer)
    unknown = await api.post("/api/v1/access-grants", json=grant_body(world, str(uuid.uuid4())), headers=world.admin)
    assert is_problem(unknown, 404, "evidence-not-found") and unknown.json()["decision_id"]
    foreign = (await upload(api, await other_admin(session, world, token_issuer))).json()
    refused = await api.post("/api/v1/access-grants", json=grant_body(world, foreign["id"]), headers=world.admin)
    assert is_problem(refused, 404, "evidence-not-found")
    old_way = await api.post("/api/v1/access-grants", headers=world.admin, json={
        **grant_body(world, foreign["id"]), "decision": {**DECIDED, "attachment_id": str(uuid.uuid4())}})
    assert is_problem(old_way, 422, "validation-failed")  # `attachment_id` is no longer taken
    assert (await session.execute(select(AccessGrant))).first() is None
    # DOHA, over both agencies, may rest a grant on B's decision.
    assert (await api.post("/api/v1/access-grants", json=grant_body(world, foreign["id"]),
                           headers=world.doha)).status_code == 201


@pytest.mark.parametrize(("data", "status", "slug"), [
    (b"GIF89a not a scan", 415, "unsupported-file-type"),
    (b"", 422, "empty-file"),
    (b"%PDF-1.7\n" + b"0" * 5000, 413, "file-too-large"),
])
async def test_bad_scans_get_the_attachments_errors(session: AsyncSession, api: AppClient, token_issuer: TokenIssuer,
                                                    data: bytes, status: int, slug: str) -> None:
    """Điều 8 khoản 3: the decision's scan is checked as evidence scans are (type by its bytes, size)."""
    world = await build(session, token_issuer)
    refused = await upload(api, world.admin, data, "qd.pdf")
    assert is_problem(refused, status, slug), refused.text
    assert [d.id for d in (await session.execute(select(GrantDecision))).scalars()] == [world.scan]  # build()'s


async def test_only_those_who_grant_upload(session: AsyncSession, api: AppClient, token_issuer: TokenIssuer) -> None:
    """Điều 18 khoản 1: the managing level grants; an approver uploads no decision."""
    world = await build(session, token_issuer)
    refused = await upload(api, world.reader)
    assert refused.status_code == 403 and refused.headers["content-type"].startswith("application/problem+json")


async def test_a_grant_made_before_streams_its_attachment(session: AsyncSession, api: AppClient,
                                                          token_issuer: TokenIssuer) -> None:
    """Grants made before decisions were stored on their own keep their scan as an attachment: read as before."""
    world = await build(session, token_issuer)
    scan = Attachment(profile_id=world.inside.id, filename="cu.pdf", content_type="application/pdf", size=len(SCAN),
                      sha256="0" * 64, content=SCAN, uploaded_by=world.approver_a)
    session.add(scan)
    await session.flush()
    old = AccessGrant(grantee_id=world.reader_id, org_unit_id=world.a.id, level=1, starts_on=date(2026, 12, 1),
                      ends_on=date(2026, 12, 31), decision_number="1/QĐ", decision_date=date(2026, 12, 1),
                      issuing_body="Sở Nội vụ", attachment_id=scan.id, granted_by=world.approver_a)
    session.add(old)
    await session.flush()
    read = await api.get(f"/api/v1/access-grants/{old.id}", headers=world.admin)
    assert read.json()["attachment_id"] == str(scan.id) and read.json()["decision_id"] is None
    streamed = await api.get(f"/api/v1/access-grants/{old.id}/decision", headers=world.admin)
    assert streamed.status_code == 200 and streamed.content == SCAN
    assert [e.entity for e in await audited(session, "grant_decision.download")] == ["attachment"]


@pytest.fixture
async def database(server_url: str) -> AsyncIterator[str]:
    name = f"hoso_decisions_{uuid.uuid4().hex[:8]}"
    yield await fresh_database(server_url, name)
    await drop_database(server_url, name)


async def test_the_migration_up_and_down(database: str) -> None:
    """The migration adds the table and the key and keeps grants made before; downgrade refuses while a grant rests
    on a decision (the old schema cannot hold it), and otherwise goes back."""
    cipher = FieldCipher.from_settings(CommonSettings(env="test", lookup_hmac_key="decisions-test",
                                                      field_keys={"k1": new_key()}))
    await asyncio.to_thread(migrate.upgrade, database)
    engine = create_engine(database, pool_size=1, cipher=cipher)
    down = functools.partial(migrate.downgrade, database, BEFORE, cipher=cipher)
    try:
        async with session_scope(create_sessionmaker(engine)) as session:
            unit = await make_unit(session)
            admin, reader = await make_account(session, unit=unit), await make_account(session, unit=unit)
            decision = GrantDecision(filename="qd.pdf", content_type="application/pdf", size=len(SCAN),
                                     sha256="0" * 64, content=SCAN, uploaded_by=admin.id, org_unit_id=unit.id)
            session.add(decision)
            await session.flush()
            session.add(AccessGrant(grantee_id=reader.id, org_unit_id=unit.id, level=1, starts_on=date(2026, 12, 1),
                                    ends_on=date(2026, 12, 31), decision_number="1/QĐ",
                                    decision_date=date(2026, 12, 1), issuing_body="UBND", decision_id=decision.id,
                                    granted_by=admin.id))
        with pytest.raises(Exception, match="grant_decisions"):
            await asyncio.to_thread(down)
        async with engine.begin() as conn:
            await conn.execute(text("DELETE FROM access_grants"))
        await asyncio.to_thread(down)
        async with engine.connect() as conn:
            tables = set((await conn.execute(text("SELECT tablename FROM pg_tables"))).scalars())
            nullable = (await conn.execute(text(
                "SELECT is_nullable FROM information_schema.columns WHERE table_name = 'access_grants' "
                "AND column_name = 'attachment_id'"))).scalar_one()
        assert "grant_decisions" not in tables and nullable == "NO"
        await asyncio.to_thread(functools.partial(migrate.upgrade, database, cipher=cipher))
        async with engine.connect() as conn:
            kept = (await conn.execute(text("SELECT count(*) FROM grant_decisions"))).scalar_one()
        assert kept == 0
    finally:
        await engine.dispose()
