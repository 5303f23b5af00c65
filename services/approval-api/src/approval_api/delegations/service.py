"""Ủy quyền: an approver lets another person decide in their name for a date range. The delegate then
decides what the delegator could (the delegator's subtree), and every decision names both."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from approval_api.delegations.schemas import DelegationCreate, DelegationRead
from hoso_shared.auth import Principal
from hoso_shared.db.models import Account, Delegation, OrgUnit
from hoso_shared.problems import Conflict, Forbidden, NotFound, ValidationFailed

DECIDE = "change-requests:decide"
LONGEST_DAYS = 366


class DelegationNotFound(NotFound):
    slug, title = "delegation-not-found", "No such delegation, or not yours"


class DelegateNotFound(NotFound):
    slug, title = "delegate-not-found", "No such active person in your subtree"


async def create(session: AsyncSession, principal: Principal, body: DelegationCreate, today: date) -> DelegationRead:
    if not principal.has_scopes(DECIDE):
        raise Forbidden("Only someone who decides change requests can delegate that.", missing_scopes=[DECIDE])
    if body.ends_on < body.starts_on or body.ends_on < today:
        raise ValidationFailed("The range must end on or after it starts, and not in the past.")
    if (body.ends_on - body.starts_on).days >= LONGEST_DAYS:
        raise ValidationFailed(f"A delegation lasts at most {LONGEST_DAYS} days.")
    if body.delegate_id == principal.subject:
        raise ValidationFailed("Delegate to someone else.")
    stmt = (select(Account, OrgUnit.path).join(OrgUnit, OrgUnit.id == Account.org_unit_id)
            .where(Account.id == body.delegate_id, Account.kind == "person", Account.disabled_at.is_(None)))
    found = (await session.execute(stmt)).first()
    if found is None or not principal.covers(found[1]):
        raise DelegateNotFound()
    overlapping = select(Delegation.id).where(
        Delegation.delegator_id == principal.subject, Delegation.delegate_id == body.delegate_id,
        Delegation.revoked_at.is_(None), Delegation.starts_on <= body.ends_on, Delegation.ends_on >= body.starts_on)
    if (await session.execute(overlapping)).first():
        raise Conflict("A delegation to this person already covers part of that range.")
    delegation = Delegation(delegator_id=principal.subject, **body.model_dump())
    session.add(delegation)
    await session.flush()
    return DelegationRead.model_validate(delegation)


async def listing(session: AsyncSession, principal: Principal) -> list[DelegationRead]:
    """Delegations the caller gave or received."""
    stmt = (select(Delegation).where(or_(Delegation.delegator_id == principal.subject,
                                         Delegation.delegate_id == principal.subject))
            .order_by(Delegation.starts_on.desc()).limit(500))
    return [DelegationRead.model_validate(d) for d in (await session.scalars(stmt)).all()]


async def revoke(session: AsyncSession, principal: Principal, delegation_id: uuid.UUID,
                 now: datetime) -> DelegationRead:
    """By the delegator (or the delegate, giving it back); revoking twice keeps the first time."""
    delegation = await session.get(Delegation, delegation_id, with_for_update=True)
    if delegation is None or principal.subject not in (delegation.delegator_id, delegation.delegate_id):
        raise DelegationNotFound()
    if delegation.revoked_at is None:
        delegation.revoked_at = now
    return DelegationRead.model_validate(delegation)
