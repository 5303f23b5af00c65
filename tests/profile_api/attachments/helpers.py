from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from hoso_shared.auth import TokenIssuer
from hoso_shared.db.models import Account, OrgUnit, Profile
from tests.factories import bearer, make_account, make_profile, make_unit, principal_for

PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 64
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 64


@dataclass
class Office:
    a: OrgUnit
    b: OrgUnit
    mine: Profile
    neighbour: Profile
    officer: Account
    other_officer: Account
    admin_a: Account
    admin_b: Account


async def office(session: AsyncSession) -> Office:
    root = await make_unit(session, type="doha")
    a, b = await make_unit(session, parent=root), await make_unit(session, parent=root)
    mine, neighbour = await make_profile(session, unit=a), await make_profile(session, unit=a)
    return Office(a=a, b=b, mine=mine, neighbour=neighbour,
                  officer=await make_account(session, unit=a, role="officer", profile=mine),
                  other_officer=await make_account(session, unit=a, role="officer", profile=neighbour),
                  admin_a=await make_account(session, unit=a, role="agency_admin"),
                  admin_b=await make_account(session, unit=b, role="agency_admin"))


def auth(issuer: TokenIssuer, account: Account, unit: OrgUnit) -> dict[str, str]:
    return bearer(issuer, principal_for(account, unit))


def url(profile: Profile) -> str:
    return f"/api/v1/profiles/{profile.id}/attachments"
