"""The org tree as of any date, and the edits of one unit (create, rename, move).

History is never rewritten: a change closes the open period at `effective_on` (exclusive) and opens
a new one from that day; the unit's own row carries its latest state. Everything is confined to the
caller's subtree, taken from the *current* path of the caller's unit (a token may predate a move): DOHA
at the root keeps the whole tree, an agency restructures its own subtree (Điều 21 khoản 2) but not the
unit it sits in, which the level above it restructures. Every change is audited and recorded with its
actor in `org_unit_changes`, which DOHA reads for the whole province (`list_changes`).
"""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from typing import Any

from pydantic_core import to_jsonable_python
from sqlalchemy.ext.asyncio import AsyncSession

from hoso_shared.auth import Principal
from profile_api.audit import service as audit
from profile_api.org_units import queries
from profile_api.org_units.errors import (
    ConfirmationMismatch,
    DistrictAbolished,
    EffectiveDateTooEarly,
    EffectiveDateTooLate,
    ElectronicIdTaken,
    InvalidRestructuring,
    OrgCycle,
    OrgUnitClosed,
    OrgUnitCodeTaken,
    OrgUnitNotFound,
    OwnOrgUnit,
)
from profile_api.org_units.schemas import (
    DISTRICTS_ABOLISHED_ON,
    OrgUnitChangePage,
    OrgUnitChangeRead,
    OrgUnitCreate,
    OrgUnitMove,
    OrgUnitPeople,
    OrgUnitRead,
    OrgUnitRename,
    OrgUnitTree,
    PersonAssignment,
    Unit,
)
from profile_api.profiles.errors import InvalidCursor
from profile_api.profiles.service import decode_cursor, encode_cursor

ENTITY = "org_unit"


async def scope_of(session: AsyncSession, principal: Principal) -> str:
    """The caller's subtree: their unit's current path."""
    return await queries.unit_path(session, principal.org_unit_id) or principal.org_path


async def list_tree(session: AsyncSession, principal: Principal, *, as_of: date,
                    root_id: uuid.UUID | None) -> OrgUnitTree:
    scope = await scope_of(session, principal)
    within = None
    if root_id is not None:
        within = (await _visible(session, scope, root_id, as_of)).path
    rows = await queries.tree_as_of(session, as_of, scope, within=within)
    return OrgUnitTree(as_of=as_of, items=[OrgUnitRead.model_validate(dict(row)) for row in rows])


async def get_unit(session: AsyncSession, principal: Principal, unit_id: uuid.UUID, *, as_of: date) -> OrgUnitRead:
    return await _visible(session, await scope_of(session, principal), unit_id, as_of)


async def list_people(session: AsyncSession, principal: Principal, unit_id: uuid.UUID, *,
                      as_of: date, cursor: str | None, limit: int) -> OrgUnitPeople:
    """A page of who belonged to the unit on `as_of`, from the assignment history. The unit is checked to be in
    the caller's subtree before the cursor is read or anyone is looked up."""
    await get_unit(session, principal, unit_id, as_of=as_of)
    after = decode_cursor(cursor) if cursor else None
    rows = await queries.people_as_of(session, unit_id, as_of, after=after, limit=limit + 1)
    items = [PersonAssignment.model_validate(dict(row)) for row in rows[:limit]]
    more = encode_cursor(items[-1].profile_id) if len(rows) > limit else None
    return OrgUnitPeople(org_unit_id=unit_id, as_of=as_of, items=items, next_cursor=more)


async def list_changes(session: AsyncSession, principal: Principal, *, unit_id: uuid.UUID | None,
                       action: str | None, cursor: str | None, limit: int) -> OrgUnitChangePage:
    """The recorded changes that touched the caller's subtree, newest first (DOHA: the whole province)."""
    try:
        before_id = int(cursor) if cursor else None
    except ValueError:
        raise InvalidCursor() from None
    rows = await queries.changes(session, await scope_of(session, principal), unit_id=unit_id, action=action,
                                 before_id=before_id, limit=limit + 1)
    items = [OrgUnitChangeRead.model_validate(dict(row)) for row in rows[:limit]]
    return OrgUnitChangePage(items=items, next_cursor=str(items[-1].id) if len(rows) > limit else None)


async def _visible(session: AsyncSession, scope: str, unit_id: uuid.UUID, as_of: date) -> OrgUnitRead:
    row = await queries.unit_as_of(session, unit_id, as_of, scope)
    if row is None:
        raise OrgUnitNotFound(f"No unit {unit_id} in your subtree on {as_of}.")  # 404, never 403: no leak
    return OrgUnitRead.model_validate(dict(row))


async def latest(session: AsyncSession, unit_id: uuid.UUID) -> OrgUnitRead:
    return OrgUnitRead.model_validate(dict(await queries.latest_state(session, unit_id)))


# --- guards shared by every write ----------------------------------------------------------------


async def lock_for_write(session: AsyncSession, scope: str, *ids: uuid.UUID) -> dict[uuid.UUID, Unit]:
    """Locks the units a write involves: 404 for any missing or outside the caller's subtree, then
    409 for any already closed (in that order, so a closed unit elsewhere stays unseen)."""
    units = await queries.lock_units(session, ids)
    for unit_id in ids:
        if unit_id not in units or not units[unit_id].path.startswith(scope):
            raise OrgUnitNotFound(f"No unit {unit_id} in your subtree.")
    for unit in units.values():
        if unit.closed:
            raise OrgUnitClosed(f"Unit {unit.code} was closed on {unit.valid_to}.", org_unit_id=str(unit.id))
    return units


def check_not_own(principal: Principal, unit: Unit) -> None:
    """Nobody restructures the unit they sit in (an agency does not rename, move, merge, split or dissolve itself:
    the level above does); the province's root, which has no level above, is its own administrators'."""
    if unit.id == principal.org_unit_id and unit.parent_id is not None:
        raise OwnOrgUnit(f"{unit.code} is your own unit: the level above you restructures it.",
                         org_unit_id=str(unit.id))


def check_effective(on: date, *units: Unit) -> None:
    """Not before a unit existed, nor before its current state began (history is never rewritten)."""
    for unit in units:
        if on < unit.valid_from:
            raise EffectiveDateTooEarly(f"Unit {unit.code} exists from {unit.valid_from}; a change cannot take effect "
                                        f"before the unit existed.", org_unit_id=str(unit.id),
                                        existed_from=unit.valid_from.isoformat())
        if unit.since is not None and on < unit.since:
            raise EffectiveDateTooEarly(f"Unit {unit.code} is in its current state since {unit.since}; a change "
                                        f"cannot take effect before that.", org_unit_id=str(unit.id),
                                        current_since=unit.since.isoformat())


# What each destructive action is called in the detail a person reads.
ENDING = {"merge": "sáp nhập", "split": "chia tách", "dissolve": "giải thể"}


def check_confirmed(action: str, unit: Unit, given: str | None, *, required: bool = True) -> None:
    """A change that ends `unit` names its code again, exactly (issue 20's guard rail). Checked only once the unit is
    known to be in the caller's subtree, so the code is never told about a unit beyond it."""
    if given == unit.code or (given is None and not required):
        return
    raise ConfirmationMismatch(f"Để {ENDING[action]} đơn vị {unit.name}, nhập đúng mã đơn vị {unit.code} vào trường "
                               f"confirm_unit_code.", org_unit_id=str(unit.id), expected_code=unit.code)


def check_horizon(on: date, today: date, horizon_days: int) -> None:
    """A change takes effect at most `horizon_days` ahead (setting `HOSO_ORG_CHANGE_HORIZON_DAYS`): a decision of
    restructuring is dated within the year ahead, and a typo of the year (3122 for 2022) is caught."""
    if on > today + timedelta(days=horizon_days):
        raise EffectiveDateTooLate(f"A change may take effect at most {horizon_days} days ahead (until "
                                   f"{(today + timedelta(days=horizon_days)).isoformat()}).",
                                   horizon_days=horizon_days)


def check_type(type_: str, on: date) -> None:
    if type_ == "district" and on >= DISTRICTS_ABOLISHED_ON:
        raise DistrictAbolished("Local government has two levels from 2025-07-01: use ward, commune or "
                                "special_zone, or an effective date before then for a legacy district.")


async def check_codes_free(session: AsyncSession, codes: list[str]) -> None:
    if len(set(codes)) != len(codes):
        raise InvalidRestructuring("The same code is given twice.")
    taken = await queries.taken_codes(session, codes)
    if taken:
        raise OrgUnitCodeTaken(f"Code(s) already used: {', '.join(sorted(taken))}.", codes=sorted(taken))


async def check_electronic_id_free(session: AsyncSession, electronic_id: str | None, *,
                                   unit_id: uuid.UUID | None = None) -> None:
    """Refuses an electronic identifier another unit holds (the unit's own, given again, is fine)."""
    holder = await queries.electronic_id_holder(session, electronic_id) if electronic_id else None
    if holder is not None and holder[0] != unit_id:
        raise ElectronicIdTaken(f"Mã định danh {electronic_id} đã được cấp cho đơn vị {holder[1]}. / "
                                f"{electronic_id} is the identifier of {holder[1]}.", field="electronic_id",
                                holder=holder[1])


def period(unit: Unit, on: date, event: str, *, ref: uuid.UUID | None = None, **changes: Any) -> dict[str, Any]:
    """A new period row for `unit` from `on`: its current state with `changes` applied."""
    row = {"org_unit_id": unit.id, "name": unit.name, "type": unit.type, "parent_id": unit.parent_id,
           "path": unit.path, "valid_from": on, "valid_to": None, "event": event, "event_ref": ref}
    return {**row, **changes}


async def note_change(session: AsyncSession, principal: Principal, action: str, unit_id: uuid.UUID, path: str,
                      on: date, detail: dict[str, Any], *, to_path: str | None = None) -> None:
    """The readable record of a change: who, when, from which day, what (`org_unit_changes`)."""
    await queries.add_change(session, {"org_unit_id": unit_id, "action": action, "effective_on": on, "path": path,
                                       "to_path": to_path, "detail": detail, "actor_id": principal.subject})


async def record(session: AsyncSession, principal: Principal, action: str, unit: Unit, after: dict[str, Any], *,
                 detail: dict[str, Any], to_path: str | None = None) -> None:
    """Audits a change of an existing unit and notes it (`after` carries its `effective_on`)."""
    # The unit's UUIDs and dates as their JSON strings (what `str` gives, so the digests keep their bytes).
    await audit.record(session, principal, f"org_unit.{action}", ENTITY, unit.id,
                       before=to_jsonable_python(unit), after=after, fields=sorted(after))
    await note_change(session, principal, action, unit.id, unit.path, date.fromisoformat(after["effective_on"]),
                      detail, to_path=to_path)


# --- single-unit edits --------------------------------------------------------------------------


async def add_unit(session: AsyncSession, *, code: str, name: str, type_: str, parent: Unit, on: date,
                   event: str, ref: uuid.UUID | None, electronic_id: str | None = None) -> OrgUnitRead:
    unit_id = uuid.uuid4()
    path = f"{parent.path}{unit_id.hex}/"
    await queries.add_unit(session, {"id": unit_id, "code": code, "name": name, "type": type_,
                                     "parent_id": parent.id, "path": path, "valid_from": on,
                                     "electronic_id": electronic_id})
    await queries.add_periods(session, [{"org_unit_id": unit_id, "name": name, "type": type_, "parent_id": parent.id,
                                         "path": path, "valid_from": on, "valid_to": None, "event": event,
                                         "event_ref": ref}])
    return OrgUnitRead(id=unit_id, code=code, electronic_id=electronic_id, name=name, type=type_,
                       parent_id=parent.id, path=path, valid_from=on, valid_to=None)


async def create_unit(session: AsyncSession, principal: Principal, data: OrgUnitCreate) -> OrgUnitRead:
    check_type(data.type, data.effective_on)
    scope = await scope_of(session, principal)
    parent = (await lock_for_write(session, scope, data.parent_id))[data.parent_id]
    check_effective(data.effective_on, parent)
    await check_codes_free(session, [data.code])
    await check_electronic_id_free(session, data.electronic_id)
    created = await add_unit(session, code=data.code, name=data.name, type_=data.type, parent=parent,
                             on=data.effective_on, event="created", ref=None, electronic_id=data.electronic_id)
    await audit.record(session, principal, "org_unit.create", ENTITY, created.id,
                       after=created.model_dump(mode="json"), fields=sorted(OrgUnitCreate.model_fields))
    await note_change(session, principal, "create", created.id, created.path, data.effective_on,
                      {"code": data.code, "name": data.name, "type": data.type, "parent_id": str(parent.id)})
    return created


async def rename_unit(session: AsyncSession, principal: Principal, unit_id: uuid.UUID,
                      data: OrgUnitRename) -> OrgUnitRead:
    on = data.effective_on
    unit = (await lock_for_write(session, await scope_of(session, principal), unit_id))[unit_id]
    check_not_own(principal, unit)
    check_effective(on, unit)
    if data.name == unit.name:
        raise InvalidRestructuring("The unit already has this name.")
    await check_electronic_id_free(session, data.electronic_id, unit_id=unit.id)
    await queries.close_periods(session, [unit.id], on)
    await queries.add_periods(session, [period(unit, on, "renamed", name=data.name)])
    identified = {"electronic_id": data.electronic_id} if data.electronic_id else {}
    await queries.update_unit(session, unit.id, name=data.name, **identified)
    await record(session, principal, "rename", unit, {"name": data.name, "effective_on": on.isoformat(), **identified},
                 detail={"name": data.name, "previous_name": unit.name, **identified})
    return await latest(session, unit.id)


async def move_unit(session: AsyncSession, principal: Principal, unit_id: uuid.UUID,
                    data: OrgUnitMove) -> OrgUnitRead:
    on = data.effective_on
    units = await lock_for_write(session, await scope_of(session, principal), unit_id, data.parent_id)
    unit, parent = units[unit_id], units[data.parent_id]
    check_not_own(principal, unit)
    if parent.path.startswith(unit.path):
        raise OrgCycle(f"{parent.code} is {unit.code} itself or lies under it.")
    if unit.parent_id == parent.id:
        raise InvalidRestructuring(f"{unit.code} is already under {parent.code}.")
    check_effective(on, unit, parent)
    moved = await reparent(session, unit, parent, on)
    repathed = [str(i) for i in moved]
    await record(session, principal, "move", unit, {"parent_id": str(parent.id), "effective_on": on.isoformat(),
                                                    "repathed_unit_ids": repathed},
                 detail={"parent_id": str(parent.id), "previous_parent_id": str(unit.parent_id),
                         "repathed_unit_ids": repathed}, to_path=f"{parent.path}{unit.id.hex}/")
    return await latest(session, unit.id)


async def reparent(session: AsyncSession, unit: Unit, parent: Unit, on: date) -> list[uuid.UUID]:
    """Puts `unit` under `parent` from `on`. Every open unit of its subtree gets its open period closed and
    a new one with the new path (event "moved"; event_ref is the new parent for `unit`, `unit` for the
    units below it). Returns the ids re-pathed, `unit` first."""
    subtree = await queries.lock_subtree(session, unit.path)
    check_effective(on, *subtree)
    new_path = f"{parent.path}{unit.id.hex}/"
    rows = [period(u, on, "moved", ref=unit.id, path=new_path + u.path[len(unit.path):]) for u in subtree
            if u.id != unit.id]
    rows.insert(0, period(unit, on, "moved", ref=parent.id, parent_id=parent.id, path=new_path))
    ids = [row["org_unit_id"] for row in rows]
    await queries.close_periods(session, ids, on)
    await queries.add_periods(session, rows)
    await queries.update_unit(session, unit.id, parent_id=parent.id)
    await queries.repath_units(session, ids, unit.path, new_path)
    return ids
