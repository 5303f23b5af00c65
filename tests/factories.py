"""Async builders: each adds, flushes and returns a row inside the test's transaction."""

from __future__ import annotations

import random
import uuid
from datetime import date
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from hoso_devstack.demo import citizen_id
from hoso_shared import records
from hoso_shared.auth import Principal, TokenIssuer, scopes_for_roles
from hoso_shared.auth.passwords import hash_secret_sync
from hoso_shared.crypto import FieldCipher
from hoso_shared.db.models import Account, OrgUnit, Profile, ProfileVersion
from hoso_shared.settings import CommonSettings

CIPHER = FieldCipher.from_settings(CommonSettings(env="test", lookup_hmac_key="test-lookup-key"))
_rng = random.Random(7)
_used: set[str] = set()


async def make_unit(session: AsyncSession, *, parent: OrgUnit | None = None, type: str = "department",
                    name: str | None = None, identified: bool = True) -> OrgUnit:
    """`identified`: the unit has a QĐ 20/2020/QĐ-TTg electronic identifier (made from its id), as a unit that
    syncs must (Điều 19 khoản 2)."""
    unit_id = uuid.uuid4()
    h = unit_id.hex.upper()
    unit = OrgUnit(id=unit_id, code=f"T.{unit_id.hex[:10]}", name=name or f"Đơn vị {unit_id.hex[:6]}",
                   type=type, parent_id=parent.id if parent else None,
                   path=(parent.path if parent else "/") + unit_id.hex + "/",
                   electronic_id=f"{h[:3]}.{h[3:6]}.{h[6:9]}.{h[9:11]}.{h[11:13]}.H26" if identified else None)
    session.add(unit)
    await session.flush()
    return unit


async def make_profile(session: AsyncSession, *, unit: OrgUnit, items: dict[str, Any] | None = None,
                       **overrides: Any) -> Profile:
    """A profile written through the real storage code (columns, JSONB, sealed sensitive part)."""
    birth, sex = overrides.pop("birth_date", date(1985, 5, 17)), overrides.pop("sex", "F")
    cid = overrides.pop("citizen_id", None) or citizen_id(_rng, birth, sex, _used)
    values: dict[str, Any] = {
        "full_name": overrides.pop("full_name", "Nguyễn Thị Lan"), "sex": sex, "birth_date": birth.isoformat(),
        "citizen_id": cid, "rank_code": overrides.pop("rank_code", "01.003"), "ethnicity_code": "01",
        **(items or {}),
    }
    row: dict[str, Any] = {"category": "cong_chuc", "status": "active", "version": 1, **overrides}
    profile = Profile(id=uuid.uuid4(), org_unit_id=unit.id, data={}, **row)
    records.apply_items(profile, values, CIPHER)
    session.add(profile)
    await session.flush()
    sealed, key_id, digest = records.seal_snapshot(records.snapshot(profile, values, {}), CIPHER)
    session.add(ProfileVersion(profile_id=profile.id, version=profile.version, snapshot_enc=sealed, key_id=key_id,
                               digest=digest, changed=sorted(values), reason="created"))
    await session.flush()
    return profile


async def make_account(session: AsyncSession, *, unit: OrgUnit, role: str = "agency_admin",
                       password: str = "correct horse battery", kind: str = "person",
                       must_change: bool = False, profile: Profile | None = None,
                       scopes: list[str] | None = None, username: str | None = None) -> Account:
    account = Account(
        id=uuid.uuid4(), username=username or f"u{uuid.uuid4().hex[:10]}", display_name="Người dùng thử",
        kind=kind, roles=[role], scopes=scopes or [], org_unit_id=unit.id,
        profile_id=profile.id if profile else None, secret_hash=hash_secret_sync(password),
        must_change_password=must_change,
    )
    session.add(account)
    await session.flush()
    return account


def principal_for(account: Account, unit: OrgUnit, *, scopes: set[str] | None = None) -> Principal:
    return Principal(subject=account.id, username=account.username, roles=frozenset(account.roles),
                     scopes=frozenset(scopes if scopes is not None else scopes_for_roles(account.roles)),
                     org_unit_id=unit.id, org_path=unit.path, profile_id=account.profile_id)


def bearer(issuer: TokenIssuer, principal: Principal, audience: str = "hoso-api") -> dict[str, str]:
    token, _ = issuer.mint(principal=principal, audience=audience)
    return {"Authorization": f"Bearer {token}"}
