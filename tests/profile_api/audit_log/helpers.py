"""A small province with audit entries in it: DOHA at the root, agencies A and B, a person in each, an auditor at
the root and one at A, and entries written the way the services write them (`profile_api.audit.service`)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from httpx import AsyncClient, Response
from sqlalchemy.ext.asyncio import AsyncSession

from hoso_shared.auth import Principal, TokenIssuer
from hoso_shared.db.models import Account, OrgUnit, Profile
from profile_api.audit import queries as audit_queries
from profile_api.audit import service as audit
from tests.factories import bearer, make_account, make_profile, principal_for
from tests.profile_api.accounts.helpers import Province, province

# Entries far in the past, so they sort before anything a request of the test itself records.
T0 = datetime(2026, 11, 2, 1, 0, tzinfo=UTC)


@dataclass
class World:
    p: Province
    person_a: Profile
    person_b: Profile
    auditor_root: Account
    auditor_a: Account
    officer_a: Account  # person_a's own account
    officer_b: Account  # person_b's own account

    def auth(self, issuer: TokenIssuer, account: Account) -> dict[str, str]:
        unit = {self.p.root.id: self.p.root, self.p.a.id: self.p.a, self.p.b.id: self.p.b}[account.org_unit_id]
        return bearer(issuer, principal_for(account, unit))

    def principal(self, account: Account) -> Principal:
        unit: OrgUnit = {self.p.root.id: self.p.root, self.p.a.id: self.p.a, self.p.b.id: self.p.b}[
            account.org_unit_id]
        return principal_for(account, unit)


async def world(session: AsyncSession) -> World:
    p = await province(session)
    person_a = await make_profile(session, unit=p.a, full_name="Lê Thị Ánh")
    person_b = await make_profile(session, unit=p.b, full_name="Phạm Văn Bảo")
    return World(p, person_a, person_b,
                 auditor_root=await make_account(session, unit=p.root, role="auditor"),
                 auditor_a=await make_account(session, unit=p.a, role="auditor"),
                 officer_a=await make_account(session, unit=p.a, role="officer", profile=person_a),
                 officer_b=await make_account(session, unit=p.b, role="officer", profile=person_b))


async def write(session: AsyncSession, principal: Principal | None, action: str, entity: str,
                entity_id: uuid.UUID | str, *, minutes: int, **kwargs: Any) -> None:
    """One entry as `audit.record` appends it, `minutes` after T0."""
    values = audit.entry(principal, action, entity, entity_id, **kwargs) | {"at": T0 + timedelta(minutes=minutes)}
    await audit_queries.append(session, values)


async def history(session: AsyncSession, w: World) -> None:
    """Reads and writes about both people, the accounts and units of both agencies, and the calendar."""
    admin_a, admin_b, doha = (w.principal(w.p.admin_a), w.principal(w.p.admin_b), w.principal(w.p.doha))
    await write(session, admin_a, "read_sensitive", "profile", w.person_a.id, minutes=1, fields=["citizen_id"])
    await write(session, admin_b, "read_sensitive", "profile", w.person_b.id, minutes=2, fields=["family"])
    await write(session, admin_a, "apply_change_request", "profile", w.person_a.id, minutes=3,
                before={"phone": "1"}, after={"phone": "2"}, fields=["phone"])
    await write(session, doha, "read_sensitive", "profile", w.person_a.id, minutes=4,
                fields=["citizen_id", "family"])
    await write(session, admin_a, "account.create", "account", w.officer_a.id, minutes=5, after={"x": 1})
    await write(session, admin_b, "account.create", "account", w.officer_b.id, minutes=6, after={"x": 1})
    await write(session, doha, "org_unit.rename", "org_unit", w.p.b.id, minutes=7, after={"name": "B"})
    await write(session, doha, "calendar.set", "working_day_override", "2026-11-24", minutes=8,
                after={"kind": "holiday"})
    await write(session, None, "archive_pending", "profile", w.person_b.id, minutes=9, fields=["archived_at"])
    await write(session, admin_a, "read_sensitive", "profile", w.person_a.id, minutes=10, fields=["phone"])


async def all_pages(api: AsyncClient, path: str, headers: dict[str, str], *, limit: int) -> list[dict[str, Any]]:
    """Every item of a keyset-paginated list, following `next_cursor`."""
    items: list[dict[str, Any]] = []
    cursor = None
    for _ in range(100):
        sep = "&" if "?" in path else "?"
        page = await api.get(f"{path}{sep}limit={limit}" + (f"&cursor={cursor}" if cursor else ""), headers=headers)
        assert page.status_code == 200, page.text
        items += page.json()["items"]
        cursor = page.json()["next_cursor"]
        if cursor is None:
            return items
    raise AssertionError("the pages never end")


def is_problem(response: Response, status: int) -> bool:
    return (response.status_code == status
            and response.headers["content-type"].startswith("application/problem+json"))
