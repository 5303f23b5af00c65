"""The IDOR matrix: every role × every profile-api route that names a resource × a target in the
caller's own subtree and one outside it. Every cell outside the caller's reach is 403 or 404 and
never carries the target's data; every cell inside it is allowed exactly for the roles that should
be. A route added without a row here fails `test_every_route_is_in_the_matrix`."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest
from httpx import AsyncClient, Response
from sqlalchemy.ext.asyncio import AsyncSession

from hoso_shared.auth import TokenIssuer
from hoso_shared.db.models import (
    AccessGrant,
    AccountDelegation,
    Attachment,
    ChangeRequest,
    ImportJob,
    OrgUnit,
    Profile,
    ProfileSectionRow,
    Transfer,
)
from hoso_shared.time import local_today
from hoso_shared.web import collaborators_of
from profile_api.collaborators import Collaborators
from tests.conftest import AppClient
from tests.factories import bearer, make_account, make_profile, make_unit, principal_for

TODAY = str(local_today())
ROLES = ["doha_admin", "agency_admin", "approver", "officer", "hr_system", "service"]
READERS = {"doha_admin", "agency_admin", "approver", "officer", "hr_system"}
WRITERS = {"doha_admin", "agency_admin", "hr_system", "officer"}  # officers: their own record only
STAFF_WRITERS = {"doha_admin", "agency_admin", "hr_system"}
UNIT_READERS = {"doha_admin", "agency_admin", "approver", "hr_system"}
ACCOUNT_ADMINS = {"doha_admin", "agency_admin"}
# Agencies restructure their own subtree (Điều 21 khoản 2), DOHA the province's.
UNIT_WRITERS = {"doha_admin", "agency_admin"}
# The written request every access change rests on (Điều 19 khoản 4).
REQUEST = {"request_no": "12/UBND-NV", "request_date": "2026-01-05"}


@dataclass
class Side:
    """The resources of one side of the matrix (the caller's own reach, or beyond it)."""

    unit: OrgUnit
    profile: Profile
    row: ProfileSectionRow
    attachment: Attachment
    change_request: ChangeRequest
    account_id: uuid.UUID
    job: ImportJob
    elsewhere: uuid.UUID | None = None  # a unit of the same reach the side's unit may move under
    delegate_id: uuid.UUID | None = None  # a person holding a delegation to create personal accounts
    transfer_id: uuid.UUID | None = None  # the side's person proposed for a move to another agency
    reported_id: uuid.UUID | None = None  # … and reported as moved to a central body
    grant_id: uuid.UUID | None = None  # a written grant over the side's unit (issue 21)


async def _transfers(session: AsyncSession, side: Side, receiver: OrgUnit, creator: uuid.UUID) -> list[Transfer]:
    """A proposed hand-over from the side's unit to `receiver`, and a move to a central body awaiting DOHA, of a
    namesake of the side's person (so the leak check reads for them too; the side's own record takes proposals)."""
    mover = await make_profile(session, unit=side.unit, full_name=side.profile.full_name)
    decision = {"decision_number": "1/QĐ", "decision_issued_on": date(2026, 11, 2), "decision_issuer": "UBND",
                "effective_on": date(2026, 12, 1), "proposed_by": creator, "profile_id": mover.id,
                "from_org_unit_id": side.unit.id}
    side.transfer_id, side.reported_id = uuid.uuid4(), uuid.uuid4()
    return [Transfer(id=side.transfer_id, kind="between_agencies", state="proposed", to_org_unit_id=receiver.id,
                     **decision),
            Transfer(id=side.reported_id, kind="to_central_body", state="reported", destination="Bộ Nội vụ",
                     **decision)]


async def _side(session: AsyncSession, unit: OrgUnit, creator: uuid.UUID, *, name: str) -> Side:
    profile = await make_profile(session, unit=unit, full_name=name)
    row = ProfileSectionRow(profile_id=profile.id, section="awards", position=0, data={"year": 2020, "award": name})
    attachment = Attachment(profile_id=profile.id, filename="scan.pdf", content_type="application/pdf", size=8,
                            sha256="0" * 64, content=b"%PDF-1.7", uploaded_by=creator)
    change = ChangeRequest(profile_id=profile.id, org_unit_id=unit.id, base_version=1, state="approved",
                           payload={"items": {"other_names": "X"}}, requested_by=creator)
    officer = await make_account(session, unit=unit, role="officer")
    delegate = await make_account(session, unit=unit, role="officer")
    session.add(AccountDelegation(delegate_id=delegate.id, org_unit_id=unit.id, granted_by=creator))
    job = ImportJob(org_unit_id=unit.id, created_by=creator, filename="x.csv", file_format="csv",
                    mode="valid_only", dry_run=True, state="done")
    session.add_all([row, attachment, change, job])
    await session.flush()
    grant = AccessGrant(grantee_id=officer.id, org_unit_id=unit.id, level=1, starts_on=date(2026, 1, 1),
                        ends_on=date(2099, 12, 31), decision_number="7/QĐ-SNV", decision_date=date(2026, 1, 1),
                        issuing_body="Sở Nội vụ", attachment_id=attachment.id, granted_by=creator)
    session.add(grant)
    await session.flush()
    return Side(unit, profile, row, attachment, change, officer.id, job, delegate_id=delegate.id, grant_id=grant.id)


@dataclass
class World:
    auth: dict[str, dict[str, str]]
    own: dict[str, Side]
    other: dict[str, Side]


async def build_world(session: AsyncSession, issuer: TokenIssuer) -> World:
    p = await make_unit(session, type="province", name="Tỉnh P")
    q = await make_unit(session, type="province", name="Tỉnh Q")
    a = await make_unit(session, parent=p, name="Sở A")
    a1 = await make_unit(session, parent=a, type="sub_unit", name="Phòng A1")
    a2 = await make_unit(session, parent=a, type="sub_unit", name="Phòng A2")
    b = await make_unit(session, parent=p, name="Sở B")
    c = await make_unit(session, parent=q, name="Sở C")
    doha = await make_account(session, unit=p, role="doha_admin")
    side_a = await _side(session, a1, doha.id, name="Người Trong A")
    side_b = await _side(session, b, doha.id, name="Người Ngoài B")
    side_c = await _side(session, c, doha.id, name="Người Ngoài Q")
    me = await make_profile(session, unit=a1, full_name="Chính Tôi")
    side_me = await _side(session, a1, doha.id, name="Đồng Nghiệp")
    side_me.profile = me
    side_a.elsewhere = side_me.elsewhere = a2.id
    side_b.elsewhere, side_c.elsewhere = a.id, q.id
    for model in (side_me.row, side_me.attachment, side_me.change_request):
        model.profile_id = me.id
    # Each side's transfers go to a unit no side holds: A's to P's Sở E (DOHA receives it), B's and C's to Q's Sở D.
    d, e = await make_unit(session, parent=q, name="Sở D"), await make_unit(session, parent=p, name="Sở E")
    for side, receiver in ((side_a, e), (side_b, d), (side_c, d)):
        session.add_all(await _transfers(session, side, receiver, doha.id))
    side_me.transfer_id, side_me.reported_id = side_a.transfer_id, side_a.reported_id
    await session.flush()
    accounts = {
        "doha_admin": (doha, p, None),
        "agency_admin": (await make_account(session, unit=a, role="agency_admin"), a, None),
        "approver": (await make_account(session, unit=a, role="approver"), a, None),
        "officer": (await make_account(session, unit=a1, role="officer", profile=me), a1, None),
        "hr_system": (await make_account(session, unit=a, role="hr_system", kind="client"), a,
                      {"profiles:read", "profiles:write", "org-units:read", "change-requests:write"}),
        "service": (await make_account(session, unit=p, role="service", kind="client"), p,
                    {"profiles:apply", "profiles:incoming"}),
    }
    auth = {role: bearer(issuer, principal_for(acc, unit, scopes=scopes)) for role, (acc, unit, scopes) in
            accounts.items()}
    own = {role: side_me if role == "officer" else side_a for role in ROLES}
    other = {role: side_c if role in ("doha_admin", "service") else side_b for role in ROLES}
    return World(auth, own, other)


@dataclass(frozen=True)
class Case:
    method: str
    route: str  # the OpenAPI path template, for the coverage check
    path: Callable[[Side], str]
    allowed: frozenset[str]
    body: Callable[[Side], Any] | None = None
    files: bool = False


def _p(s: Side) -> str:
    return f"/api/v1/profiles/{s.profile.id}"


def _proposal(s: Side) -> dict[str, Any]:
    """What every proposal carries: the day its information changed, and its evidence (hanoi-2024)."""
    return {"occurred_on": TODAY, "attachment_ids": [str(s.attachment.id)]}


CASES = [
    Case("GET", "/api/v1/profiles/{profile_id}", _p, frozenset(READERS)),
    Case("GET", "/api/v1/profiles/{profile_id}/versions", lambda s: f"{_p(s)}/versions", frozenset(READERS)),
    Case("GET", "/api/v1/profiles/{profile_id}/versions/{from_version}/diff/{to_version}",
         lambda s: f"{_p(s)}/versions/1/diff/1", frozenset(READERS)),
    Case("GET", "/api/v1/profiles/{profile_id}/{section}", lambda s: f"{_p(s)}/awards", frozenset(READERS)),
    Case("PATCH", "/api/v1/profiles/{profile_id}", _p, frozenset(WRITERS),
         lambda s: {"items": {"other_names": "Tên khác"}, **_proposal(s)}),
    Case("POST", "/api/v1/profiles/{profile_id}/{section}", lambda s: f"{_p(s)}/awards", frozenset(WRITERS),
         lambda s: {"row": {"year": 2024, "award": "Bằng khen"}, **_proposal(s)}),
    Case("PUT", "/api/v1/profiles/{profile_id}/{section}/{row_id}", lambda s: f"{_p(s)}/awards/{s.row.id}",
         frozenset(WRITERS), lambda s: {"row": {"year": 2021, "award": "Giấy khen"}, **_proposal(s)}),
    Case("DELETE", "/api/v1/profiles/{profile_id}/{section}/{row_id}", lambda s: f"{_p(s)}/awards/{s.row.id}",
         frozenset(WRITERS), _proposal),
    # The person themself confirms they checked their record; nobody does it for them.
    Case("POST", "/api/v1/profiles/{profile_id}/review", lambda s: f"{_p(s)}/review", frozenset({"officer"})),
    Case("GET", "/api/v1/reports/profiles/{profile_id}/syll.pdf",
         lambda s: f"/api/v1/reports/profiles/{s.profile.id}/syll.pdf", frozenset(READERS)),
    Case("GET", "/api/v1/reports/profiles/{profile_id}/syll.json",
         lambda s: f"/api/v1/reports/profiles/{s.profile.id}/syll.json", frozenset(READERS)),
    Case("POST", "/api/v1/profiles/{profile_id}/lifecycle", lambda s: f"{_p(s)}/lifecycle", frozenset(STAFF_WRITERS),
         lambda s: {"event": "retire", "effective_on": "2026-12-31", "decision": {
             "number": "125/QĐ-UBND", "issued_on": TODAY, "issuer": "UBND thành phố Hà Nội"}, **_proposal(s)}),
    Case("GET", "/api/v1/profiles/{profile_id}/attachments", lambda s: f"{_p(s)}/attachments", frozenset(READERS)),
    Case("POST", "/api/v1/profiles/{profile_id}/attachments", lambda s: f"{_p(s)}/attachments",
         frozenset(WRITERS), files=True),
    Case("GET", "/api/v1/profiles/{profile_id}/attachments/{attachment_id}",
         lambda s: f"{_p(s)}/attachments/{s.attachment.id}", frozenset(READERS)),
    Case("POST", "/internal/v1/change-requests/{change_request_id}/apply",
         lambda s: f"/internal/v1/change-requests/{s.change_request.id}/apply", frozenset({"service"})),
    Case("POST", "/internal/v1/change-requests/apply", lambda s: "/internal/v1/change-requests/apply",
         frozenset({"service"}), lambda s: {"ids": [str(s.change_request.id)]}),
    Case("GET", "/api/v1/org-units/{org_unit_id}", lambda s: f"/api/v1/org-units/{s.unit.id}",
         frozenset(UNIT_READERS)),
    Case("GET", "/api/v1/org-units/{org_unit_id}/people", lambda s: f"/api/v1/org-units/{s.unit.id}/people",
         frozenset(UNIT_READERS)),
    Case("POST", "/api/v1/org-units", lambda s: "/api/v1/org-units", frozenset(UNIT_WRITERS),
         lambda s: {"code": f"X.{uuid.uuid4().hex[:8]}", "name": "Phòng mới", "type": "sub_unit",
                    "parent_id": str(s.unit.id), "effective_on": TODAY}),
    Case("POST", "/api/v1/org-units/{org_unit_id}/rename", lambda s: f"/api/v1/org-units/{s.unit.id}/rename",
         frozenset(UNIT_WRITERS), lambda s: {"name": "Tên mới", "effective_on": TODAY}),
    Case("PUT", "/api/v1/org-units/{org_unit_id}/electronic-id",
         lambda s: f"/api/v1/org-units/{s.unit.id}/electronic-id", frozenset(UNIT_WRITERS),
         lambda s: {"electronic_id": f"{uuid.uuid4().hex[:3].upper()}.00.09.H26"}),
    Case("POST", "/api/v1/org-units/{org_unit_id}/move", lambda s: f"/api/v1/org-units/{s.unit.id}/move",
         frozenset(UNIT_WRITERS), lambda s: {"parent_id": str(s.elsewhere), "effective_on": TODAY}),
    Case("POST", "/api/v1/org-units/{org_unit_id}/merge", lambda s: f"/api/v1/org-units/{s.unit.id}/merge",
         frozenset(UNIT_WRITERS), lambda s: {"into_id": str(s.unit.parent_id), "effective_on": TODAY,
                                             "confirm_unit_code": s.unit.code}),
    Case("POST", "/api/v1/org-units/{org_unit_id}/split", lambda s: f"/api/v1/org-units/{s.unit.id}/split",
         frozenset(UNIT_WRITERS), lambda s: {"effective_on": TODAY, "close_source": False, "parts": [
             {"code": f"S.{uuid.uuid4().hex[:8]}", "name": "Phần tách", "type": "sub_unit",
              "profile_ids": [str(s.profile.id)], "account_ids": []}]}),
    Case("POST", "/api/v1/org-units/{org_unit_id}/dissolve", lambda s: f"/api/v1/org-units/{s.unit.id}/dissolve",
         frozenset(UNIT_WRITERS), lambda s: {"effective_on": TODAY, "move_to_id": str(s.unit.parent_id),
                                             "confirm_unit_code": s.unit.code}),
    Case("POST", "/api/v1/accounts", lambda s: "/api/v1/accounts", frozenset(ACCOUNT_ADMINS),
         lambda s: {"username": f"u{uuid.uuid4().hex[:10]}", "display_name": "Cán bộ mới", "kind": "person",
                    "roles": ["officer"], "org_unit_id": str(s.unit.id)}),
    Case("GET", "/api/v1/accounts/{account_id}", lambda s: f"/api/v1/accounts/{s.account_id}",
         frozenset(ACCOUNT_ADMINS)),
    *(Case("POST", f"/api/v1/accounts/{{account_id}}/{action}",
           (lambda a: lambda s: f"/api/v1/accounts/{s.account_id}/{a}")(action), frozenset(ACCOUNT_ADMINS),
           None if action == "reset-password" else lambda s: REQUEST)
      for action in ("disable", "enable", "reset-password")),
    Case("POST", "/api/v1/accounts/{account_id}/roles", lambda s: f"/api/v1/accounts/{s.account_id}/roles",
         frozenset(ACCOUNT_ADMINS), lambda s: {**REQUEST, "roles": ["approver"]}),
    # Clearance and grants (issue 21; Điều 18 khoản 1, Điều 19 khoản 4): admins, over their own subtree.
    Case("PUT", "/api/v1/accounts/{account_id}/clearance", lambda s: f"/api/v1/accounts/{s.account_id}/clearance",
         frozenset(ACCOUNT_ADMINS), lambda s: {**REQUEST, "clearance": 1}),
    Case("POST", "/api/v1/access-grants/{grant_id}/revoke", lambda s: f"/api/v1/access-grants/{s.grant_id}/revoke",
         frozenset(ACCOUNT_ADMINS), lambda s: REQUEST),
    # One grant and its decision's scan: the admins over its subtree (and its grantee: access/test_decisions.py).
    Case("GET", "/api/v1/access-grants/{grant_id}", lambda s: f"/api/v1/access-grants/{s.grant_id}",
         frozenset(ACCOUNT_ADMINS)),
    Case("GET", "/api/v1/access-grants/{grant_id}/decision", lambda s: f"/api/v1/access-grants/{s.grant_id}/decision",
         frozenset(ACCOUNT_ADMINS)),
    Case("GET", "/api/v1/accounts/{account_id}/access-changes",
         lambda s: f"/api/v1/accounts/{s.account_id}/access-changes", frozenset(ACCOUNT_ADMINS)),
    Case("POST", "/api/v1/accounts/{account_id}/delegation", lambda s: f"/api/v1/accounts/{s.account_id}/delegation",
         frozenset(ACCOUNT_ADMINS), lambda s: REQUEST),
    Case("POST", "/api/v1/accounts/{account_id}/delegation/revoke",
         lambda s: f"/api/v1/accounts/{s.delegate_id}/delegation/revoke", frozenset(ACCOUNT_ADMINS), lambda s: REQUEST),
    Case("POST", "/api/v1/accounts/{account_id}/move", lambda s: f"/api/v1/accounts/{s.account_id}/move",
         frozenset(ACCOUNT_ADMINS), lambda s: {"org_unit_id": str(s.unit.id)}),
    Case("GET", "/api/v1/bulk/imports/{job_id}", lambda s: f"/api/v1/bulk/imports/{s.job.id}",
         frozenset({"doha_admin", "agency_admin", "hr_system"})),
    Case("GET", "/api/v1/bulk/imports/{job_id}/errors.xlsx", lambda s: f"/api/v1/bulk/imports/{s.job.id}/errors.xlsx",
         frozenset({"doha_admin", "agency_admin", "hr_system"})),
    Case("GET", "/api/v1/profiles/{profile_id}/quality", lambda s: f"{_p(s)}/quality", frozenset(READERS)),
    Case("GET", "/api/v1/quality/scorecards/{org_unit_id}", lambda s: f"/api/v1/quality/scorecards/{s.unit.id}",
         frozenset({"doha_admin", "agency_admin", "approver"})),
    # Transfers (Điều 12): both sides read one; the receiving side (here DOHA, over A and B) accepts or refuses,
    # the sending side cancels, DOHA alone records a national hand-over.
    Case("GET", "/api/v1/transfers/{transfer_id}", lambda s: f"/api/v1/transfers/{s.transfer_id}",
         frozenset({"doha_admin", "agency_admin", "approver", "hr_system"})),
    *(Case("POST", f"/api/v1/transfers/{{transfer_id}}/{step}",
           (lambda st: lambda s: f"/api/v1/transfers/{s.transfer_id}/{st}")(step), frozenset({"doha_admin"}), body)
      for step, body in (("accept", None), ("refuse", lambda s: {"reason": "Không đủ chỉ tiêu"}))),
    Case("POST", "/api/v1/transfers/{transfer_id}/cancel", lambda s: f"/api/v1/transfers/{s.transfer_id}/cancel",
         frozenset({"doha_admin", "agency_admin"})),
    Case("POST", "/api/v1/transfers/{transfer_id}/hand-over",
         lambda s: f"/api/v1/transfers/{s.reported_id}/hand-over", frozenset({"doha_admin"}),
         lambda s: {"reference": "CV 1/SNV"}),
    # A unit's submitted quarterly reviews (issue 16): whoever may prepare its review, its approver included.
    Case("GET", "/api/v1/reports/units/{org_unit_id}/reviews",
         lambda s: f"/api/v1/reports/units/{s.unit.id}/reviews", frozenset({"doha_admin", "agency_admin", "approver"})),
    Case("GET", "/api/v1/quality/scorecards/{org_unit_id}/history",
         lambda s: f"/api/v1/quality/scorecards/{s.unit.id}/history",
         frozenset({"doha_admin", "agency_admin", "approver"})),
]
# Routes that name no resource of a subtree: checked by their own tests (lists are filtered by subtree
# below; token and health routes have no target).
NOT_RESOURCE_ROUTES = {
    "/healthz", "/readyz", "/metrics", "/api/v1/me", "/api/v1/auth/token", "/api/v1/auth/password",
    "/.well-known/jwks.json", "/api/v1/profiles", "/api/v1/profiles/incoming", "/api/v1/profiles/legacy",
    # Reports: public (verify, the aggregate progress page) or scoped by a unit parameter, each refusing
    # other subtrees in its own tests (tests/profile_api/reports: statistics, reviews, progress page).
    "/api/v1/reports/verify", "/api/v1/reports/workforce", "/api/v1/reports/reviews",
    "/api/v1/reports/reviews/{review_id}", "/api/v1/reports/reviews/{review_id}/submit",
    "/api/v1/reports/progress/page", "/api/v1/reports/progress/page.pdf", "/api/v1/reports/progress/refresh",
    "/api/v1/reports/progress/page.json",
    # Published editions of that public page: aggregates only, no login (tests/…/reports/test_progress_editions.py).
    "/api/v1/reports/progress/editions", "/api/v1/reports/progress/editions/{edition_id}",
    "/api/v1/reports/progress/editions/{edition_id}.json", "/api/v1/reports/progress/editions/{edition_id}.pdf",
    # A review's exports read it as GET /reviews/{review_id} does (service.get_review); another subtree's
    # 404, an officer's 403 and a draft's 409 are in tests/profile_api/reports/test_signed_reports.py.
    "/api/v1/reports/reviews/{review_id}.pdf", "/api/v1/reports/reviews/{review_id}.json",
    "/api/v1/profiles/sections", "/api/v1/org-units", "/api/v1/accounts", "/api/v1/accounts/overdue-incoming",
    "/api/v1/accounts/incoming", "/api/v1/accounts/delegations", "/api/v1/org-units/changes",
    "/api/v1/calendar/overrides", "/api/v1/calendar/overrides/{day}",  # province-wide, DOHA only: tests/…/calendar
    "/api/v1/bulk/template.xlsx", "/api/v1/bulk/template.csv", "/api/v1/bulk/imports", "/api/v1/bulk/export",
    # The caller's own tasks, no resource named: another subtree never shows (tests/profile_api/tasks).
    "/api/v1/tasks",
    # A proposal names its record in the body (a record beyond reach: 404) and the list is filtered by subtree:
    # tests/profile_api/transfers.
    "/api/v1/transfers",
    # HR's "ask the person to fix it" names its record in the body (beyond reach: 404, nothing stored; officers and
    # approvers 403): tests/profile_api/quality/test_fix_requests.py.
    "/api/v1/quality/fix-requests",
    # The directory of receiving agencies: unit names and codes outside the caller's subtree, no person's data
    # (tests/profile_api/transfers/test_receivers.py).
    "/api/v1/transfers/receivers",
    # The audit log: lists filtered by the auditor's subtree (a named record outside it: 404), the chain check
    # (positions and counts only), and the caller's own record's reads (tests/profile_api/audit_log).
    "/api/v1/audit", "/api/v1/audit.csv", "/api/v1/audit/verify", "/api/v1/me/record-reads",
    # A grant names its unit or people in the body (beyond the subtree: 404) and the list holds only the grants over
    # the caller's subtree: tests/profile_api/access/test_grants.py.
    "/api/v1/access-grants",
    # A decision's scan is uploaded under the uploader's own unit, naming nothing; a grant resting on another
    # subtree's decision is 404: tests/profile_api/access/test_decisions.py.
    "/api/v1/access-grants/decisions",
}


@pytest.fixture
async def apis(client_for: Any) -> AppClient:
    profile_api: AppClient = await client_for("profile-api")
    collaborators_of(profile_api.app, Collaborators).approval.client = await client_for("approval-api")
    return profile_api


async def call(api: AsyncClient, case: Case, side: Side, headers: dict[str, str]) -> Response:
    files = {"file": ("scan.pdf", b"%PDF-1.7\n%\xe2\xe3\n1 0 obj\n<<>>\nendobj\n", "application/pdf")}
    return await api.request(case.method, case.path(side), headers=headers,
                             json=case.body(side) if case.body else None, files=files if case.files else None)


def assert_refused(response: Response, side: Side, where: str) -> None:
    assert response.status_code in (403, 404), f"{where}: {response.status_code} {response.text[:300]}"
    assert side.profile.full_name not in response.text
    assert response.headers["content-type"].startswith("application/problem+json")


CELLS = [(case, role) for case in CASES for role in ROLES]


@pytest.mark.parametrize(("case", "role"), CELLS, ids=[f"{c.method} {c.route} as {r}" for c, r in CELLS])
async def test_cell(case: Case, role: str, session: AsyncSession, apis: AppClient, token_issuer: TokenIssuer) -> None:
    world = await build_world(session, token_issuer)
    headers = world.auth[role]
    beyond = await call(apis, case, world.other[role], headers)
    assert_refused(beyond, world.other[role], f"{role} beyond its reach")
    mine = await call(apis, case, world.own[role], headers)
    if role in case.allowed:
        assert mine.status_code < 300, f"{role} within its reach: {mine.status_code} {mine.text[:300]}"
    else:
        assert_refused(mine, world.own[role], f"{role} without the right")


async def test_officer_cannot_reach_a_colleague(session: AsyncSession, apis: AppClient,
                                                token_issuer: TokenIssuer) -> None:
    world = await build_world(session, token_issuer)
    colleague = world.own["agency_admin"]  # same unit as the officer, another person
    for case in CASES:
        if "officer" in case.allowed and "/profiles/" in case.route:
            assert_refused(await call(apis, case, colleague, world.auth["officer"]), colleague, case.route)


@pytest.mark.parametrize("role", ROLES)
async def test_lists_never_show_the_other_subtree(role: str, session: AsyncSession, apis: AppClient,
                                                  token_issuer: TokenIssuer) -> None:
    world = await build_world(session, token_issuer)
    other, headers = world.other[role], world.auth[role]
    for path in ("/api/v1/profiles?limit=200&include_archived=true", f"/api/v1/profiles?org_unit_id={other.unit.id}",
                 "/api/v1/org-units", "/api/v1/accounts?limit=200", "/api/v1/accounts/overdue-incoming",
                 "/api/v1/accounts/incoming", f"/api/v1/profiles?ids={other.profile.id}&include_archived=true",
                 "/api/v1/accounts/delegations", "/api/v1/org-units/changes", "/api/v1/transfers",
                 f"/api/v1/bulk/export?format=json&org_unit_id={other.unit.id}", "/api/v1/bulk/export?format=csv"):
        response = await apis.get(path, headers=headers)
        assert response.status_code in (200, 403, 404), f"{path}: {response.status_code}"
        assert str(other.profile.id) not in response.text and other.profile.full_name not in response.text, path
        assert str(other.unit.id) not in response.text or "org_unit_id=" in path, path


def test_every_route_is_in_the_matrix(apis_spec: dict[str, Any]) -> None:
    covered = {(c.method, c.route) for c in CASES}
    missing = [(m.upper(), path) for path, ops in apis_spec["paths"].items() for m in ops
               if path not in NOT_RESOURCE_ROUTES and (m.upper(), path) not in covered]
    assert not missing, f"add these routes to the IDOR matrix: {missing}"


@pytest.fixture
def apis_spec(db_url: str) -> dict[str, Any]:
    from tests.conftest import build

    spec: dict[str, Any] = build("profile-api", db_url, None).openapi()
    return spec
