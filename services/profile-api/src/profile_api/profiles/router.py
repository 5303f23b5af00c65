from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Query, Response
from pydantic import BaseModel
from pydantic_core import to_json

from hoso_shared.auth import AnyPrincipal
from hoso_shared.db import DbSession
from hoso_shared.dependencies import Deadlines, Now, Today
from hoso_shared.form import SECTIONS, SENSITIVE_ITEMS, Category, ProfileItems, Status
from hoso_shared.problems import Forbidden, ValidationFailed
from profile_api.changes import create
from profile_api.changes.errors import ApprovalUnavailable, ProfileArchived
from profile_api.dependencies import Approval, Cipher
from profile_api.profiles import service, versions
from profile_api.profiles.errors import (
    CitizenIdTaken,
    InvalidCursor,
    InvalidSection,
    LegacyNotMappable,
    OrgUnitNotFound,
    ProfileNotFound,
    VersionNotFound,
)
from profile_api.profiles.schemas import (
    LegacyImport,
    ProfileCreate,
    ProfileFilter,
    ProfilePage,
    ProfileRead,
    RecordChecked,
    VersionDiff,
    VersionSummary,
)

router = APIRouter(prefix="/api/v1/profiles", tags=["profiles"])
LISTABLE_FIELDS = frozenset(ProfileItems.model_fields) - SENSITIVE_ITEMS
MAX_IDS = 100  # `ids=`: one page's worth of people to name, never a whole unit


def as_json(model: BaseModel) -> Response:
    """The hot read paths build their model once; returning it as bytes skips FastAPI's second
    validation pass against `response_model` (which still documents the shape)."""
    return Response(model.model_dump_json(), media_type="application/json")


def _fields(fields: str | None) -> list[str] | None:
    if not fields:
        return None
    wanted = [f.strip() for f in fields.split(",") if f.strip()]
    unknown = sorted(set(wanted) - LISTABLE_FIELDS)
    if unknown:
        raise ValidationFailed("Unknown or sensitive fields in `fields=`.", unknown=unknown)
    return wanted


PENDING = ("The new record is **pending** (hanoi-2024 Điều 7: approvers approve new data as well as updates): "
           "`pending` true, `version` 0, no outbox row; only its agency's HR and approvers read it (by id), it is not "
           "listed, counted or synced. `create_request_id` names the `create` change request submitted for it; when "
           "the unit's approver approves it, the record becomes version 1 and is announced to the national sync.")


@router.post("", status_code=201, summary="Create a profile (agency HR, DOHA, HR systems) in the caller's subtree.",
             description=PENDING,
             responses={**OrgUnitNotFound.openapi(), **CitizenIdTaken.openapi(), **InvalidSection.openapi(),
                        **ApprovalUnavailable.openapi()})
async def create_profile(body: ProfileCreate, principal: AnyPrincipal, session: DbSession, cipher: Cipher,
                         today: Today, approval: Approval, policy: Deadlines) -> ProfileRead:
    profile = await service.create_profile(session, principal, body, cipher, today=today)
    return await create.submit_create(session, principal, profile, approval, cipher, policy, today)


@router.post("/incoming", status_code=201, summary="Create the record of a person transferred in from another "
             "province, from the record pulled from the national database (sync-gateway hands it over).",
             description="`incoming_on` is required: from that date an account is due within 10 working days. "
                         + PENDING,
             responses={**OrgUnitNotFound.openapi(), **CitizenIdTaken.openapi(), **ApprovalUnavailable.openapi()})
async def create_incoming(body: ProfileCreate, principal: AnyPrincipal, session: DbSession, cipher: Cipher,
                          today: Today, approval: Approval, policy: Deadlines) -> ProfileRead:
    if body.incoming_on is None:
        raise ValidationFailed("`incoming_on` is required for an incoming person.")
    return await create_profile(body, principal, session, cipher, today, approval, policy)


@router.post("/legacy", status_code=201, summary="Create a profile from a record on an older form (2C-BNV/2008, "
             "2C/TCTW-98).", description=PENDING, responses={
                 **OrgUnitNotFound.openapi(), **CitizenIdTaken.openapi(), **LegacyNotMappable.openapi(),
                 **ApprovalUnavailable.openapi()})
async def import_legacy(body: LegacyImport, principal: AnyPrincipal, session: DbSession, cipher: Cipher,
                        today: Today, approval: Approval, policy: Deadlines) -> ProfileRead:
    profile = await service.import_legacy(session, principal, body, cipher, today=today)
    return await create.submit_create(session, principal, profile, approval, cipher, policy, today)


@router.get("", summary="List the profiles the caller may see, a page at a time.",
            description="Scoped to the caller's org subtree (an officer sees only their own record). Filters "
                        "combine; `citizen_id` is matched through its keyed hash. `fields=a,b` adds those "
                        "(non-sensitive) items to each row. Pass `next_cursor` back as `cursor`.",
            responses=InvalidCursor.openapi(), response_model=ProfilePage)
async def list_profiles(
    principal: AnyPrincipal, session: DbSession, cipher: Cipher,
    org_unit_id: Annotated[uuid.UUID | None, Query(description="Only this unit's subtree")] = None,
    status: Status | None = None,
    category: Category | None = None,
    rank_code: Annotated[str | None, Query(max_length=20)] = None,
    name_prefix: Annotated[str | None, Query(min_length=1, max_length=100)] = None,
    citizen_id: Annotated[str | None, Query(pattern=r"^\d{12}$")] = None,
    include_archived: bool = False,
    ids: Annotated[list[uuid.UUID] | None, Query(max_length=MAX_IDS, description=(
        f"Only these records (repeatable, at most {MAX_IDS}): a page that names people it already holds reads "
        "just those. Those outside the caller's subtree are simply not listed."))] = None,
    fields: Annotated[str | None, Query(max_length=1000)] = None,
    cursor: Annotated[str | None, Query(max_length=64)] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> Response:
    flt = ProfileFilter(org_unit_id=org_unit_id, status=status, category=category, rank_code=rank_code,
                        name_prefix=name_prefix, include_archived=include_archived,
                        ids=tuple(dict.fromkeys(ids)) if ids is not None else None,
                        citizen_id_hmac=cipher.lookup_hash(citizen_id, field="citizen_id") if citizen_id else None)
    page = await service.list_profiles(session, principal, flt, cursor=cursor, limit=limit, fields=_fields(fields))
    return Response(to_json(page), media_type="application/json")


@router.get("/sections", summary="The repeating tables of the form: names, form items, row schemas.")
async def list_sections() -> dict[str, Any]:
    return {name: {"form_item": item, "sensitive": sensitive, "row_schema": model.model_json_schema()}
            for name, (item, model, sensitive) in SECTIONS.items()}


@router.get("/{profile_id}", summary="Read one profile: items, tables, pending changes.",
            description="Sensitive items and tables are included for roles that need them (and for the person "
                        "themself); each such read is written to the audit log. A person an approver lent their "
                        "decisions to (approval-api's delegations) reads, while the delegation holds, the records "
                        "of the submitted requests they may decide, as that approver would.",
            responses=ProfileNotFound.openapi(), response_model=ProfileRead)
async def get_profile(profile_id: uuid.UUID, principal: AnyPrincipal, session: DbSession,
                      cipher: Cipher, today: Today) -> Response:
    return as_json(await service.get_profile(session, principal, profile_id, cipher, today))


@router.post("/{profile_id}/review", summary="The person confirms: \"I have checked my record\" (sets its "
             "`reviewed_at`).", description=(
                 "Only the person themself, on their own record (hanoi-2024 Điều 12 khoản 1 điểm b, Điều 16 khoản "
                 "2: each officer checks their data). Audited; the record and its version do not change. The Sống "
                 "rules read the date: SONG-REVIEW-002 while never checked, SONG-REVIEW-001 once older than the "
                 "policy's `review_months`. Anyone else: 403 (or 404 outside their reach); an archived record: 409."),
             responses={**ProfileNotFound.openapi(), **Forbidden.openapi(), **ProfileArchived.openapi()})
async def check_own_record(profile_id: uuid.UUID, principal: AnyPrincipal, session: DbSession,
                           now: Now) -> RecordChecked:
    return await service.check_own_record(session, principal, profile_id, now)


@router.get("/{profile_id}/versions", summary="The approved versions of a profile, oldest first.",
            responses=ProfileNotFound.openapi())
async def list_versions(profile_id: uuid.UUID, principal: AnyPrincipal, session: DbSession) -> list[VersionSummary]:
    profile = await service.load_visible(session, principal, profile_id)
    return await versions.list_versions(session, profile)


@router.get("/{profile_id}/versions/{from_version}/diff/{to_version}",
            summary="What changed between two versions of a profile.",
            responses={**ProfileNotFound.openapi(), **VersionNotFound.openapi()})
async def diff_versions(profile_id: uuid.UUID, from_version: int, to_version: int, principal: AnyPrincipal,
                        session: DbSession, cipher: Cipher) -> VersionDiff:
    profile = await service.load_visible(session, principal, profile_id)
    result = await versions.diff_versions(session, profile, from_version, to_version, cipher)
    if not service.sees_sensitive(principal, profile):
        result.changes.get("items", {}).update(
            {k: "[sensitive]" for k in list(result.changes.get("items", {})) if k in SENSITIVE_ITEMS})
        for name in [n for n in result.changes.get("sections", {}) if SECTIONS[n][2]]:
            result.changes["sections"][name] = "[sensitive]"
    return result


@router.get("/{profile_id}/{section}", summary="Read one of the record's tables (as approved).",
            responses={**ProfileNotFound.openapi(), **InvalidSection.openapi()})
async def list_section_rows(profile_id: uuid.UUID, section: str, principal: AnyPrincipal, session: DbSession,
                            cipher: Cipher) -> list[dict[str, Any]]:
    return await service.get_section(session, principal, profile_id, section, cipher)
