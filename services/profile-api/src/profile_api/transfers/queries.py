"""The statements of transfers: every read is scoped to the caller's subtree on the sending or receiving side."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import Select, and_, exists, literal, or_, select, tuple_, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from hoso_shared.auth import Principal
from hoso_shared.db.models import (
    Account,
    AccountAccessChange,
    AccountDelegation,
    ChangeRequest,
    OrgUnit,
    Profile,
    Transfer,
)
from hoso_shared.db.paths import escape_like
from profile_api.profiles.queries import OPEN_STATES

FROM, TO, PLACED = aliased(OrgUnit, name="from_unit"), aliased(OrgUnit, name="to_unit"), aliased(OrgUnit,
                                                                                             name="placed_unit")


# What `service.read` takes, in this order.
COLUMNS: tuple[Any, ...] = (Transfer, Profile.full_name, Profile.birth_date, FROM, TO, PLACED)


def _covers(principal: Principal, unit: Any) -> Any:
    return unit.path.like(escape_like(principal.org_path) + "%", escape="\\")


def visible(principal: Principal) -> Select[Any]:
    """Transfers with their units and the person's name: those whose sending or receiving unit the caller covers."""
    return (select(*COLUMNS)
            .join(Profile, Profile.id == Transfer.profile_id)
            .join(FROM, FROM.id == Transfer.from_org_unit_id)
            .outerjoin(TO, TO.id == Transfer.to_org_unit_id)
            .outerjoin(PLACED, PLACED.id == Transfer.placed_org_unit_id)
            .where(or_(_covers(principal, FROM), and_(TO.id.is_not(None), _covers(principal, TO)))))


def incoming(stmt: Select[Any], principal: Principal) -> Select[Any]:
    return stmt.where(TO.id.is_not(None), _covers(principal, TO))


def outgoing(stmt: Select[Any], principal: Principal) -> Select[Any]:
    return stmt.where(_covers(principal, FROM))


def page(stmt: Select[Any], after: tuple[datetime, uuid.UUID] | None, limit: int) -> Select[Any]:
    if after is not None:
        stmt = stmt.where(or_(Transfer.created_at < after[0],
                              and_(Transfer.created_at == after[0], Transfer.id < after[1])))
    return stmt.order_by(Transfer.created_at.desc(), Transfer.id.desc()).limit(limit + 1)


async def rows(session: AsyncSession, stmt: Select[Any]) -> list[Any]:
    return list((await session.execute(stmt)).all())


async def one(session: AsyncSession, principal: Principal, transfer_id: uuid.UUID, *, lock: bool = False) -> Any:
    stmt = visible(principal).where(Transfer.id == transfer_id)
    if lock:
        stmt = stmt.with_for_update(of=Transfer)
    return (await session.execute(stmt)).first()


async def current_unit(session: AsyncSession, org_unit_id: uuid.UUID, today: date) -> OrgUnit | None:
    unit: OrgUnit | None = await session.scalar(select(OrgUnit).where(
        OrgUnit.id == org_unit_id, or_(OrgUnit.valid_to.is_(None), OrgUnit.valid_to > today)))
    return unit


async def open_transfer(session: AsyncSession, profile_id: uuid.UUID) -> uuid.UUID | None:
    found: uuid.UUID | None = await session.scalar(select(Transfer.id).where(
        Transfer.profile_id == profile_id, Transfer.state == "proposed"))
    return found


async def open_change_requests(session: AsyncSession, profile_id: uuid.UUID) -> list[uuid.UUID]:
    return list((await session.scalars(select(ChangeRequest.id).where(
        ChangeRequest.profile_id == profile_id, ChangeRequest.state.in_(OPEN_STATES)))).all())


def has_open_transfer(profile_id: Any) -> Any:
    """For statements over profiles: the person awaits a transfer's acceptance."""
    return exists().where(Transfer.profile_id == profile_id, Transfer.state == "proposed")


async def person_accounts(session: AsyncSession, profile_id: uuid.UUID) -> list[Account]:
    return list((await session.scalars(select(Account).where(Account.profile_id == profile_id))).all())


async def revoke_delegations(session: AsyncSession, account_ids: list[uuid.UUID], by: uuid.UUID,
                             now: datetime) -> list[uuid.UUID]:
    """Ends the delegations the person held at the sender; the delegates whose delegation ended."""
    ended = await session.scalars(update(AccountDelegation)
                                  .where(AccountDelegation.delegate_id.in_(account_ids),
                                         AccountDelegation.revoked_at.is_(None))
                                  .values(revoked_by=by, revoked_at=now).returning(AccountDelegation.delegate_id))
    return list(ended.all())


def access_change(account_id: uuid.UUID, action: str, before: dict[str, Any], after: dict[str, Any],
                  transfer: Transfer, by: uuid.UUID) -> AccountAccessChange:
    """An access change the transfer's decision rests on (Điều 19 khoản 4: a written basis for each)."""
    return AccountAccessChange(account_id=account_id, action=action, request_no=transfer.decision_number,
                               request_date=transfer.decision_issued_on, before=before, after=after, changed_by=by)


def _agency_account_at(unit: Any) -> Any:
    """An enabled agency account of an agency admin sits at the unit: it is an agency, which accepts transfers."""
    return exists().where(Account.org_unit_id == unit.id, Account.kind == "agency",
                          Account.roles.contains(["agency_admin"]), Account.disabled_at.is_(None))


async def receivers(session: AsyncSession, principal: Principal, *, search: str | None, after: uuid.UUID | None,
                    limit: int) -> list[OrgUnit]:
    """Current agencies outside the caller's subtree (a move inside it is no transfer), by code then id; `search`:
    a part of the name or the start of the code, case-insensitive."""
    stmt = (select(OrgUnit).where(OrgUnit.valid_to.is_(None), _agency_account_at(OrgUnit), ~_covers(principal, OrgUnit))
            .order_by(OrgUnit.code, OrgUnit.id).limit(limit))
    if search:
        stmt = stmt.where(or_(OrgUnit.name.ilike("%" + escape_like(search) + "%", escape="\\"),
                              OrgUnit.code.ilike(escape_like(search) + "%", escape="\\")))
    if after is not None:
        last = select(OrgUnit.code).where(OrgUnit.id == after).scalar_subquery()
        stmt = stmt.where(tuple_(OrgUnit.code, OrgUnit.id) > tuple_(last, literal(after)))
    return list((await session.scalars(stmt)).all())
