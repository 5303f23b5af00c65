"""The sight an approval delegation lends (ủy quyền, approval-api's `delegations`; QĐ 6187/QĐ-UBND Điều 7: the
unit's approver decides, and may lend that to a named person for a date range). While the delegate may decide a
submitted request about a record for their delegator today — exactly approval-api's rule: an enabled delegator who
could decide it, neither its requester nor its subject — they read that record and its evidence as the delegator
would (the record, its sensitive items, its scans), so no one decides blind. Nothing else is lent: no other record,
no write, and the sight ends with the request's decision, the delegation's end or its revocation."""

from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from hoso_shared.auth import Principal, scopes_for_roles
from hoso_shared.db.models import Account, ChangeRequest, Delegation, OrgUnit, Profile

DECIDE = "change-requests:decide"
LENT_SCOPES = frozenset({"profiles:read", "profiles:sensitive"})  # what an approver reads a record with
DelegatorUnit, RequestUnit = aliased(OrgUnit), aliased(OrgUnit)


async def lent_principal(session: AsyncSession, principal: Principal, profile_id: uuid.UUID,
                         today: date) -> Principal | None:
    """The caller reading as a delegator who lent them a submitted request about this record; None if none did."""
    stmt = (select(Account, DelegatorUnit.path)
            .join(Delegation, Delegation.delegator_id == Account.id)
            .join(DelegatorUnit, DelegatorUnit.id == Account.org_unit_id)
            .join(ChangeRequest, ChangeRequest.profile_id == profile_id)
            .join(RequestUnit, RequestUnit.id == ChangeRequest.org_unit_id)
            .join(Profile, Profile.id == ChangeRequest.profile_id)
            .where(Delegation.delegate_id == principal.subject, Delegation.revoked_at.is_(None),
                   Delegation.starts_on <= today, Delegation.ends_on >= today, Account.disabled_at.is_(None),
                   ChangeRequest.state == "submitted", ChangeRequest.requested_by != Account.id,
                   Account.profile_id.is_distinct_from(Profile.id),
                   RequestUnit.path.startswith(DelegatorUnit.path, autoescape=False))
            .limit(20))
    for delegator, path in (await session.execute(stmt)).all():
        if DECIDE in scopes_for_roles(delegator.roles):
            return Principal(subject=principal.subject, username=principal.username, roles=principal.roles,
                             scopes=LENT_SCOPES, org_unit_id=delegator.org_unit_id, org_path=path,
                             profile_id=principal.profile_id)
    return None
