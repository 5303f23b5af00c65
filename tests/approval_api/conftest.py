"""approval-api wired to a real profile-api (both on the test's transaction): approving applies for
real. `World` is one agency with its people and every role, plus a unit outside its reach."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from approval_api.applying.client import ProfileClient
from hoso_shared.auth import Principal, TokenIssuer
from hoso_shared.db.models import Account, Attachment, ChangeRequest, OrgUnit, Profile
from hoso_shared.time import FixedClock, local_day
from hoso_shared.web import collaborators_of
from profile_api.collaborators import Collaborators as ProfileCollaborators
from tests.conftest import AppClient
from tests.factories import bearer, make_account, make_profile, make_unit, principal_for

IN_WINDOW = datetime(2026, 11, 28, 3, 0, tzinfo=UTC)  # 28/11 in Hà Nội: inside the last 5 days
OUT_OF_WINDOW = datetime(2026, 11, 10, 3, 0, tzinfo=UTC)
SERVICE = Principal(subject=uuid.uuid5(uuid.NAMESPACE_URL, "test:approval-api"), username="svc.approval-api",
                    roles=frozenset({"service"}), scopes=frozenset({"profiles:apply"}),
                    org_unit_id=uuid.uuid5(uuid.NAMESPACE_URL, "test:root"), org_path="/")


@dataclass
class Apis:
    profile: AppClient
    approval: AppClient
    clock: FixedClock  # approval-api's

    def at(self, moment: datetime) -> None:
        self.clock.at = moment


async def wired(client_for: Any, token_issuer: TokenIssuer, **settings: Any) -> Apis:
    """profile-api and approval-api calling each other in-process, both with `settings`; approval-api's
    clock stands at IN_WINDOW until moved."""
    profile_api: AppClient = await client_for("profile-api", **settings)

    async def token() -> str:
        minted, _ = token_issuer.mint(principal=SERVICE, audience="hoso-api")
        return minted

    clock = FixedClock(IN_WINDOW)
    approval_api: AppClient = await client_for(
        "approval-api", wiring={"clock": clock, "profiles": ProfileClient(profile_api, token)}, **settings)
    # Each needs the other: profile-api, built first, is pointed at approval-api once that exists.
    collaborators_of(profile_api.app, ProfileCollaborators).approval.client = approval_api
    return Apis(profile_api, approval_api, clock)


@pytest.fixture
async def apis(client_for: Any, token_issuer: TokenIssuer) -> Apis:
    return await wired(client_for, token_issuer)


@dataclass
class World:
    root: OrgUnit
    agency: OrgUnit
    elsewhere: OrgUnit
    person: Profile  # the officer's own record
    accounts: dict[str, Account]
    auth: dict[str, dict[str, str]]
    scan: Attachment
    issuer: TokenIssuer
    extra: dict[str, Any] = field(default_factory=dict)

    async def request(self, session: AsyncSession, *, state: str = "submitted", by: str = "officer",
                      payload: dict[str, Any] | None = None, profile: Profile | None = None,
                      base_version: int | None = None, attachments: bool = True,
                      submitted_at: datetime | None = None, occurred_on: date | None = None) -> ChangeRequest:
        """A change request stored as profile-api would have forwarded it, in `state`: with its evidence (the
        scan; hanoi-2024 asks it of every change) unless `attachments=False`, and occurring the day it was
        submitted (on time) unless `occurred_on` says otherwise."""
        target = profile or self.person
        submitted = submitted_at or (IN_WINDOW if state != "draft" else None)
        request = ChangeRequest(
            id=uuid.uuid4(), profile_id=target.id, org_unit_id=target.org_unit_id,
            base_version=base_version or target.version, state=state,
            payload=payload or {"items": {"other_names": f"Tên gọi khác {uuid.uuid4().hex[:4]}"}},
            attachment_ids=[str(self.scan.id)] if attachments else [], requested_by=self.accounts[by].id,
            submitted_at=submitted, occurred_on=occurred_on or local_day(submitted or IN_WINDOW))
        session.add(request)
        await session.flush()
        return request


async def build_world(session: AsyncSession, issuer: TokenIssuer) -> World:
    root = await make_unit(session, type="province")
    agency = await make_unit(session, parent=root)
    elsewhere = await make_unit(session, parent=root)
    person = await make_profile(session, unit=agency, full_name="Trần Văn Bình")
    colleague = await make_profile(session, unit=agency, full_name="Lê Thị Hoa")
    accounts = {
        "officer": await make_account(session, unit=agency, role="officer", profile=person),
        "colleague": await make_account(session, unit=agency, role="officer", profile=colleague),
        "agency_admin": await make_account(session, unit=agency, role="agency_admin", kind="agency"),
        "approver": await make_account(session, unit=agency, role="approver"),
        "approver_elsewhere": await make_account(session, unit=elsewhere, role="approver"),
        "doha_admin": await make_account(session, unit=root, role="doha_admin"),
        "hr_system": await make_account(session, unit=root, role="hr_system", kind="client",
                                        scopes=["change-requests:write"]),
        "gateway": await make_account(session, unit=root, role="service", kind="client",
                                      scopes=["change-requests:return"]),
    }
    units = {"officer": agency, "colleague": agency, "agency_admin": agency, "approver": agency,
             "approver_elsewhere": elsewhere, "doha_admin": root, "hr_system": root, "gateway": root}
    auth = {}
    for name, account in accounts.items():
        scopes = set(account.scopes) if account.kind == "client" else None
        auth[name] = bearer(issuer, principal_for(account, units[name], scopes=scopes))
    scan = Attachment(profile_id=person.id, filename="quyet-dinh.pdf", content_type="application/pdf", size=8,
                      sha256="0" * 64, content=b"%PDF-1.7", uploaded_by=accounts["officer"].id)
    session.add(scan)
    await session.flush()
    return World(root, agency, elsewhere, person, accounts, auth, scan, issuer)


@pytest.fixture
async def world(session: AsyncSession, token_issuer: TokenIssuer) -> World:
    return await build_world(session, token_issuer)
