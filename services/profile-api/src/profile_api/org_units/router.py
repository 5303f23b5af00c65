"""The organisation tree with its history: read as of any date; restructure with history kept. DOHA keeps the
whole province's tree; an agency restructures its own subtree (Điều 21 khoản 2); DOHA reads every change."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated, Literal

from fastapi import APIRouter, Query

from hoso_shared.db import DbSession
from hoso_shared.dependencies import Today
from hoso_shared.time import FIRST_DAY, LAST_DAY
from profile_api.dependencies import AppSettings, Cipher
from profile_api.org_units import identifiers, preview, restructuring, service
from profile_api.org_units.auth import OrgUnitsRead, OrgUnitsWrite
from profile_api.org_units.errors import (
    CHANGE_ERRORS,
    ERRORS,
    DistrictAbolished,
    ElectronicIdTaken,
    OrgCycle,
    OrgUnitCodeTaken,
    OrgUnitNotEmpty,
    OrgUnitNotFound,
    OutsideSubtree,
)
from profile_api.org_units.schemas import (
    OrgUnitChangePage,
    OrgUnitCreate,
    OrgUnitDissolve,
    OrgUnitIdentify,
    OrgUnitMerge,
    OrgUnitMove,
    OrgUnitPeople,
    OrgUnitRead,
    OrgUnitRename,
    OrgUnitSplit,
    OrgUnitTree,
    Restructuring,
    RestructuringPreview,
)
from profile_api.profiles.errors import InvalidCursor

router = APIRouter(prefix="/api/v1/org-units", tags=["org_units"])

AsOf = Annotated[date | None, Query(ge=FIRST_DAY, le=LAST_DAY,
                                    description="YYYY-MM-DD; defaults to today in Asia/Ho_Chi_Minh")]
ON_DATE = ("Units are as they stood on `as_of`, within the caller's subtree (the current path of the caller's "
           "unit). `valid_to` is exclusive.")
WRITERS = ("DOHA anywhere in the province; an agency admin within its own subtree (Điều 21 khoản 2). Every unit "
           "named must lie in the caller's subtree (else 404, as if absent: nothing is pulled in from outside), and "
           "the unit changed may not be the caller's own (403 `own-org-unit`: the level above restructures it). "
           "Audited, and recorded with its actor in `GET /api/v1/org-units/changes`. `effective_on` is never before "
           "a unit named existed nor before its current state began (422 `effective-date-too-early`), nor more than "
           "`HOSO_ORG_CHANGE_HORIZON_DAYS` ahead (422 `effective-date-too-late`).")
IDENTIFIED = (" `electronic_id` is checked against QĐ 20/2020/QĐ-TTg's structure (malformed: 422 whose `errors` "
              "name the field) and must be no other unit's (409 `electronic-id-taken`).")
DryRun = Annotated[bool, Query(description=(
    "Try the change without making it: every check runs as for the change itself (the same refusals), then "
    "everything is undone, and the answer (`dry_run: true`) says what it would do and names the people who would "
    "move (`moved_people`). Nothing is written, audited or recorded: a form's preview of who moves."))]
Outcome = Restructuring | RestructuringPreview
# Issue 20's guard rail: a change that ends a unit is confirmed by naming it.
CONFIRMED = (" The body repeats the unit's `code` in `confirm_unit_code`, exactly (nhập lại đúng mã đơn vị): "
             "missing or different, 422 `confirmation-mismatch`, checked once the unit is known to be in the "
             "caller's subtree.")


@router.get("", summary="The org tree as of a date, as a flat list ordered by path.", description=ON_DATE,
            responses=OrgUnitNotFound.openapi())
async def list_org_units(principal: OrgUnitsRead, session: DbSession, today: Today, as_of: AsOf = None,
                         root_id: Annotated[uuid.UUID | None, Query(description="Only this unit's subtree")] = None,
                         ) -> OrgUnitTree:
    return await service.list_tree(session, principal, as_of=as_of or today, root_id=root_id)


@router.get("/changes", summary="The recorded changes to the tree in the caller's subtree, newest first.",
            description="Every create, rename, move, merge, split and dissolution, with who made it (`actor_id`, "
                        "`actor_username`), when (`recorded_at`) and from which day it holds (`effective_on`). DOHA "
                        "(at the root) reads the whole province's; an agency those whose unit stood, or whose unit "
                        "or people went, in its subtree. Pass `next_cursor` back as `cursor` for the next page.",
            responses=InvalidCursor.openapi())
async def list_org_unit_changes(principal: OrgUnitsRead, session: DbSession,
                                org_unit_id: Annotated[uuid.UUID | None, Query(description="Only this unit's")] = None,
                                action: Literal["create", "rename", "move", "merge", "split", "dissolve"] | None = None,
                                cursor: Annotated[str | None, Query(max_length=20)] = None,
                                limit: Annotated[int, Query(ge=1, le=200)] = 50) -> OrgUnitChangePage:
    return await service.list_changes(session, principal, unit_id=org_unit_id, action=action, cursor=cursor,
                                      limit=limit)


@router.post("", status_code=201, summary="Create a unit under a parent in the caller's subtree.",
             description=WRITERS + " The parent may be the caller's own unit." + IDENTIFIED,
             responses={**ERRORS, **OrgUnitCodeTaken.openapi(), **DistrictAbolished.openapi(),
                        **ElectronicIdTaken.openapi()})
async def create_org_unit(principal: OrgUnitsWrite, session: DbSession, body: OrgUnitCreate, today: Today,
                          settings: AppSettings) -> OrgUnitRead:
    service.check_horizon(body.effective_on, today, settings.org_change_horizon_days)
    return await service.create_unit(session, principal, body)


@router.get("/{org_unit_id}", summary="One unit as of a date.", description=ON_DATE,
            responses=OrgUnitNotFound.openapi())
async def get_org_unit(org_unit_id: uuid.UUID, principal: OrgUnitsRead, session: DbSession, today: Today,
                       as_of: AsOf = None) -> OrgUnitRead:
    return await service.get_unit(session, principal, org_unit_id, as_of=as_of or today)


@router.get("/{org_unit_id}/people", summary="The people assigned to a unit on a date, a page at a time.",
            description="From the assignment history, so a past date reads back who was there then. By name, then "
                        "record id; pass `next_cursor` back as `cursor` (with the same `as_of`) for the next page. "
                        "A unit outside the caller's subtree is 404 whatever the cursor; a cursor this list did not "
                        "give is 400 `invalid-cursor`.",
            responses={**OrgUnitNotFound.openapi(), **InvalidCursor.openapi()})
async def list_org_unit_people(org_unit_id: uuid.UUID, principal: OrgUnitsRead, session: DbSession, today: Today,
                               as_of: AsOf = None,
                               cursor: Annotated[str | None, Query(max_length=64, description=(
                                   "The previous page's `next_cursor`"))] = None,
                               limit: Annotated[int, Query(ge=1, le=500, description="People per page")] = 50,
                               ) -> OrgUnitPeople:
    return await service.list_people(session, principal, org_unit_id, as_of=as_of or today, cursor=cursor,
                                     limit=limit)


@router.post("/{org_unit_id}/rename", summary="Rename a unit from a date on.", description=WRITERS + IDENTIFIED,
             responses={**CHANGE_ERRORS, **ElectronicIdTaken.openapi()})
async def rename_org_unit(org_unit_id: uuid.UUID, principal: OrgUnitsWrite, session: DbSession,
                          body: OrgUnitRename, today: Today,
                          settings: AppSettings) -> OrgUnitRead:
    service.check_horizon(body.effective_on, today, settings.org_change_horizon_days)
    return await service.rename_unit(session, principal, org_unit_id, body)


@router.put("/{org_unit_id}/electronic-id", summary="Give a unit its electronic identifier (mã định danh điện tử, "
                                                     "QĐ 20/2020/QĐ-TTg), or correct it.",
            description="Điều 19 khoản 2: a unit that syncs needs one before it submits a sync batch (approval-api "
                        "refuses the batch, naming the units without one). Packets built from then on carry it as "
                        "`agency_id`; packets already built keep theirs. Not effective-dated. Who may set it: as "
                        "for any edit of a unit — DOHA anywhere, an agency admin in its subtree, never the "
                        "caller's own unit (403 `own-org-unit`). Audited." + IDENTIFIED,
            responses={**CHANGE_ERRORS, **ElectronicIdTaken.openapi()})
async def set_org_unit_electronic_id(org_unit_id: uuid.UUID, principal: OrgUnitsWrite, session: DbSession,
                                     body: OrgUnitIdentify) -> OrgUnitRead:
    return await identifiers.identify_unit(session, principal, org_unit_id, body)


@router.post("/{org_unit_id}/move", summary="Move a unit (and its subtree) under another parent from a date on.",
             description=WRITERS + " The new parent may be the caller's own unit.",
             responses={**CHANGE_ERRORS, **OrgCycle.openapi()})
async def move_org_unit(org_unit_id: uuid.UUID, principal: OrgUnitsWrite, session: DbSession,
                        body: OrgUnitMove, today: Today,
                        settings: AppSettings) -> OrgUnitRead:
    service.check_horizon(body.effective_on, today, settings.org_change_horizon_days)
    return await service.move_unit(session, principal, org_unit_id, body)


@router.post("/{org_unit_id}/merge", summary="Merge a unit into another: its people, accounts and child units "
                                             "move to the target, and the unit closes (sáp nhập, hợp nhất).",
             description=WRITERS + CONFIRMED + " The target may be the caller's own unit.", responses=CHANGE_ERRORS)
async def merge_org_unit(org_unit_id: uuid.UUID, principal: OrgUnitsWrite, session: DbSession, cipher: Cipher,
                         body: OrgUnitMerge, today: Today,
                         settings: AppSettings, dry_run: DryRun = False) -> Outcome:
    service.check_horizon(body.effective_on, today, settings.org_change_horizon_days)
    change = restructuring.merge_unit(session, principal, cipher, org_unit_id, body)
    return await preview.dry_run(session, change) if dry_run else await change


@router.post("/{org_unit_id}/split", summary="Split new sibling units off a unit, moving the listed people "
                                             "and accounts; optionally close the unit (chia tách).",
             description=WRITERS + " The parts sit beside the unit, under its parent, which must also lie in the "
                         "caller's subtree (403 `outside-subtree`). With `close_source`:" + CONFIRMED,
             responses={**CHANGE_ERRORS, **OrgUnitNotEmpty.openapi(), **OutsideSubtree.openapi()})
async def split_org_unit(org_unit_id: uuid.UUID, principal: OrgUnitsWrite, session: DbSession, cipher: Cipher,
                         body: OrgUnitSplit, today: Today,
                         settings: AppSettings, dry_run: DryRun = False) -> Outcome:
    service.check_horizon(body.effective_on, today, settings.org_change_horizon_days)
    change = restructuring.split_unit(session, principal, cipher, org_unit_id, body)
    return await preview.dry_run(session, change) if dry_run else await change


@router.post("/{org_unit_id}/dissolve", summary="Dissolve a unit, moving whatever remains to another unit (giải thể).",
             description=WRITERS + CONFIRMED + " `move_to_id` may be the caller's own unit.",
             responses={**CHANGE_ERRORS, **OrgUnitNotEmpty.openapi()})
async def dissolve_org_unit(org_unit_id: uuid.UUID, principal: OrgUnitsWrite, session: DbSession, cipher: Cipher,
                            body: OrgUnitDissolve, today: Today,
                            settings: AppSettings, dry_run: DryRun = False) -> Outcome:
    service.check_horizon(body.effective_on, today, settings.org_change_horizon_days)
    change = restructuring.dissolve_unit(session, principal, cipher, org_unit_id, body)
    return await preview.dry_run(session, change) if dry_run else await change
