"""Every database statement of the quarterly reviews. The reviews are ours (profile-api's); the counts
read approval-api's change requests and the gateway's packet records through the shared models."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import and_, case, exists, func, literal, or_, select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from hoso_shared.auth.subtree import escape_like
from hoso_shared.db.models import Account, ChangeRequest, OrgUnit, Profile, QuarterlyReview

OPEN_STATES = ("draft", "submitted", "returned", "approved")  # not yet decided for good, or not yet applied

# The ministry's progress table (sync-gateway's sync-progress) for one subtree and one period: records
# kept; records changed; change requests approved; outbox rows released by DOHA; records packed into a
# delivered packet; accepted nationally; rejected (by a rule before signing, or nationally).


def _under(path: str) -> Any:
    return OrgUnit.path.like(escape_like(path) + "%", escape="\\")


async def unit(session: AsyncSession, unit_id: uuid.UUID) -> OrgUnit | None:
    return await session.get(OrgUnit, unit_id)


async def account(session: AsyncSession, account_id: uuid.UUID) -> Account | None:
    return await session.get(Account, account_id)


def _agency_account_at(unit_id: Any) -> Any:
    """An enabled agency account of an agency admin sits at the unit: it syncs, and reviews, for itself."""
    return exists().where(Account.org_unit_id == unit_id, Account.kind == "agency",
                          Account.roles.contains(["agency_admin"]), Account.disabled_at.is_(None))


async def has_agency_account(session: AsyncSession, unit_id: uuid.UUID) -> bool:
    return bool((await session.execute(select(_agency_account_at(unit_id)))).scalar())


def _since() -> Any:
    return func.coalesce(ChangeRequest.submitted_at, ChangeRequest.created_at)


async def outstanding(session: AsyncSession, path: str) -> list[tuple[str, int, datetime]]:
    """(state, how many, the oldest submission or creation) of the subtree's open change requests."""
    stmt = (select(ChangeRequest.state, func.count(), func.min(_since()))
            .join(OrgUnit, OrgUnit.id == ChangeRequest.org_unit_id)
            .where(ChangeRequest.state.in_(OPEN_STATES), _under(path))
            .group_by(ChangeRequest.state).order_by(ChangeRequest.state))
    return [(state, int(count), oldest) for state, count, oldest in await session.execute(stmt)]


async def oldest_outstanding(session: AsyncSession, path: str) -> tuple[uuid.UUID, str, datetime] | None:
    stmt = (select(ChangeRequest.id, ChangeRequest.state, _since().label("since"))
            .join(OrgUnit, OrgUnit.id == ChangeRequest.org_unit_id)
            .where(ChangeRequest.state.in_(OPEN_STATES), _under(path))
            .order_by(_since(), ChangeRequest.id).limit(1))
    row = (await session.execute(stmt)).first()
    return (row[0], row[1], row[2]) if row else None


async def submitted_waiting(session: AsyncSession, path: str) -> list[datetime]:
    """When each undecided submitted request of the subtree was submitted: the overdue count's input."""
    stmt = (select(ChangeRequest.submitted_at).join(OrgUnit, OrgUnit.id == ChangeRequest.org_unit_id)
            .where(ChangeRequest.state == "submitted", ChangeRequest.submitted_at.is_not(None), _under(path)))
    return [at for at in (await session.scalars(stmt)).all() if at is not None]


async def incoming_without_account(session: AsyncSession, path: str, arrived_by: date) -> int:
    """Active people of the subtree who arrived on or before `arrived_by` and still have no account."""
    stmt = (select(func.count()).select_from(Profile).join(OrgUnit, OrgUnit.id == Profile.org_unit_id)
            .where(Profile.incoming_on.is_not(None), Profile.incoming_on <= arrived_by, Profile.status == "active",
                   Profile.archived_at.is_(None), ~exists().where(Account.profile_id == Profile.id), _under(path)))
    return int((await session.execute(stmt)).scalar_one())


async def review(session: AsyncSession, review_id: uuid.UUID, *, lock: bool = False) -> QuarterlyReview | None:
    stmt = select(QuarterlyReview).where(QuarterlyReview.id == review_id)
    if lock:
        stmt = stmt.with_for_update()
    found: QuarterlyReview | None = (await session.execute(stmt)).scalar_one_or_none()
    return found


async def reviews_of(session: AsyncSession, unit_id: uuid.UUID, quarter: str) -> list[QuarterlyReview]:
    """The unit's reviews of the quarter, the submitted one first, then the newest draft."""
    stmt = (select(QuarterlyReview).where(QuarterlyReview.org_unit_id == unit_id, QuarterlyReview.quarter == quarter)
            .order_by(QuarterlyReview.state.desc(), QuarterlyReview.updated_at.desc()).with_for_update())
    return list((await session.execute(stmt)).scalars())


def add(session: AsyncSession, row: QuarterlyReview) -> None:
    session.add(row)


async def flush(session: AsyncSession) -> None:
    await session.flush()


async def submitted_of(session: AsyncSession, unit_id: uuid.UUID, *, after: tuple[datetime, uuid.UUID] | None,
                       limit: int) -> list[Any]:
    """A page of the unit's submitted reviews, most recently submitted first, with the signer's name."""
    signer = aliased(Account)
    stmt = (select(QuarterlyReview.id, QuarterlyReview.quarter, QuarterlyReview.signed_at,
                   QuarterlyReview.submitted_at, QuarterlyReview.late, signer.display_name)
            .outerjoin(signer, signer.id == QuarterlyReview.signed_by)
            .where(QuarterlyReview.org_unit_id == unit_id, QuarterlyReview.state == "submitted")
            .order_by(QuarterlyReview.submitted_at.desc(), QuarterlyReview.id.desc()).limit(limit))
    if after is not None:
        stmt = stmt.where(tuple_(QuarterlyReview.submitted_at, QuarterlyReview.id) < tuple_(*after))
    return list((await session.execute(stmt)).all())


def _roster(path: str, quarter: str, first_day: date) -> Any:
    """Every unit of the subtree that must review (an agency account sits there) and still existed when the
    quarter began, with its submitted review of the quarter (if any), its signer's name, and whether a
    draft exists; `status` as the roster names it."""
    submitted = and_(QuarterlyReview.org_unit_id == OrgUnit.id, QuarterlyReview.quarter == quarter,
                     QuarterlyReview.state == "submitted")
    draft = aliased(QuarterlyReview)
    drafted = exists().where(draft.org_unit_id == OrgUnit.id, draft.quarter == quarter, draft.state == "draft")
    signer = aliased(Account)
    status = case((QuarterlyReview.id.is_(None), "not_submitted"), (QuarterlyReview.late, "late"),
                  else_="submitted")
    columns: tuple[Any, ...] = (OrgUnit.id, OrgUnit.code, OrgUnit.name, QuarterlyReview.id.label("review_id"),
                                QuarterlyReview.submitted_at, QuarterlyReview.late, signer.display_name,
                                drafted.label("drafted"), status.label("status"))
    return (select(*columns).outerjoin(QuarterlyReview, submitted)
            .outerjoin(signer, signer.id == QuarterlyReview.signed_by)
            .where(_under(path), _agency_account_at(OrgUnit.id),
                   or_(OrgUnit.valid_to.is_(None), OrgUnit.valid_to > first_day))
            .subquery("roster"))


async def roster(session: AsyncSession, path: str, quarter: str, first_day: date, *, status: str | None = None,
                 unit_id: uuid.UUID | None = None, after: uuid.UUID | None = None,
                 limit: int | None = None) -> list[Any]:
    """A page of the roster by unit code (then id); `after`: the last unit of the page before, whose code is read
    from the unit itself."""
    r = _roster(path, quarter, first_day)
    stmt = select(r.c.id, r.c.code, r.c.name, r.c.review_id, r.c.submitted_at, r.c.late, r.c.display_name,
                  r.c.drafted).order_by(r.c.code, r.c.id)
    if status is not None:
        stmt = stmt.where(r.c.status == status)
    if unit_id is not None:
        stmt = stmt.where(r.c.id == unit_id)
    if after is not None:
        last = select(OrgUnit.code).where(OrgUnit.id == after).scalar_subquery()
        stmt = stmt.where(tuple_(r.c.code, r.c.id) > tuple_(last, literal(after)))
    if limit is not None:
        stmt = stmt.limit(limit)
    return list((await session.execute(stmt)).all())


async def roster_counts(session: AsyncSession, path: str, quarter: str, first_day: date) -> dict[str, int]:
    """status → how many units of the whole roster stand so, counted in the database."""
    r = _roster(path, quarter, first_day)
    stmt = select(r.c.status, func.count()).group_by(r.c.status)
    return {str(status): int(count) for status, count in await session.execute(stmt)}
