from __future__ import annotations

import functools
import uuid
from typing import Any

from sqlalchemy import Integer, Select, Uuid, any_, bindparam, delete, func, literal_column, or_, select
from sqlalchemy.dialects.postgresql import ARRAY, aggregate_order_by
from sqlalchemy.ext.asyncio import AsyncSession

from hoso_shared.auth import Principal, scoped_to_subtree, scoped_to_subtree_param, subtree_params
from hoso_shared.auth.subtree import escape_like
from hoso_shared.db.models import (
    ChangeRequest,
    OrgUnit,
    Profile,
    ProfileAssignment,
    ProfileSectionRow,
    ProfileVersion,
)
from profile_api.profiles.schemas import ProfileFilter

OPEN_STATES = ("draft", "submitted", "returned", "approved")


SUMMARY_COLUMNS = (Profile.id, Profile.org_unit_id, Profile.full_name, Profile.birth_date, Profile.sex,
                   Profile.category, Profile.status, Profile.rank_code, Profile.version)


def _visible(principal: Principal, *, self_only: bool, columns: tuple[Any, ...] = (Profile,)) -> Select[Any]:
    stmt = select(*columns).join(OrgUnit, OrgUnit.id == Profile.org_unit_id)
    if self_only:
        return stmt.where(Profile.id == principal.profile_id)
    return scoped_to_subtree(stmt, principal, OrgUnit.path)


async def visible_profile(session: AsyncSession, principal: Principal, profile_id: uuid.UUID, *,
                          self_only: bool, lock: bool = False) -> Profile | None:
    stmt = _visible(principal, self_only=self_only).where(Profile.id == profile_id)
    if lock:
        stmt = stmt.with_for_update(of=Profile)
    profile: Profile | None = (await session.execute(stmt)).scalar_one_or_none()
    return profile


def _sections_json() -> Any:
    row = ProfileSectionRow
    obj = func.json_build_object("id", row.id, "section", row.section, "position", row.position, "data", row.data,
                                 "enc", func.encode(row.data_enc, "base64"), "key_id", row.key_id)
    agg = func.json_agg(aggregate_order_by(obj, row.section, row.position))
    empty: Any = literal_column("'[]'::json")
    return select(func.coalesce(agg, empty)).where(row.profile_id == Profile.id).scalar_subquery()


def _pending_json() -> Any:
    cr = ChangeRequest
    obj = func.json_build_object("id", cr.id, "state", cr.state, "base_version", cr.base_version,
                                 "created_at", cr.created_at, "outline", cr.outline)
    agg = func.json_agg(aggregate_order_by(obj, cr.created_at))
    return (select(func.coalesce(agg, literal_column("'[]'::json")))
            .where(cr.profile_id == Profile.id, cr.state.in_(OPEN_STATES)).scalar_subquery())


@functools.cache
def _bundle_statement(self_only: bool) -> Select[Any]:
    """Built once: constructing this statement costs more than running it."""
    stmt = (select(Profile, _sections_json(), _pending_json()).join(OrgUnit, OrgUnit.id == Profile.org_unit_id)
            .where(Profile.id == bindparam("profile_id")))
    if self_only:
        return stmt.where(Profile.id == bindparam("own_profile_id"))
    return scoped_to_subtree_param(stmt, OrgUnit.path)


async def visible_profile_bundle(session: AsyncSession, principal: Principal, profile_id: uuid.UUID, *,
                                 self_only: bool) -> tuple[Profile, list[dict[str, Any]], list[dict[str, Any]]] | None:
    """The profile, its table rows and its open change requests, in one round trip."""
    params: dict[str, Any] = {"profile_id": profile_id}
    params |= {"own_profile_id": principal.profile_id} if self_only else subtree_params(principal)
    row = (await session.execute(_bundle_statement(self_only), params)).first()
    return (row[0], row[1], row[2]) if row else None


async def unit_path(session: AsyncSession, org_unit_id: uuid.UUID) -> str | None:
    return (await session.execute(select(OrgUnit.path).where(OrgUnit.id == org_unit_id))).scalar()


FILTERS = {"status": Profile.status, "category": Profile.category, "rank_code": Profile.rank_code,
           "citizen_id_hmac": Profile.citizen_id_hmac}


@functools.cache
def _page_statement(*, self_only: bool, with_data: bool, with_pending: bool, include_archived: bool, within: bool,
                    after: bool, name_prefix: bool, filters: tuple[str, ...], ids: bool = False) -> Select[Any]:
    """A page's statement for one shape of request, built once with its values as parameters (`_page_params`):
    building it per request cost more than running it."""
    columns = (*SUMMARY_COLUMNS, Profile.data) if with_data else SUMMARY_COLUMNS
    stmt = select(*columns).join(OrgUnit, OrgUnit.id == Profile.org_unit_id)
    if self_only:
        stmt = stmt.where(Profile.id == bindparam("own_profile_id"))
    else:
        stmt = scoped_to_subtree_param(stmt, OrgUnit.path)
    if within:
        stmt = stmt.where(OrgUnit.path.like(bindparam("within_prefix"), escape="\\"))
    if not include_archived:
        stmt = stmt.where(Profile.archived_at.is_(None))
    if not with_pending:
        stmt = stmt.where(Profile.version > 0)  # a pending new record (Điều 7): only its HR and approvers list it
    else:  # but not one archived at version 0 (its create rejected or withdrawn): nobody's record
        stmt = stmt.where(or_(Profile.version > 0, Profile.archived_at.is_(None)))
    for name in filters:
        stmt = stmt.where(FILTERS[name] == bindparam(f"filter_{name}"))
    if name_prefix:
        stmt = stmt.where(Profile.full_name.like(bindparam("name_prefix"), escape="\\"))
    if after:
        stmt = stmt.where(Profile.id > bindparam("after"))
    if ids:
        stmt = stmt.where(Profile.id == any_(bindparam("ids", type_=ARRAY(Uuid()))))
    return stmt.order_by(Profile.id).limit(bindparam("limit", type_=Integer))


async def list_visible_profiles(session: AsyncSession, principal: Principal, flt: ProfileFilter, *,
                                self_only: bool, after: uuid.UUID | None, limit: int, within_path: str | None,
                                with_data: bool, with_pending: bool = False) -> list[dict[str, Any]]:
    """Summary columns only (plus the item JSON when asked): a page of rows, not of ORM objects."""
    values = {name: getattr(flt, name) for name in FILTERS if getattr(flt, name) is not None}
    stmt = _page_statement(self_only=self_only, with_data=with_data, with_pending=with_pending,
                           include_archived=flt.include_archived, within=within_path is not None,
                           after=after is not None, name_prefix=bool(flt.name_prefix), filters=tuple(values),
                           ids=flt.ids is not None)
    params: dict[str, Any] = {f"filter_{name}": value for name, value in values.items()}
    params |= {"own_profile_id": principal.profile_id} if self_only else subtree_params(principal)
    if within_path is not None:
        params["within_prefix"] = escape_like(within_path) + "%"
    if flt.name_prefix:
        params["name_prefix"] = escape_like(flt.name_prefix) + "%"
    if after is not None:
        params["after"] = after
    if flt.ids is not None:
        params["ids"] = list(flt.ids)
    params["limit"] = limit
    return [row._asdict() for row in await session.execute(stmt, params)]


async def citizen_id_taken(session: AsyncSession, citizen_id_hmac: bytes) -> bool:
    stmt = select(Profile.id).where(Profile.citizen_id_hmac == citizen_id_hmac)
    return (await session.execute(stmt)).first() is not None


async def section_rows(session: AsyncSession, profile_id: uuid.UUID) -> list[ProfileSectionRow]:
    stmt = select(ProfileSectionRow).where(ProfileSectionRow.profile_id == profile_id)
    return list((await session.execute(stmt)).scalars())


async def replace_sections(session: AsyncSession, profile_id: uuid.UUID, rows: list[ProfileSectionRow],
                           sections: set[str] | None = None) -> None:
    """Swaps the rows of the given sections (all when None) for `rows`."""
    stmt = delete(ProfileSectionRow).where(ProfileSectionRow.profile_id == profile_id)
    if sections is not None:
        stmt = stmt.where(ProfileSectionRow.section.in_(sections))
    await session.execute(stmt)
    session.add_all(rows)


async def add_profile(session: AsyncSession, profile: Profile, assignment: ProfileAssignment) -> None:
    session.add(profile)
    await session.flush()
    session.add(assignment)


async def add_version(session: AsyncSession, version: ProfileVersion) -> None:
    session.add(version)
    await session.flush()


async def version_by_change_request(session: AsyncSession, change_request_id: uuid.UUID) -> ProfileVersion | None:
    stmt = select(ProfileVersion).where(ProfileVersion.change_request_id == change_request_id)
    found: ProfileVersion | None = (await session.execute(stmt)).scalar_one_or_none()
    return found


async def versions(session: AsyncSession, profile_id: uuid.UUID) -> list[ProfileVersion]:
    stmt = select(ProfileVersion).where(ProfileVersion.profile_id == profile_id).order_by(ProfileVersion.version)
    return list((await session.execute(stmt)).scalars())


async def version(session: AsyncSession, profile_id: uuid.UUID, number: int) -> ProfileVersion | None:
    stmt = select(ProfileVersion).where(ProfileVersion.profile_id == profile_id, ProfileVersion.version == number)
    found: ProfileVersion | None = (await session.execute(stmt)).scalar_one_or_none()
    return found


async def pending_changes(session: AsyncSession, profile_id: uuid.UUID) -> list[ChangeRequest]:
    stmt = (select(ChangeRequest).where(ChangeRequest.profile_id == profile_id,
                                        ChangeRequest.state.in_(OPEN_STATES))
            .order_by(ChangeRequest.created_at))
    return list((await session.execute(stmt)).scalars())


async def lock_profiles(session: AsyncSession, profile_ids: list[uuid.UUID]) -> list[Profile]:
    stmt = (select(Profile).where(Profile.id.in_(profile_ids)).order_by(Profile.id)
            .with_for_update().execution_options(populate_existing=True))
    return list((await session.execute(stmt)).scalars())
