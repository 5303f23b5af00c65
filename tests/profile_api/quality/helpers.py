"""A small province for the quality tests: P ⊃ A ⊃ {A1, A2}, P ⊃ B, and Q ⊃ C elsewhere; records with
a known citizen-ID defect (digit 4 disagrees with sex and birth century: DUNG-CCCD-003)."""

from __future__ import annotations

import itertools
import uuid
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from hoso_shared.auth import TokenIssuer
from hoso_shared.db.models import OrgUnit, Profile
from hoso_shared.validation import RULES, Context, Report, judge
from profile_api.profiles.service import full_record
from tests.factories import CIPHER, bearer, make_account, make_profile, make_unit, principal_for

SINCE = date(2025, 7, 1)  # units exist from the 2025 reform, so past days can be snapshotted
BORN = date(1985, 3, 1)
_serial = itertools.count(100_000)
CCCD_RULES = [r for r in RULES.values() if r.code.startswith("DUNG-CCCD-")]


def defective_id() -> str:
    """Hanoi-registered, digit 4 = 0 (a man born in the 1900s) for a woman born in 1985 (expects 1)."""
    return f"001085{next(_serial):06d}"


async def unit(session: AsyncSession, *, parent: OrgUnit | None = None, type: str = "department") -> OrgUnit:
    made = await make_unit(session, parent=parent, type=type)
    made.valid_from = SINCE
    await session.flush()
    return made


async def person(session: AsyncSession, at: OrgUnit, *, defective: bool = False, **overrides: Any) -> Profile:
    if defective:
        overrides.setdefault("citizen_id", defective_id())
    serial = next(_serial)
    # Nobody's namesake nor born the same day by accident (still in 1985, as the defective IDs say).
    overrides.setdefault("full_name", f"Nguyễn Thị Số {serial}")
    overrides.setdefault("birth_date", BORN + timedelta(days=serial % 200))
    return await make_profile(session, unit=at, sex="F", **overrides)


@dataclass
class Province:
    p: OrgUnit
    q: OrgUnit
    a: OrgUnit
    a1: OrgUnit
    a2: OrgUnit
    b: OrgUnit
    c: OrgUnit
    people: dict[str, list[Profile]] = field(default_factory=dict)
    auth: dict[str, dict[str, str]] = field(default_factory=dict)


async def province(session: AsyncSession, issuer: TokenIssuer) -> Province:
    p, q = await unit(session, type="province"), await unit(session, type="province")
    a = await unit(session, parent=p)
    a1, a2 = await unit(session, parent=a, type="sub_unit"), await unit(session, parent=a, type="sub_unit")
    world = Province(p, q, a, a1, a2, await unit(session, parent=p), await unit(session, parent=q))
    world.people = {
        "a1": [await person(session, world.a1, defective=True), await person(session, world.a1),
               await person(session, world.a1)],
        "a2": [await person(session, world.a2, defective=True), await person(session, world.a2)],
        "b": [await person(session, world.b, defective=True)],
        "c": [await person(session, world.c)],
    }
    for role, at in (("doha_admin", p), ("agency_admin", a), ("approver", a), ("hr_system", a),
                     ("agency_admin_b", world.b), ("doha_admin_q", world.c)):
        account = await make_account(session, unit=at, role=role.removesuffix("_b").removesuffix("_q"))
        world.auth[role] = bearer(issuer, principal_for(account, at))
    me = world.people["a1"][0]
    officer = await make_account(session, unit=world.a1, role="officer", profile=me)
    world.auth["officer"] = bearer(issuer, principal_for(officer, world.a1))
    service = await make_account(session, unit=p, role="service", kind="client")
    world.auth["service"] = bearer(issuer, principal_for(service, p, scopes=set()))
    return world


async def cccd_report(session: AsyncSession, profile: Profile, today: date) -> Report:
    """What the engine finds with the citizen-ID rules alone (they read only the record)."""
    return judge(await full_record(session, profile, CIPHER), Context(today=today), rules=CCCD_RULES)


def cccd_findings(body: dict[str, Any]) -> list[dict[str, Any]]:
    return [f for f in body["findings"] if f["code"].startswith("DUNG-CCCD-")]


def passed(body: dict[str, Any]) -> dict[str, bool]:
    return {c["criterion"]: c["passed"] for c in body["criteria"]}


def ids(profiles: list[Profile]) -> set[uuid.UUID]:
    return {p.id for p in profiles}
