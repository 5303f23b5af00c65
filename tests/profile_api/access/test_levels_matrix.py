"""The access-level matrix (issue 21): every role × every level × a record in the caller's own subtree and one
beyond it × without and with a written grant, over every route that returns record content. A record holds a
marker at each level (items and tables); each response shows exactly the markers at or below the level the caller
should read it at, and nothing beyond reach. A GET route added to profile-api without a place here (in the matrix
or among the routes that return no record content, with the reason) fails `test_every_content_route_is_in_the_
matrix`.

Quy chế Hà Nội 2024 Điều 4 khoản 3 (data managed by degree of access restriction), Điều 8 khoản 3 (reading
beyond one's own when the managing authority agrees in writing), Điều 18 khoản 1 and Điều 19 khoản 4 (access
granted by the managing level)."""

from __future__ import annotations

import io
import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import pytest
from httpx import Response
from pypdf import PdfReader
from sqlalchemy.ext.asyncio import AsyncSession

from hoso_shared import records
from hoso_shared.auth import Role, TokenIssuer
from hoso_shared.db.models import AccessGrant, Attachment, OrgUnit, Profile, ProfileVersion
from tests.conftest import AppClient
from tests.factories import CIPHER, bearer, make_account, make_profile, make_unit, principal_for

# One marker per level, in items and in tables: (level, marker).
ITEMS_V1 = {"other_names": "TENKHAC", "health_status": "SUCKHOE", "party_position": "DANGVU",
            "arrest_history": "BATTU", "party_joined_on": "2001-03-09"}
MARKERS = {1: ("TENKHAC", "KHENTHUONG"), 2: ("SUCKHOE", "GIADINH"), 3: ("DANGVU", "BATTU", "NUOCNGOAI")}
SECTIONS: dict[str, list[dict[str, Any]]] = {"awards": [{"year": 2020, "award": "KHENTHUONG"}],
            "family": [{"relation": "Mẹ", "full_name": "GIADINH"}],
            "foreign-ties": [{"description": "NUOCNGOAI"}]}
TABLE_LEVEL = {"awards": 1, "family": 2, "foreign-ties": 3}
ROLES = [role.value for role in Role]  # a role added to scopes.py joins the matrix (the auditor of issue 21 too)
# Clearance in the caller's own subtree, by role; a role absent here reads no record but by grant (an officer: their
# own, whole).
OWN_LEVEL = {"doha_admin": 3, "agency_admin": 3, "approver": 3, "hr_system": 1}
STATISTICS = {"doha_admin", "agency_admin"}  # reports:read
GRANT_BEYOND, GRANT_WITHIN = 2, 3  # the grants of the second phase: over the other side's unit, over our person
CLIENT_SCOPES = {"hr_system": {"profiles:read", "profiles:write", "org-units:read", "change-requests:write"},
                 "service": {"profiles:apply", "profiles:incoming"}}


@dataclass
class Target:
    unit: OrgUnit
    profile: Profile
    evidence: uuid.UUID


@dataclass
class World:
    auth: dict[str, dict[str, str]]
    account: dict[str, uuid.UUID]
    own: dict[str, Target]
    other: dict[str, Target]
    creator: uuid.UUID
    grants: list[uuid.UUID] = field(default_factory=list)


async def _person(session: AsyncSession, unit: OrgUnit, name: str, creator: uuid.UUID) -> Target:
    """A record with a marker at every level, two versions apart (so the diff shows each level change)."""
    profile = await make_profile(session, unit=unit, full_name=name, items=ITEMS_V1)
    sections = {table: [{"id": str(uuid.uuid4()), **row} for row in rows] for table, rows in SECTIONS.items()}
    session.add_all(records.section_rows(profile.id, sections, CIPHER))
    v2_items = {**records.read_items(profile, CIPHER, sensitive=True),
                **{k: f"{v}2" for k, v in ITEMS_V1.items() if k != "party_joined_on"}}
    sealed, key_id, digest = records.seal_snapshot(records.snapshot(profile, v2_items, sections), CIPHER)
    session.add(ProfileVersion(profile_id=profile.id, version=2, snapshot_enc=sealed, key_id=key_id, digest=digest,
                               changed=sorted([*ITEMS_V1, *SECTIONS]), reason="changed"))
    profile.version = 2
    scan = Attachment(profile_id=profile.id, filename="qd.pdf", content_type="application/pdf", size=8,
                      sha256="0" * 64, content=b"%PDF-1.7", uploaded_by=creator)
    session.add(scan)
    await session.flush()
    return Target(unit, profile, scan.id)


async def build_world(session: AsyncSession, issuer: TokenIssuer) -> World:
    p, q = await make_unit(session, type="province", name="Tỉnh P"), await make_unit(session, type="province")
    a = await make_unit(session, parent=p, name="Sở A")
    a1 = await make_unit(session, parent=a, type="sub_unit", name="Phòng A1")
    b, c = await make_unit(session, parent=p, name="Sở B"), await make_unit(session, parent=q, name="Sở C")
    doha = await make_account(session, unit=p, role="doha_admin")
    inside = await _person(session, a1, "Người Trong A", doha.id)
    beyond_b = await _person(session, b, "Người Ngoài B", doha.id)
    beyond_q = await _person(session, c, "Người Ngoài Q", doha.id)
    me = await _person(session, a1, "Chính Tôi", doha.id)
    auth, account, own, other = {}, {}, {}, {}
    for role in ROLES:
        unit = p if role in ("doha_admin", "service") else a1 if role == "officer" else a
        acc = doha if role == "doha_admin" else await make_account(
            session, unit=unit, role=role, kind="client" if role in CLIENT_SCOPES else "person",
            profile=me.profile if role == "officer" else None)
        auth[role] = bearer(issuer, principal_for(acc, unit, scopes=CLIENT_SCOPES.get(role)))
        account[role] = acc.id
        own[role] = me if role == "officer" else inside
        other[role] = beyond_q if role in ("doha_admin", "service") else beyond_b
    return World(auth, account, own, other, doha.id)


async def grant(session: AsyncSession, world: World, role: str) -> None:
    """The second phase: a grant over the other side's unit at level 2, one naming our person at level 3."""
    beyond, within = world.other[role], world.own[role]
    common = {"grantee_id": world.account[role], "starts_on": date(2026, 1, 1), "ends_on": date(2099, 12, 31),
              "decision_number": "15/QĐ-SNV", "decision_date": date(2026, 1, 1), "issuing_body": "Sở Nội vụ",
              "granted_by": world.creator}
    rows = [AccessGrant(org_unit_id=beyond.unit.id, level=GRANT_BEYOND, attachment_id=beyond.evidence, **common),
            AccessGrant(profile_ids=[within.profile.id], level=GRANT_WITHIN, attachment_id=within.evidence, **common)]
    session.add_all(rows)
    await session.flush()


def record_level(role: str, side: str, granted: bool) -> int | None:
    """What the caller should read the record at; None: refused (403/404)."""
    if side == "other":
        return GRANT_BEYOND if granted else None
    if role == "officer":
        return 3  # their own record, whole
    if granted:
        return GRANT_WITHIN
    return OWN_LEVEL.get(role)


def bulk_level(role: str, side: str) -> int | None:
    """Bulk export and statistics keep to the caller's own subtree and clearance: a grant opens single records."""
    return OWN_LEVEL.get(role) if side == "own" else None


def pdf_text(body: bytes) -> str:
    return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(body)).pages)


def assert_levels(text: str, level: int, where: str) -> None:
    for at, markers in MARKERS.items():
        for marker in markers:
            assert (marker in text) == (at <= level), f"{where}: {marker} (level {at}) at level {level}"


def assert_refused(response: Response, target: Target, where: str) -> None:
    assert response.status_code in (403, 404), f"{where}: {response.status_code} {response.text[:300]}"
    assert response.headers["content-type"].startswith("application/problem+json"), where
    assert target.profile.full_name not in response.text and "TENKHAC" not in response.text, where


@dataclass(frozen=True)
class Route:
    route: str  # the OpenAPI path template, for the coverage check
    path: Callable[[Target], str]
    check: Callable[[Response, int, str], None]  # the response of a caller reading at a level
    bulk: bool = False  # read at `bulk_level`, not `record_level`
    allowed: frozenset[str] | None = None  # for a bulk route: the roles that may call it at all


def _json_levels(response: Response, level: int, where: str) -> None:
    assert response.status_code == 200, f"{where}: {response.status_code} {response.text[:300]}"
    assert_levels(response.text, level, where)


def _record(response: Response, level: int, where: str) -> None:
    _json_levels(response, level, where)
    body = response.json()
    assert body["level"] == level, where
    assert ("party_position" in body["withheld"]) == (level < 3) and ("health_status" in body["withheld"]) == (
        level < 2), where


def _versions(response: Response, level: int, where: str) -> None:
    assert response.status_code == 200, f"{where}: {response.status_code}"
    changed = {name for version in response.json() for name in version["changed"]}
    assert ("party_position" in changed) == (level >= 3) and ("family" in changed) == (level >= 2), where
    assert ("other_names" in changed) == (level >= 1), where


def _section(name: str) -> Callable[[Response, int, str], None]:
    def check(response: Response, level: int, where: str) -> None:
        if TABLE_LEVEL[name] > level:
            assert response.status_code == 403 and response.json()["type"].endswith("level-withheld"), where
            assert_levels(response.text, -1, where)
        else:
            assert response.status_code == 200, f"{where}: {response.status_code}"
            assert response.json() and all(m in response.text for m in MARKERS[TABLE_LEVEL[name]][-1:]), where
    return check


def _pdf(response: Response, level: int, where: str) -> None:
    assert response.status_code == 200, f"{where}: {response.status_code}"
    assert_levels(pdf_text(response.content), level, where)


def _bulk(response: Response, level: int, where: str) -> None:
    assert response.status_code == 200, f"{where}: {response.status_code} {response.text[:300]}"
    rows = [r for r in json.loads(response.content) if r.get("full_name") in ("Người Trong A", "Chính Tôi")]
    assert rows, where
    keys = set().union(*rows)
    assert ("party_position" in keys) == (level >= 3) and ("health_status" in keys) == (level >= 2), where
    assert ("other_names" in keys) == (level >= 1), where
    assert ("DANGVU" in response.text) == (level >= 3) and ("SUCKHOE" in response.text) == (level >= 2), where


def _statistics(response: Response, level: int, where: str) -> None:
    assert response.status_code == 200, f"{where}: {response.status_code} {response.text[:300]}"
    assert ("party" in response.json()["by"]) == (level >= 3), where


def _p(t: Target) -> str:
    return f"/api/v1/profiles/{t.profile.id}"


ROUTES = [
    Route("/api/v1/profiles/{profile_id}", _p, _record),
    Route("/api/v1/profiles/{profile_id}/versions", lambda t: f"{_p(t)}/versions", _versions),
    Route("/api/v1/profiles/{profile_id}/versions/{from_version}/diff/{to_version}",
          lambda t: f"{_p(t)}/versions/1/diff/2", _json_levels),
    *(Route("/api/v1/profiles/{profile_id}/{section}", (lambda n: lambda t: f"{_p(t)}/{n}")(name), _section(name))
      for name in TABLE_LEVEL),
    Route("/api/v1/reports/profiles/{profile_id}/syll.json",
          lambda t: f"/api/v1/reports/profiles/{t.profile.id}/syll.json", _json_levels),
    Route("/api/v1/reports/profiles/{profile_id}/syll.pdf",
          lambda t: f"/api/v1/reports/profiles/{t.profile.id}/syll.pdf", _pdf),
    Route("/api/v1/bulk/export", lambda t: f"/api/v1/bulk/export?format=json&org_unit_id={t.unit.id}", _bulk,
          bulk=True, allowed=frozenset(OWN_LEVEL)),
    Route("/api/v1/reports/workforce", lambda t: f"/api/v1/reports/workforce?org_unit_id={t.unit.id}", _statistics,
          bulk=True, allowed=frozenset(STATISTICS)),
]
# GET routes that return no record content, each with where its reach is tested.
NO_RECORD_CONTENT = {
    "/healthz": "health", "/readyz": "health", "/metrics": "metrics", "/.well-known/jwks.json": "keys",
    "/api/v1/me": "the caller's own account",
    "/api/v1/profiles": "level-0 columns; `fields=` above the caller's clearance is refused (test_grants.py)",
    "/api/v1/profiles/sections": "the form's tables and levels, no one's data",
    "/api/v1/profiles/{profile_id}/attachments": "evidence scans' names, read with the record's reach (IDOR matrix)",
    "/api/v1/profiles/{profile_id}/attachments/{attachment_id}": "evidence scans, read with the record's reach "
    "(IDOR matrix); not graded by level yet (docs/access-levels.md)",
    "/api/v1/profiles/{profile_id}/quality": "findings; suggested values above the level the caller reads the record "
    "at are \"[sensitive]\" (quality.service.is_withheld); a grant raises that level in the subtree, opens nothing "
    "beyond it",
    "/api/v1/org-units": "units", "/api/v1/org-units/changes": "units", "/api/v1/org-units/{org_unit_id}": "units",
    "/api/v1/org-units/{org_unit_id}/people": "level-0 items (name, birth date, rank) of the subtree",
    "/api/v1/accounts": "accounts", "/api/v1/accounts/overdue-incoming": "accounts",
    "/api/v1/accounts/incoming": "accounts", "/api/v1/accounts/delegations": "accounts",
    "/api/v1/accounts/{account_id}": "accounts", "/api/v1/accounts/{account_id}/access-changes": "accounts",
    "/api/v1/access-grants": "grants (ids, levels, decisions)",
    "/api/v1/access-grants/{grant_id}": "one grant (ids, levels, decision)",
    "/api/v1/access-grants/{grant_id}/decision": "the scan of a grant's written decision, to the admins over the "
    "grant's subtree and its grantee (test_decisions.py)",
    "/api/v1/bulk/template.xlsx": "empty template", "/api/v1/bulk/template.csv": "empty template",
    "/api/v1/bulk/imports/{job_id}": "an import's row errors", "/api/v1/bulk/imports/{job_id}/errors.xlsx":
    "an import's row errors",
    "/api/v1/quality/scorecards/{org_unit_id}": "aggregates", "/api/v1/quality/scorecards/{org_unit_id}/history":
    "aggregates",
    "/api/v1/calendar/overrides": "calendar",
    "/api/v1/reports/reviews": "aggregates", "/api/v1/reports/units/{org_unit_id}/reviews": "aggregates",
    "/api/v1/reports/reviews/{review_id}.pdf": "aggregates", "/api/v1/reports/reviews/{review_id}.json": "aggregates",
    "/api/v1/reports/reviews/{review_id}": "aggregates",
    "/api/v1/reports/progress/page": "aggregates", "/api/v1/reports/progress/page.pdf": "aggregates",
    "/api/v1/reports/progress/page.json": "aggregates", "/api/v1/reports/progress/editions": "aggregates",
    "/api/v1/reports/progress/editions/{edition_id}.json": "aggregates",
    "/api/v1/reports/progress/editions/{edition_id}.pdf": "aggregates",
    "/api/v1/reports/progress/editions/{edition_id}": "aggregates",
    "/api/v1/tasks": "names of the caller's tasks", "/api/v1/transfers": "transfers",
    "/api/v1/transfers/receivers": "units", "/api/v1/transfers/{transfer_id}": "transfers",
    # issue 21 items 3–4 (tests/profile_api/audit_log): entries name fields, never values.
    "/api/v1/audit": "audit entries", "/api/v1/audit.csv": "audit entries", "/api/v1/audit/verify": "chain check",
    "/api/v1/me/record-reads": "who read the caller's own record",
}


@pytest.fixture
async def apis(client_for: Any) -> AppClient:
    client: AppClient = await client_for("profile-api")
    return client


async def check_cells(apis: AppClient, world: World, role: str, granted: bool) -> None:
    for route in ROUTES:
        for side in ("own", "other"):
            target = world.own[role] if side == "own" else world.other[role]
            where = f"{role} {side} {'granted' if granted else 'no grant'} {route.path(target)}"
            response = await apis.get(route.path(target), headers=world.auth[role])
            if route.bulk:
                level = bulk_level(role, side) if route.allowed and role in route.allowed else None
            else:
                level = record_level(role, side, granted)
            if level is None:
                assert_refused(response, target, where)
            else:
                route.check(response, level, where)


@pytest.mark.parametrize("role", ROLES)
async def test_matrix(role: str, session: AsyncSession, apis: AppClient, token_issuer: TokenIssuer) -> None:
    """Each role, without a grant and then with one over the other side (level 2) and one naming our person
    (level 3): Điều 4 khoản 3, Điều 8 khoản 3."""
    world = await build_world(session, token_issuer)
    await check_cells(apis, world, role, granted=False)
    await grant(session, world, role)
    await check_cells(apis, world, role, granted=True)


def test_every_content_route_is_in_the_matrix(apis_spec: dict[str, Any]) -> None:
    covered = {r.route for r in ROUTES}
    missing = [path for path, ops in apis_spec["paths"].items()
               if "get" in ops and path not in covered and path not in NO_RECORD_CONTENT]
    assert not missing, f"add these GET routes to the level matrix (or to NO_RECORD_CONTENT, with why): {missing}"


@pytest.fixture
def apis_spec(db_url: str) -> dict[str, Any]:
    from tests.conftest import build

    spec: dict[str, Any] = build("profile-api", db_url, None).openapi()
    return spec
