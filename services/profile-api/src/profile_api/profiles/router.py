from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Query, Response
from pydantic import BaseModel
from pydantic_core import to_json

from hoso_shared.auth import AnyPrincipal, Principal, clearance_of
from hoso_shared.auth.clearance import OWN_RECORD
from hoso_shared.db import DbSession
from hoso_shared.dependencies import Deadlines, Now, Today
from hoso_shared.form import (
    ITEM_LEVELS,
    SECTION_LEVELS,
    SECTIONS,
    SENSITIVE_ITEMS,
    Category,
    ProfileItems,
    Status,
    access,
)
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
    LevelWithheld,
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


def _fields(fields: str | None, principal: Principal) -> list[str] | None:
    if not fields:
        return None
    wanted = [f.strip() for f in fields.split(",") if f.strip()]
    unknown = sorted(set(wanted) - LISTABLE_FIELDS)
    if unknown:
        raise ValidationFailed("Unknown or sensitive fields in `fields=`.", unknown=unknown)
    # Those without `profiles:read` list their own record only, which they read whole.
    level = clearance_of(principal) if principal.has_scopes(service.READ_ALL) else OWN_RECORD
    above = sorted(f for f in wanted if not access.item_visible(f, level))
    if above:
        raise LevelWithheld("Có mục ở mức hạn chế tiếp cận cao hơn mức bạn được đọc. — Some fields are above your "
                            "clearance.", fields=above, clearance=level)
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
                        "(non-sensitive) items, up to the caller's clearance, to each row. Pass `next_cursor` back "
                        "as `cursor`.",
            responses={**InvalidCursor.openapi(), **LevelWithheld.openapi()}, response_model=ProfilePage)
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
    page = await service.list_profiles(session, principal, flt, cursor=cursor, limit=limit,
                                       fields=_fields(fields, principal))
    return Response(to_json(page), media_type="application/json")


@router.get("/sections", summary="The repeating tables of the form: names, form items, levels, row schemas.",
            description="Each table's `level` is its degree of access restriction (độ hạn chế tiếp cận, Quy chế Hà "
                        "Nội 2024 Điều 4 khoản 3): 0 public within the agency's HR, 1 HR and approvers of the "
                        "person's unit, 2 personal and sensitive, 3 political and Party records; a caller reads what "
                        "is at or below their level. `items` gives each scalar item's level the same way "
                        "(docs/access-levels.md says why each is where it is).")
async def list_sections() -> dict[str, Any]:
    tables = {name: {"form_item": item, "sensitive": sensitive, "level": int(SECTION_LEVELS[name]),
                     "row_schema": model.model_json_schema()}
              for name, (item, model, sensitive) in SECTIONS.items()}
    return {**tables, "items": {name: int(level) for name, level in ITEM_LEVELS.items()}}


@router.get("/{profile_id}", summary="Read one profile: items, tables, pending changes.",
            description="Items and tables are returned up to the `level` the caller reads the record at (Quy chế Hà "
                        "Nội 2024 Điều 4 khoản 3): the person their whole record; others their clearance in their "
                        "subtree, raised by an active written grant (POST /api/v1/access-grants, Điều 8 khoản 3), "
                        "which also opens records beyond the subtree. What is above is absent and named in "
                        "`withheld`. Reads of level 2 or above are written to the audit log. A person an approver "
                        "lent their decisions to (approval-api's delegations) reads, while the delegation holds, the "
                        "records of the submitted requests they may decide, as that approver would.",
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
            description="Read as GET /profiles/{id} reads it (subtree, lent sight or written grant); `changed` names "
                        "only the items and tables at or below the level the caller reads the record at.",
            responses=ProfileNotFound.openapi())
async def list_versions(profile_id: uuid.UUID, principal: AnyPrincipal, session: DbSession,
                        today: Today) -> list[VersionSummary]:
    profile, _, level = await service.load_for_reading(session, principal, profile_id, today)
    return [v.model_copy(update={"changed": masked_names(v.changed, level)})
            for v in await versions.list_versions(session, profile)]


@router.get("/{profile_id}/versions/{from_version}/diff/{to_version}",
            summary="What changed between two versions of a profile.",
            description="Items and tables above the level the caller reads the record at show as \"[sensitive]\" "
                        "and are listed in `withheld`.",
            responses={**ProfileNotFound.openapi(), **VersionNotFound.openapi()})
async def diff_versions(profile_id: uuid.UUID, from_version: int, to_version: int, principal: AnyPrincipal,
                        session: DbSession, cipher: Cipher, today: Today) -> VersionDiff:
    profile, _, level = await service.load_for_reading(session, principal, profile_id, today)
    result = await versions.diff_versions(session, profile, from_version, to_version, cipher)
    changed_items = result.changes.get("items", {})
    changed_items.update({k: "[sensitive]" for k in list(changed_items) if not access.item_visible(k, level)})
    for name in [n for n in result.changes.get("sections", {}) if not access.section_visible(n, level)]:
        result.changes["sections"][name] = "[sensitive]"
    result.withheld = access.withheld(level)
    return result


def masked_names(names: list[str], level: int) -> list[str]:
    """Item and table names above `level` are left out of a version's `changed`."""
    return [n for n in names if access.item_visible(n, level) and access.section_visible(n, level)]


@router.get("/{profile_id}/{section}", summary="Read one of the record's tables (as approved).",
            description="Read as GET /profiles/{id} reads it (subtree, lent sight or written grant). A table above "
                        "the level the caller reads the record at is 403 `level-withheld`; one at level 2 or above "
                        "is audited as read.",
            responses={**ProfileNotFound.openapi(), **InvalidSection.openapi(), **LevelWithheld.openapi()})
async def list_section_rows(profile_id: uuid.UUID, section: str, principal: AnyPrincipal, session: DbSession,
                            cipher: Cipher, today: Today) -> list[dict[str, Any]]:
    return await service.get_section(session, principal, profile_id, section, cipher, today)
