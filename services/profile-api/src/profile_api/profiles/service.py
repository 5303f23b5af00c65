"""Reading profiles, always through the caller's subtree (or, for an officer, their own record)."""

from __future__ import annotations

import base64
import binascii
import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from hoso_shared.auth import Principal
from hoso_shared.crypto import FieldCipher, mask_citizen_id
from hoso_shared.db.models import Profile
from hoso_shared.problems import Forbidden
from profile_api.profiles import queries
from profile_api.profiles.errors import InvalidCursor, ProfileNotFound
from profile_api.profiles.schemas import ProfileFilter, ProfilePage, ProfileRead, ProfileSummary

READ_ALL, READ_SELF = "profiles:read", "profiles:read:self"


def _self_only(principal: Principal) -> bool:
    if principal.has_scopes(READ_ALL):
        return False
    if principal.has_scopes(READ_SELF) and principal.profile_id is not None:
        return True
    raise Forbidden("The token lacks a scope to read profiles.", missing_scopes=[READ_ALL])


async def get_profile(session: AsyncSession, principal: Principal, profile_id: uuid.UUID,
                      cipher: FieldCipher) -> ProfileRead:
    profile = await queries.visible_profile(session, principal, profile_id,
                                            self_only=_self_only(principal))
    if profile is None:
        raise ProfileNotFound()  # not 403: do not confirm that someone else's record exists
    return to_read(profile, cipher)


def to_read(profile: Profile, cipher: FieldCipher) -> ProfileRead:
    citizen_id = cipher.decrypt(profile.citizen_id_enc, profile.key_id, field="citizen_id")
    return ProfileRead.model_validate({
        **{k: getattr(profile, k) for k in ProfileRead.model_fields if hasattr(profile, k)},
        "citizen_id_masked": mask_citizen_id(citizen_id),
    })


def encode_cursor(last_id: uuid.UUID) -> str:
    return base64.urlsafe_b64encode(last_id.bytes).rstrip(b"=").decode()


def decode_cursor(cursor: str) -> uuid.UUID:
    try:
        return uuid.UUID(bytes=base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (binascii.Error, ValueError):
        raise InvalidCursor() from None


async def list_profiles(session: AsyncSession, principal: Principal, flt: ProfileFilter, *,
                        cursor: str | None, limit: int) -> ProfilePage:
    self_only = _self_only(principal)
    within = None
    if flt.org_unit_id is not None:
        within = await queries.unit_path(session, flt.org_unit_id)
        if within is None or not principal.covers(within):
            return ProfilePage(items=[], next_cursor=None)
    after = decode_cursor(cursor) if cursor else None
    rows = await queries.list_visible_profiles(session, principal, flt, self_only=self_only,
                                               after=after, limit=limit + 1, within_path=within)
    items = [ProfileSummary.model_validate(p) for p in rows[:limit]]
    next_cursor = encode_cursor(rows[limit - 1].id) if len(rows) > limit else None
    return ProfilePage(items=items, next_cursor=next_cursor)
