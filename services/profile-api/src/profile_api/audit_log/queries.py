"""The audit log read newest first by (at, id), with the filters and the subtree as SQL, and what is known of
the actors."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, Text, and_, cast, false, or_, select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession

from hoso_shared.db.models import (
    AccessGrant,
    Account,
    Attachment,
    AuditEntry,
    ImportJob,
    OrgUnit,
    Profile,
    QuarterlyReview,
    Transfer,
)
from profile_api.audit_log.schemas import AuditFilter

READ_SENSITIVE = "read_sensitive"


def _units_in(prefix: str) -> Select[Any]:
    return select(OrgUnit.id).where(OrgUnit.path.like(prefix, escape="\\"))


def _ids(column: Any) -> Any:
    return cast(column, Text)


def placed_in(prefix: str) -> ColumnElement[bool]:
    """The entries placed in the subtree whose paths start with `prefix` (a LIKE pattern). An entry is placed by
    what it is about, as that stands today: a record by its person's current unit, an attachment by its record's,
    a transfer by either side's unit, an account, import or quarterly review by its unit, a unit by itself, an access
    grant by the subtree it opens or the grantee's unit.
    Anything else (the working-day calendar, entities added later) is placed nowhere: the root's auditors only.
    Each `IN` is computed once per query (PostgreSQL hashes it), not per entry."""
    units = _units_in(prefix)
    places: dict[str, Select[Any]] = {
        "profile": select(_ids(Profile.id)).where(Profile.org_unit_id.in_(units)),
        "attachment": select(_ids(Attachment.id)).join(Profile, Profile.id == Attachment.profile_id)
        .where(Profile.org_unit_id.in_(units)),
        "transfer": select(_ids(Transfer.id)).where(or_(Transfer.from_org_unit_id.in_(units),
                                                        Transfer.to_org_unit_id.in_(units))),
        "org_unit": select(_ids(OrgUnit.id)).where(OrgUnit.path.like(prefix, escape="\\")),
        "account": select(_ids(Account.id)).where(Account.org_unit_id.in_(units)),
        "import_job": select(_ids(ImportJob.id)).where(ImportJob.org_unit_id.in_(units)),
        "quarterly_review": select(_ids(QuarterlyReview.id)).where(QuarterlyReview.org_unit_id.in_(units)),
        "access_grant": select(_ids(AccessGrant.id)).where(or_(
            AccessGrant.org_unit_id.in_(units),
            AccessGrant.grantee_id.in_(select(Account.id).where(Account.org_unit_id.in_(units))))),
    }
    return or_(*(and_(AuditEntry.entity == entity, AuditEntry.entity_id.in_(ids)) for entity, ids in places.items()))


async def profile_path(session: AsyncSession, profile_id: uuid.UUID) -> str | None:
    stmt = select(OrgUnit.path).join(Profile, Profile.org_unit_id == OrgUnit.id).where(Profile.id == profile_id)
    return (await session.execute(stmt)).scalar_one_or_none()


async def about_profile(session: AsyncSession, profile_id: uuid.UUID) -> list[tuple[str, str]]:
    """The (entity, entity_id) pairs an entry about this person can name: the record, its attachments, its
    transfers. As literal pairs, so each is one index range (an `IN (SELECT …)` under OR would scan)."""
    attachments = select(_ids(Attachment.id)).where(Attachment.profile_id == profile_id)
    transfers = select(_ids(Transfer.id)).where(Transfer.profile_id == profile_id)
    pairs = [("profile", str(profile_id))]
    pairs += [("attachment", i) for i in (await session.execute(attachments)).scalars()]
    pairs += [("transfer", i) for i in (await session.execute(transfers)).scalars()]
    return pairs


def entries(flt: AuditFilter, *, scope: ColumnElement[bool] | None, about: Sequence[tuple[str, str]] | None,
            after: tuple[datetime, int] | None, limit: int) -> Select[Any]:
    stmt = select(AuditEntry)
    if scope is not None:
        stmt = stmt.where(scope)
    if about is not None:
        stmt = stmt.where(tuple_(AuditEntry.entity, AuditEntry.entity_id).in_(list(about)) if about else false())
    if flt.actor is not None:
        stmt = stmt.where(AuditEntry.actor == flt.actor)
    if flt.actions:
        stmt = stmt.where(AuditEntry.action.in_(flt.actions))
    if flt.entity is not None:
        stmt = stmt.where(AuditEntry.entity == flt.entity)
    if flt.since is not None:
        stmt = stmt.where(AuditEntry.at >= flt.since)
    if flt.until is not None:
        stmt = stmt.where(AuditEntry.at < flt.until)
    if after is not None:
        stmt = stmt.where(tuple_(AuditEntry.at, AuditEntry.id) < tuple_(*after))
    return stmt.order_by(AuditEntry.at.desc(), AuditEntry.id.desc()).limit(limit)


async def page(session: AsyncSession, stmt: Select[Any]) -> list[AuditEntry]:
    return list((await session.execute(stmt)).scalars())


def own_reads(profile_id: uuid.UUID, after: tuple[datetime, int] | None, limit: int) -> Select[Any]:
    """The sensitive reads of one record (the index on entity, entity_id, at, id), newest first."""
    flt = AuditFilter(actions=(READ_SENSITIVE,), entity="profile")
    return entries(flt, scope=None, about=[("profile", str(profile_id))], after=after, limit=limit)


async def actors(session: AsyncSession, ids: set[uuid.UUID]) -> dict[uuid.UUID, tuple[list[str], uuid.UUID, str]]:
    """Each account's roles, unit and unit name, today."""
    if not ids:
        return {}
    stmt = (select(Account.id, Account.roles, OrgUnit.id, OrgUnit.name)
            .join(OrgUnit, OrgUnit.id == Account.org_unit_id).where(Account.id.in_(ids)))
    return {row[0]: (list(row[1]), row[2], row[3]) for row in await session.execute(stmt)}
