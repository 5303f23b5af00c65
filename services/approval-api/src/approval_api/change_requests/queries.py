from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import ColumnElement, Date, and_, case, cast, func, or_, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from hoso_shared.auth import Principal
from hoso_shared.auth.subtree import escape_like
from hoso_shared.db.models import Account, ChangeRequest, Decision, Delegation, OrgUnit, Profile
from hoso_shared.time import ZONE


async def insert_once(session: AsyncSession, values: dict[str, Any]) -> bool:
    """True when inserted, False when a request with this id already existed."""
    stmt = insert(ChangeRequest).values(**values).on_conflict_do_nothing(index_elements=[ChangeRequest.id])
    result = await session.execute(stmt.returning(ChangeRequest.id))
    return result.first() is not None


async def by_id(session: AsyncSession, change_request_id: uuid.UUID, *,
                lock: bool = False) -> tuple[ChangeRequest, str] | None:
    """The request and its unit's path; `lock` holds the request row until the transaction ends, so two
    deciders of the same request take turns."""
    stmt = (select(ChangeRequest, OrgUnit.path).join(OrgUnit, OrgUnit.id == ChangeRequest.org_unit_id)
            .where(ChangeRequest.id == change_request_id))
    if lock:
        stmt = stmt.with_for_update(of=ChangeRequest)
    row = (await session.execute(stmt)).first()
    return (row[0], row[1]) if row else None


async def many_by_id(session: AsyncSession, ids: list[uuid.UUID]) -> dict[uuid.UUID, tuple[ChangeRequest, str]]:
    """`by_id(lock=True)` for many requests in one statement (a bulk decision), locked in id order so two bulk
    calls over the same requests take turns instead of deadlocking."""
    stmt = (select(ChangeRequest, OrgUnit.path).join(OrgUnit, OrgUnit.id == ChangeRequest.org_unit_id)
            .where(ChangeRequest.id.in_(ids)).order_by(ChangeRequest.id).with_for_update(of=ChangeRequest))
    return {row[0].id: (row[0], row[1]) for row in await session.execute(stmt)}


async def profile_versions(session: AsyncSession, profile_ids: set[uuid.UUID]) -> dict[uuid.UUID, int]:
    """`profile_version` for many records in one statement."""
    stmt = select(Profile.id, Profile.version).where(Profile.id.in_(profile_ids))
    return {row[0]: row[1] for row in await session.execute(stmt)}


async def profile_version(session: AsyncSession, profile_id: uuid.UUID) -> int | None:
    return (await session.execute(select(Profile.version).where(Profile.id == profile_id))).scalar_one_or_none()


async def delegators_for(session: AsyncSession, delegate_id: uuid.UUID, day: date) -> list[tuple[Account, str]]:
    """The enabled accounts that have delegated to `delegate_id` on `day`, with their units' paths."""
    stmt = (select(Account, OrgUnit.path)
            .join(Delegation, Delegation.delegator_id == Account.id)
            .join(OrgUnit, OrgUnit.id == Account.org_unit_id)
            .where(Delegation.delegate_id == delegate_id, Delegation.revoked_at.is_(None),
                   Delegation.starts_on <= day, Delegation.ends_on >= day, Account.disabled_at.is_(None)))
    return [(row[0], row[1]) for row in await session.execute(stmt)]


def add_decision(session: AsyncSession, change_request_id: uuid.UUID, action: str, from_state: str, to_state: str,
                 *, actor_id: uuid.UUID | None, actor_name: str, on_behalf_of: Account | None = None,
                 comment: str | None = None, override_reason: str | None = None,
                 overridden: list[str] | None = None) -> None:
    session.add(Decision(change_request_id=change_request_id, action=action, from_state=from_state,
                         to_state=to_state, actor_id=actor_id, actor_name=actor_name,
                         on_behalf_of_id=on_behalf_of.id if on_behalf_of else None,
                         on_behalf_of_name=on_behalf_of.username if on_behalf_of else None, comment=comment,
                         override_reason=override_reason, overridden=overridden))


async def decisions(session: AsyncSession, change_request_id: uuid.UUID) -> list[Decision]:
    stmt = select(Decision).where(Decision.change_request_id == change_request_id).order_by(Decision.id)
    return list((await session.scalars(stmt)).all())


def visible(principal: Principal, lent_paths: list[str]) -> ColumnElement[bool]:
    """Requests the caller made or that are about them, plus — with change-requests:read or :decide —
    those of their subtree, plus those of the subtrees a delegation in force lends them."""
    seen = [ChangeRequest.requested_by == principal.subject]
    if principal.profile_id is not None:
        seen.append(ChangeRequest.profile_id == principal.profile_id)
    paths = list(lent_paths)
    if principal.has_scopes("change-requests:read") or principal.has_scopes("change-requests:decide"):
        paths.append(principal.org_path)
    seen += [OrgUnit.path.like(escape_like(p) + "%", escape="\\") for p in paths]
    return or_(*seen)


async def page(session: AsyncSession, principal: Principal, *, states: list[str], unit_path: str | None,
               submitted_before: datetime | None, after: tuple[datetime, uuid.UUID] | None,
               limit: int, lent_paths: list[str]) -> list[tuple[ChangeRequest, str]]:
    stmt = (select(ChangeRequest, OrgUnit.path).join(OrgUnit, OrgUnit.id == ChangeRequest.org_unit_id)
            .where(visible(principal, lent_paths)))
    if states:
        stmt = stmt.where(ChangeRequest.state.in_(states))
    if unit_path is not None:
        stmt = stmt.where(OrgUnit.path.like(escape_like(unit_path) + "%", escape="\\"))
    if submitted_before is not None:
        stmt = stmt.where(ChangeRequest.submitted_at < submitted_before)
    if after is not None:
        stmt = stmt.where(or_(ChangeRequest.created_at > after[0],
                              and_(ChangeRequest.created_at == after[0], ChangeRequest.id > after[1])))
    stmt = stmt.order_by(ChangeRequest.created_at, ChangeRequest.id).limit(limit)
    return [(row[0], row[1]) for row in await session.execute(stmt)]


async def unit_path(session: AsyncSession, org_unit_id: uuid.UUID) -> str | None:
    return (await session.execute(select(OrgUnit.path).where(OrgUnit.id == org_unit_id))).scalar_one_or_none()


async def backlog(session: AsyncSession, path_prefix: str, states: tuple[str, ...]) -> list[Any]:
    """Per unit of the subtree and state: how many requests, and the oldest submission (or creation)."""
    since = func.coalesce(ChangeRequest.submitted_at, ChangeRequest.created_at)
    stmt = (select(OrgUnit.id, OrgUnit.code, OrgUnit.name, ChangeRequest.state, func.count(), func.min(since))
            .join(OrgUnit, OrgUnit.id == ChangeRequest.org_unit_id)
            .where(ChangeRequest.state.in_(states), OrgUnit.path.like(escape_like(path_prefix) + "%", escape="\\"))
            .group_by(OrgUnit.id, OrgUnit.code, OrgUnit.name, ChangeRequest.state)
            .order_by(OrgUnit.code, ChangeRequest.state))
    return list((await session.execute(stmt)).all())


async def submitted_by_day(session: AsyncSession, path_prefix: str) -> list[tuple[uuid.UUID, date, int]]:
    """(unit, day submitted in Asia/Ho_Chi_Minh, how many) of the undecided submitted requests in the subtree: the
    overdue count's input, a row per unit and day however many requests wait (a bulk import's thousands)."""
    day = cast(func.timezone(ZONE.key, ChangeRequest.submitted_at), Date)
    stmt = (select(ChangeRequest.org_unit_id, day, func.count())
            .join(OrgUnit, OrgUnit.id == ChangeRequest.org_unit_id)
            .where(ChangeRequest.state == "submitted", ChangeRequest.submitted_at.is_not(None),
                   OrgUnit.path.like(escape_like(path_prefix) + "%", escape="\\"))
            .group_by(ChangeRequest.org_unit_id, day))
    return [(unit_id, submitted_on, int(n)) for unit_id, submitted_on, n in await session.execute(stmt)]


async def approved_unapplied(session: AsyncSession, older_than: datetime, limit: int) -> list[uuid.UUID]:
    """Approved requests not yet applied, oldest first. Not locked: applying is idempotent by id, and a
    request that two reconcilers both pick is applied once and marked once."""
    stmt = (select(ChangeRequest.id).where(ChangeRequest.state == "approved", ChangeRequest.decided_at < older_than)
            .order_by(ChangeRequest.decided_at).limit(limit))
    return list((await session.scalars(stmt)).all())


async def mark_many_applied(session: AsyncSession, versions: dict[uuid.UUID, int], now: datetime) -> set[uuid.UUID]:
    """`mark_applied` for a batch in one statement: the ids this call moved (not those another caller had)."""
    if not versions:
        return set()
    applied = case(versions, value=ChangeRequest.id)
    stmt = (update(ChangeRequest).where(ChangeRequest.id.in_(versions), ChangeRequest.state == "approved")
            .values(state="applied", applied_version=applied, applied_at=now).returning(ChangeRequest.id)
            .execution_options(synchronize_session=False))
    return set((await session.execute(stmt)).scalars())


async def mark_applied(session: AsyncSession, change_request_id: uuid.UUID, version: int, now: datetime) -> bool:
    """approved → applied, once: False when another caller got there first."""
    stmt = (update(ChangeRequest).where(ChangeRequest.id == change_request_id, ChangeRequest.state == "approved")
            .values(state="applied", applied_version=version, applied_at=now).returning(ChangeRequest.id))
    return (await session.execute(stmt)).first() is not None
