from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Request

from hoso_shared.auth import AnyPrincipal
from hoso_shared.db import DbSession
from profile_api.profiles import service
from profile_api.profiles.errors import InvalidCursor, ProfileNotFound
from profile_api.profiles.schemas import Category, ProfileFilter, ProfilePage, ProfileRead, Status

router = APIRouter(prefix="/api/v1/profiles", tags=["profiles"])


@router.get("", summary="List the profiles the caller may see, a page at a time.",
            description="Scoped to the caller's org subtree (an officer sees only their own record). "
                        "Pass `next_cursor` back as `cursor` for the next page.",
            responses=InvalidCursor.openapi())
async def list_profiles(
    principal: AnyPrincipal, session: DbSession,
    org_unit_id: Annotated[uuid.UUID | None, Query(description="Only this unit's subtree")] = None,
    status: Status | None = None,
    category: Category | None = None,
    name_prefix: Annotated[str | None, Query(min_length=1, max_length=100)] = None,
    cursor: Annotated[str | None, Query(max_length=64)] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> ProfilePage:
    flt = ProfileFilter(org_unit_id=org_unit_id, status=status, category=category, name_prefix=name_prefix)
    return await service.list_profiles(session, principal, flt, cursor=cursor, limit=limit)


@router.get("/{profile_id}", summary="Read one profile.", responses=ProfileNotFound.openapi())
async def get_profile(profile_id: uuid.UUID, principal: AnyPrincipal, session: DbSession,
                      request: Request) -> ProfileRead:
    return await service.get_profile(session, principal, profile_id, request.app.state.field_cipher)
