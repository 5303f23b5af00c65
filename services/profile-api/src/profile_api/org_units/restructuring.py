"""Merging, splitting and dissolving units: people, accounts and child units move with history kept. DOHA does
it anywhere in the province; an agency within its own subtree (Điều 21 khoản 2: chia tách, sáp nhập, hợp nhất,
giải thể), never to its own unit and never reaching a unit outside it (404, as if it did not exist).

People move by closing their open assignment at `effective_on` and opening one in the new unit; a unit
that ends gets its open period closed and a final, empty period [effective_on, effective_on) that
records the event ("merged", "split", "dissolved") and, where there is one, the other unit.
"""

from __future__ import annotations

import uuid
from collections import Counter
from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from hoso_shared.auth import Principal
from hoso_shared.crypto import FieldCipher
from profile_api.org_units import queries
from profile_api.org_units.errors import (
    EffectiveDateTooEarly,
    InvalidRestructuring,
    OrgCycle,
    OrgUnitNotEmpty,
    OutsideSubtree,
)
from profile_api.org_units.schemas import (
    Moved,
    OrgUnitDissolve,
    OrgUnitMerge,
    OrgUnitRead,
    OrgUnitSplit,
    Restructuring,
    Unit,
)
from profile_api.org_units.service import (
    add_unit,
    check_codes_free,
    check_confirmed,
    check_effective,
    check_not_own,
    check_type,
    latest,
    lock_for_write,
    period,
    record,
    reparent,
    scope_of,
)
from profile_api.profiles import service as profiles

NOTHING = Moved(profile_ids=[], account_ids=[], unit_ids=[])


async def move_people(session: AsyncSession, profile_ids: list[uuid.UUID], unit_id: uuid.UUID, on: date,
                      reason: str) -> None:
    if not profile_ids:
        return
    since = await queries.open_assignments(session, profile_ids, on)
    late = sorted(str(pid) for pid, start in since.items() if start > on)
    if late:
        raise EffectiveDateTooEarly("Some people joined their unit after the effective date.", profile_ids=late)
    await queries.reassign_profiles(session, profile_ids, unit_id, on, reason, open_for=sorted(since))


async def absorb(session: AsyncSession, source: Unit, target: Unit, on: date, reason: str) -> Moved:
    """Moves everyone and everything in `source` (people, accounts, open child units) into `target`."""
    if target.path.startswith(source.path):
        raise OrgCycle(f"{target.code} is {source.code} itself or lies under it.")
    check_effective(on, source, target)
    profile_ids = await queries.lock_profiles_in(session, source.id)
    account_ids = await queries.lock_accounts_in(session, source.id)
    await move_people(session, profile_ids, target.id, on, reason)
    await queries.reassign_accounts(session, account_ids, target.id)
    children = await queries.lock_children(session, source.id)
    for child in children:
        await reparent(session, child, target, on)
    return Moved(profile_ids=profile_ids, account_ids=account_ids, unit_ids=[c.id for c in children])


async def close_unit(session: AsyncSession, unit: Unit, on: date, event: str, ref: uuid.UUID | None) -> None:
    await queries.close_periods(session, [unit.id], on)
    await queries.add_periods(session, [period(unit, on, event, ref=ref, valid_to=on)])
    await queries.update_unit(session, unit.id, valid_to=on)


async def _result(session: AsyncSession, principal: Principal, action: str, source: Unit, on: date, moved: Moved,
                  cipher: FieldCipher, *, target: Unit | None = None, parts: list[OrgUnitRead] | None = None,
                  parent: Unit | None = None) -> Restructuring:
    parts = parts or []
    await profiles.record_reassignment(session, principal, moved.profile_ids, cipher, reason=f"unit_{action}")
    target_id, part_ids = str(target.id) if target else None, [str(p.id) for p in parts]
    unit_ids = [str(i) for i in moved.unit_ids]
    unit = await latest(session, source.id)
    await record(session, principal, action, source, {
        "effective_on": on.isoformat(), "target_id": target_id, "part_ids": part_ids,
        "moved_profile_ids": [str(i) for i in moved.profile_ids],
        "moved_account_ids": [str(i) for i in moved.account_ids], "moved_unit_ids": unit_ids},
        detail={"target_id": target_id, "part_ids": part_ids, "moved_unit_ids": unit_ids,
                "moved_profiles": len(moved.profile_ids), "moved_accounts": len(moved.account_ids),
                "closed": unit.valid_to is not None},
        to_path=target.path if target else parent.path if parent else None)
    return Restructuring(unit=unit, effective_on=on,
                         target=await latest(session, target.id) if target else None, parts=parts,
                         moved_profile_ids=moved.profile_ids, moved_account_ids=moved.account_ids,
                         moved_unit_ids=moved.unit_ids)


async def merge_unit(session: AsyncSession, principal: Principal, cipher: FieldCipher, unit_id: uuid.UUID,
                     data: OrgUnitMerge) -> Restructuring:
    on = data.effective_on
    units = await lock_for_write(session, await scope_of(session, principal), unit_id, data.into_id)
    source, target = units[unit_id], units[data.into_id]
    check_not_own(principal, source)
    check_confirmed("merge", source, data.confirm_unit_code)
    moved = await absorb(session, source, target, on, "merged")
    await close_unit(session, source, on, "merged", target.id)
    return await _result(session, principal, "merge", source, on, moved, cipher, target=target)


async def dissolve_unit(session: AsyncSession, principal: Principal, cipher: FieldCipher, unit_id: uuid.UUID,
                        data: OrgUnitDissolve) -> Restructuring:
    on, to_id = data.effective_on, data.move_to_id
    units = await lock_for_write(session, await scope_of(session, principal), unit_id, *([to_id] if to_id else []))
    source, target = units[unit_id], units[to_id] if to_id else None
    check_not_own(principal, source)
    check_confirmed("dissolve", source, data.confirm_unit_code)
    check_effective(on, source)
    if target is not None:
        moved = await absorb(session, source, target, on, "dissolved")
    else:
        await _check_empty(session, source)
        moved = NOTHING
    await close_unit(session, source, on, "dissolved", target.id if target else None)
    return await _result(session, principal, "dissolve", source, on, moved, cipher, target=target)


async def _check_empty(session: AsyncSession, unit: Unit) -> None:
    people = await queries.lock_profiles_in(session, unit.id)
    accounts = await queries.lock_accounts_in(session, unit.id)
    children = await queries.lock_children(session, unit.id)
    if people or accounts or children:
        raise OrgUnitNotEmpty(f"{unit.code} still has {len(people)} people, {len(accounts)} accounts and "
                              f"{len(children)} child units: give move_to_id.", profiles=len(people),
                              accounts=len(accounts), child_units=len(children))


async def split_unit(session: AsyncSession, principal: Principal, cipher: FieldCipher, unit_id: uuid.UUID,
                     data: OrgUnitSplit) -> Restructuring:
    """New sibling units under the source's parent take the listed people and accounts; with
    `close_source`, everyone must be listed and the source ends."""
    on = data.effective_on
    _check_parts(data)
    scope = await scope_of(session, principal)
    source = (await lock_for_write(session, scope, unit_id))[unit_id]
    check_not_own(principal, source)
    check_confirmed("split", source, data.confirm_unit_code, required=data.close_source)
    parent = await _parent_for_parts(session, scope, source)
    check_effective(on, source, parent)
    await check_codes_free(session, [part.code for part in data.parts])
    moved = await _check_membership(session, source, data)
    parts = []
    for part in data.parts:
        made = await add_unit(session, code=part.code, name=part.name, type_=part.type, parent=parent, on=on,
                              event="split", ref=source.id)
        await move_people(session, part.profile_ids, made.id, on, "split")
        await queries.reassign_accounts(session, part.account_ids, made.id)
        parts.append(made)
    if data.close_source:
        await close_unit(session, source, on, "split", None)
    return await _result(session, principal, "split", source, on, moved, cipher, parts=parts, parent=parent)


def _check_parts(data: OrgUnitSplit) -> None:
    for part in data.parts:
        check_type(part.type, data.effective_on)
    for kind, ids in (("profile", [i for p in data.parts for i in p.profile_ids]),
                      ("account", [i for p in data.parts for i in p.account_ids])):
        twice = sorted(str(i) for i, n in Counter(ids).items() if n > 1)
        if twice:
            raise InvalidRestructuring(f"A {kind} is listed more than once.", **{f"{kind}_ids": twice})


async def _parent_for_parts(session: AsyncSession, scope: str, source: Unit) -> Unit:
    if source.parent_id is None:
        raise InvalidRestructuring("The root unit has no parent to put the parts under.")
    parent = (await queries.lock_units(session, [source.parent_id]))[source.parent_id]
    if not parent.path.startswith(scope):
        raise OutsideSubtree("The parts would sit beside your own unit, outside your subtree.")
    return parent


async def _check_membership(session: AsyncSession, source: Unit, data: OrgUnitSplit) -> Moved:
    """The listed people and accounts must be the source's; with close_source, all of them must be."""
    profiles = set(await queries.lock_profiles_in(session, source.id))
    accounts = set(await queries.lock_accounts_in(session, source.id))
    listed_p = {i for p in data.parts for i in p.profile_ids}
    listed_a = {i for p in data.parts for i in p.account_ids}
    strangers = sorted(str(i) for i in (listed_p - profiles) | (listed_a - accounts))
    if strangers:
        raise InvalidRestructuring(f"Not in {source.code}: {', '.join(strangers)}.", ids=strangers)
    if data.close_source:
        left = sorted(str(i) for i in (profiles - listed_p) | (accounts - listed_a))
        children = await queries.lock_children(session, source.id)
        if left or children:
            raise OrgUnitNotEmpty(f"Closing {source.code} would strand {len(left)} people or accounts and "
                                  f"{len(children)} child units; list everyone and move child units first.",
                                  unlisted_ids=left, child_unit_ids=[str(c.id) for c in children])
    return Moved(profile_ids=sorted(listed_p), account_ids=sorted(listed_a), unit_ids=[])
