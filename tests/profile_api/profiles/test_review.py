"""POST /api/v1/profiles/{id}/review: the person confirms "I have checked my record" (QĐ 6187/QĐ-UBND Điều 12
khoản 1 điểm b and khoản 2.2 điểm c: each officer logs in to check their data; Điều 16 khoản 2: they answer
for checking it). It sets `profiles.reviewed_at`, is audited, and the Sống rules read it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from hoso_shared.auth import TokenIssuer
from hoso_shared.db.models import AuditEntry, Profile
from hoso_shared.time import FixedClock
from tests.conftest import AppClient
from tests.factories import bearer, make_account, make_profile, make_unit, principal_for

CHECKED = datetime(2026, 11, 20, 2, 0, tzinfo=UTC)


@dataclass
class Setup:
    api: AppClient
    clock: FixedClock
    person: Profile
    auth: dict[str, dict[str, str]]


async def _setup(session: AsyncSession, client_for: Any, issuer: TokenIssuer) -> Setup:
    clock = FixedClock(CHECKED)
    api: AppClient = await client_for("profile-api", wiring={"clock": clock})
    root = await make_unit(session, type="province")
    agency = await make_unit(session, parent=root)
    person = await make_profile(session, unit=agency, full_name="Trần Văn Bình")
    colleague = await make_profile(session, unit=agency, full_name="Lê Thị Hoa")
    accounts = {"officer": (await make_account(session, unit=agency, role="officer", profile=person), agency),
                "colleague": (await make_account(session, unit=agency, role="officer", profile=colleague), agency),
                "agency_admin": (await make_account(session, unit=agency, role="agency_admin"), agency),
                "doha_admin": (await make_account(session, unit=root, role="doha_admin"), root)}
    auth = {name: bearer(issuer, principal_for(account, unit)) for name, (account, unit) in accounts.items()}
    return Setup(api, clock, person, auth)


async def _review_codes(t: Setup) -> set[str]:
    quality = await t.api.get(f"/api/v1/profiles/{t.person.id}/quality", headers=t.auth["officer"])
    assert quality.status_code == 200, quality.text
    return {f["code"] for f in quality.json()["findings"] if f["code"].startswith("SONG-REVIEW-")}


class TestCheckOwnRecord:
    async def test_the_person_confirms_and_the_sống_rules_read_it(self, session: AsyncSession, client_for: Any,
                                                                    token_issuer: TokenIssuer) -> None:
        """Điều 12 khoản 1 điểm b, Điều 16 khoản 2: the officer checks their record; never checked, the record
        has SONG-REVIEW-002; checked, neither; more than 12 months later, SONG-REVIEW-001."""
        t = await _setup(session, client_for, token_issuer)
        assert await _review_codes(t) == {"SONG-REVIEW-002"}
        r = await t.api.post(f"/api/v1/profiles/{t.person.id}/review", headers=t.auth["officer"])
        assert r.status_code == 200, r.text
        assert r.json() == {"profile_id": str(t.person.id), "reviewed_at": "2026-11-20T02:00:00Z"}
        stored = await session.get(Profile, t.person.id, populate_existing=True)
        assert stored is not None and (stored.reviewed_at, stored.version) == (CHECKED, 1)  # no new version
        read = await t.api.get(f"/api/v1/profiles/{t.person.id}", headers=t.auth["agency_admin"])
        assert read.json()["reviewed_at"] == "2026-11-20T02:00:00Z"
        assert await _review_codes(t) == set()
        t.clock.at = CHECKED + timedelta(days=400)
        assert await _review_codes(t) == {"SONG-REVIEW-001"}

    async def test_it_is_audited(self, session: AsyncSession, client_for: Any, token_issuer: TokenIssuer) -> None:
        """Điều 16 khoản 2: the person answers for having checked their record, so the confirmation is kept in
        the audit log: who, when, which record."""
        t = await _setup(session, client_for, token_issuer)
        r = await t.api.post(f"/api/v1/profiles/{t.person.id}/review", headers=t.auth["officer"])
        assert r.status_code == 200, r.text
        entries = (await session.scalars(select(AuditEntry).where(
            AuditEntry.entity_id == str(t.person.id), AuditEntry.action == "check_own_record"))).all()
        assert len(entries) == 1
        assert entries[0].entity == "profile" and list(entries[0].fields) == ["reviewed_at"]
        assert entries[0].after_digest is not None

    async def test_nobody_confirms_it_for_them(self, session: AsyncSession, client_for: Any,
                                               token_issuer: TokenIssuer) -> None:
        """Điều 12 khoản 1 điểm b: the check is the person's own: their agency's staff and DOHA may read the record
        but not confirm it (403); a colleague cannot see it (404); nothing is set."""
        t = await _setup(session, client_for, token_issuer)
        for who, status in (("agency_admin", 403), ("doha_admin", 403), ("colleague", 404)):
            r = await t.api.post(f"/api/v1/profiles/{t.person.id}/review", headers=t.auth[who])
            assert r.status_code == status, f"{who}: {r.text}"
            assert r.headers["content-type"].startswith("application/problem+json")
        stored = await session.get(Profile, t.person.id, populate_existing=True)
        assert stored is not None and stored.reviewed_at is None

    async def test_an_archived_record_is_not_confirmed(self, session: AsyncSession, client_for: Any,
                                                       token_issuer: TokenIssuer) -> None:
        """Điều 12 khoản 3: a departed person's record is kept in the archive as it was; it is no longer checked."""
        t = await _setup(session, client_for, token_issuer)
        t.person.archived_at, t.person.status = CHECKED, "retired"
        await session.flush()
        r = await t.api.post(f"/api/v1/profiles/{t.person.id}/review", headers=t.auth["officer"])
        assert r.status_code == 409 and r.json()["type"] == "urn:hoso:problem:profile-archived", r.text
