"""Every database statement of the task list. Almost nothing read here is profile-api's own: change requests,
approval windows and sync batches are approval-api's, the outbox is the shared row, packets are
sync-gateway's; all are read through `hoso_shared.db.models`, never written.

Each listed kind has one builder, `<what>(principal, *columns)`: the rows that are the caller's tasks, scoped
to the caller's subtree (`scoped_to_subtree`, the one choke point). The same builder gives the counts
(`tally` of `counts(...)`: every matching row, in the database) and the page (`listed`: at most `limit`
rows), so the badge and the list cannot disagree."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import ColumnElement, Row, Select, false, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from hoso_shared.auth import Principal, scoped_to_subtree
from hoso_shared.db import outbox
from hoso_shared.db.models import (
    Account,
    ApprovalWindow,
    ChangeRequest,
    Decision,
    FixRequest,
    OrgUnit,
    OutboxRow,
    Packet,
    Profile,
    ProfileVersion,
    QuarterlyReview,
    SyncBatch,
    Transfer,
)

UNIT = (OrgUnit.id.label("unit_id"), OrgUnit.code.label("unit_code"), OrgUnit.name.label("unit_name"))
OPEN_WINDOWS_READ = 1000  # extraordinary windows open at one instant: a handful in practice


async def tally(session: AsyncSession, stmt: Select[Any]) -> tuple[int, int]:
    """(every task, the overdue ones) of a builder given `counts(overdue)` as its columns."""
    row = (await session.execute(stmt)).one()
    return int(row[0]), int(row[1])


def counts(overdue: ColumnElement[bool] | None = None) -> tuple[Any, Any]:
    return func.count(), func.count().filter(overdue if overdue is not None else false())


async def listed(session: AsyncSession, stmt: Select[Any], limit: int) -> list[Row[Any]]:
    if limit <= 0:
        return []
    return list((await session.execute(stmt.limit(limit))).all())


def _agency_account_at(unit_id: Any) -> Any:
    """An enabled agency account of an agency admin sits at the unit: it syncs, and reviews, for itself
    (as approval-api's sync batches and the quarterly reviews decide it)."""
    return (select(Account.id).where(Account.org_unit_id == unit_id, Account.kind == "agency",
                                     Account.roles.contains(["agency_admin"]), Account.disabled_at.is_(None))
            .exists())


# Điều 6, 16: the requester fixes a returned change request


def returned_requests(principal: Principal, *columns: Any) -> Select[Any]:
    stmt = (select(*columns).select_from(ChangeRequest).join(OrgUnit, OrgUnit.id == ChangeRequest.org_unit_id)
            .join(Profile, Profile.id == ChangeRequest.profile_id)
            .where(ChangeRequest.state == "returned", ChangeRequest.requested_by == principal.subject))
    return scoped_to_subtree(stmt, principal, OrgUnit.path)


# Why it came back: the approver's return comment (the request's own `comment` is the requester's note).
RETURN_REASON = (select(Decision.comment).where(Decision.change_request_id == ChangeRequest.id,
                                                Decision.to_state == "returned")
                 .order_by(Decision.id.desc()).limit(1).scalar_subquery().label("return_reason"))
RETURNED = (ChangeRequest.id, ChangeRequest.profile_id, Profile.full_name, *UNIT, ChangeRequest.updated_at,
            RETURN_REASON, ChangeRequest.national_reason)
RETURNED_ORDER = (ChangeRequest.updated_at, ChangeRequest.id)


# Điều 7: the unit's approvers decide the submitted requests of their subtree


def waiting_requests(principal: Principal, *columns: Any) -> Select[Any]:
    """Submitted requests of the subtree the caller could decide: never their own, nor one about their record."""
    stmt = (select(*columns).select_from(ChangeRequest).join(OrgUnit, OrgUnit.id == ChangeRequest.org_unit_id)
            .join(Profile, Profile.id == ChangeRequest.profile_id)
            .where(ChangeRequest.state == "submitted", ChangeRequest.requested_by != principal.subject))
    if principal.profile_id is not None:
        stmt = stmt.where(ChangeRequest.profile_id != principal.profile_id)
    return scoped_to_subtree(stmt, principal, OrgUnit.path)


def submitted_before(moment: datetime | None) -> ColumnElement[bool] | None:
    return ChangeRequest.submitted_at < moment if moment is not None else None


WAITING = (ChangeRequest.id, ChangeRequest.profile_id, Profile.full_name, *UNIT, OrgUnit.path,
           ChangeRequest.submitted_at)
WAITING_ORDER = (ChangeRequest.submitted_at.asc().nulls_last(), ChangeRequest.id)


# Điều 12 khoản 2.2 điểm a: an account for each person who came in


def incoming_without_account(principal: Principal, *columns: Any) -> Select[Any]:
    stmt = (select(*columns).select_from(Profile).join(OrgUnit, OrgUnit.id == Profile.org_unit_id)
            .where(Profile.incoming_on.is_not(None), Profile.status == "active", Profile.archived_at.is_(None),
                   ~select(Account.id).where(Account.profile_id == Profile.id).exists()))
    return scoped_to_subtree(stmt, principal, OrgUnit.path)


def arrived_by(day: date) -> ColumnElement[bool]:
    return Profile.incoming_on <= day


INCOMING = (Profile.id, Profile.full_name, *UNIT, Profile.incoming_on)
INCOMING_ORDER = (Profile.incoming_on, Profile.id)


# Điều 12 khoản 1 điểm a: the receiving agency accepts or refuses a transfer; khoản 2.1 điểm b: DOHA hands over
# nationally a move to a central body


def incoming_transfers(principal: Principal, *columns: Any) -> Select[Any]:
    """Proposed transfers addressed to the caller's subtree (the unit joined is the receiving one)."""
    stmt = (select(*columns).select_from(Transfer).join(OrgUnit, OrgUnit.id == Transfer.to_org_unit_id)
            .join(Profile, Profile.id == Transfer.profile_id).where(Transfer.state == "proposed"))
    return scoped_to_subtree(stmt, principal, OrgUnit.path)


def proposed_before(moment: datetime) -> ColumnElement[bool]:
    return Transfer.created_at < moment


TRANSFERS = (Transfer.id, Transfer.profile_id, Profile.full_name, *UNIT, Transfer.created_at, Transfer.comment)
TRANSFERS_ORDER = (Transfer.created_at, Transfer.id)


def central_reports(principal: Principal, *columns: Any) -> Select[Any]:
    """Moves to a central body reported and not yet handed over (the unit joined is the one the person left)."""
    stmt = (select(*columns).select_from(Transfer).join(OrgUnit, OrgUnit.id == Transfer.from_org_unit_id)
            .join(Profile, Profile.id == Transfer.profile_id)
            .where(Transfer.kind == "to_central_body", Transfer.state == "reported"))
    return scoped_to_subtree(stmt, principal, OrgUnit.path)


REPORTED = (Transfer.id, Transfer.profile_id, Profile.full_name, *UNIT, Transfer.created_at, Transfer.destination)


# Điều 12 khoản 1 điểm b, khoản 2.2 điểm c: the person re-checks their record after a move
MOVES = ("transferred", "transfer_within_province")


async def unchecked_move(session: AsyncSession, principal: Principal) -> Row[Any] | None:
    """The caller's own latest move (a transfer, or arriving from outside: the approved record of a person who
    came in) not followed by their "I have checked my record"."""
    if principal.profile_id is None:
        return None
    moved = or_(ProfileVersion.reason.in_(MOVES),
                (ProfileVersion.version == 1) & Profile.incoming_on.is_not(None))
    columns: tuple[Any, ...] = (Profile.id, Profile.full_name, *UNIT, ProfileVersion.created_at,
                                ProfileVersion.reason, Profile.incoming_on)
    stmt = (select(*columns)
            .join(OrgUnit, OrgUnit.id == Profile.org_unit_id)
            .join(ProfileVersion, ProfileVersion.profile_id == Profile.id)
            .where(Profile.id == principal.profile_id, Profile.archived_at.is_(None), moved,
                   or_(Profile.reviewed_at.is_(None), ProfileVersion.created_at > Profile.reviewed_at))
            .order_by(ProfileVersion.created_at.desc()).limit(1))
    return (await session.execute(stmt)).first()


# Điều 6 khoản 1 (issue 16): the person fixes what HR asked them to (fix_requests, open until the rule passes)


def fix_requests(principal: Principal, *columns: Any) -> Select[Any]:
    """The open requests about the caller's own record (a token without a record has none)."""
    stmt = (select(*columns).select_from(FixRequest).join(Profile, Profile.id == FixRequest.profile_id)
            .join(OrgUnit, OrgUnit.id == Profile.org_unit_id)
            .where(FixRequest.profile_id == principal.profile_id, FixRequest.closed_at.is_(None),
                   Profile.archived_at.is_(None)))
    return scoped_to_subtree(stmt, principal, OrgUnit.path)


def fix_due_before(today: date) -> ColumnElement[bool]:
    return FixRequest.due_on < today


FIXES = (FixRequest.id, FixRequest.profile_id, Profile.full_name, *UNIT, FixRequest.rule_code, FixRequest.message,
         FixRequest.requested_at, FixRequest.due_on)
FIXES_ORDER = (FixRequest.due_on, FixRequest.id)


# Điều 14–15: the agency submits its month's batch


async def own_unit(session: AsyncSession, principal: Principal) -> OrgUnit | None:
    """The caller's own unit, when it is in their subtree (it always is, for a token profile-api minted)."""
    unit = await session.get(OrgUnit, principal.org_unit_id)
    return unit if unit is not None and principal.covers(unit.path) else None


async def has_agency_account(session: AsyncSession, unit_id: uuid.UUID) -> bool:
    return bool((await session.execute(select(_agency_account_at(unit_id)))).scalar())


async def has_open_batch(session: AsyncSession, unit_id: uuid.UUID) -> bool:
    """A batch awaits DOHA: the unit cannot submit another until it is decided."""
    stmt = select(SyncBatch.id).where(SyncBatch.org_unit_id == unit_id, SyncBatch.state == "submitted").limit(1)
    return (await session.execute(stmt)).first() is not None


async def unbatched(session: AsyncSession, unit_id: uuid.UUID, path: str) -> tuple[int, datetime | None]:
    """(how many, the oldest append) of the appended outbox rows — approved changes in no batch yet
    (`hoso_shared.db.outbox`: appended, not taken) — that the unit's next batch would take."""
    stmt = select(func.count(), func.min(OutboxRow.created_at)).where(
        OutboxRow.sync_batch_id.is_(None), OutboxRow.released_at.is_(None),
        OutboxRow.org_unit_id.in_(outbox.units_synced_by(unit_id, path)))
    row = (await session.execute(stmt)).one()
    return int(row[0]), row[1]


# Điều 21 khoản 6: the quarterly review, signed


async def reviews_of(session: AsyncSession, unit_id: uuid.UUID, quarters: list[str]) -> list[Any]:
    """(quarter, state, id) of the unit's reviews of those quarters, newest first."""
    stmt = (select(QuarterlyReview.quarter, QuarterlyReview.state, QuarterlyReview.id)
            .where(QuarterlyReview.org_unit_id == unit_id, QuarterlyReview.quarter.in_(quarters))
            .order_by(QuarterlyReview.updated_at.desc(), QuarterlyReview.id))
    return list((await session.execute(stmt)).all())


def unreviewed_units(principal: Principal, quarter: str, first_day: date, *columns: Any) -> Select[Any]:
    """Units of the subtree that must review (an agency account sits there), existed when the quarter began
    (as the reviews' roster counts them), and have no submitted review of it."""
    submitted = (select(QuarterlyReview.id).where(QuarterlyReview.org_unit_id == OrgUnit.id,
                                                  QuarterlyReview.quarter == quarter,
                                                  QuarterlyReview.state == "submitted").exists())
    stmt = (select(*columns).select_from(OrgUnit)
            .where(_agency_account_at(OrgUnit.id), or_(OrgUnit.valid_to.is_(None), OrgUnit.valid_to > first_day),
                   ~submitted))
    return scoped_to_subtree(stmt, principal, OrgUnit.path)


UNREVIEWED_ORDER = (OrgUnit.code,)


# Điều 14 khoản 2: DOHA approves what the units send


def submitted_batches(principal: Principal, *columns: Any) -> Select[Any]:
    stmt = (select(*columns).select_from(SyncBatch).join(OrgUnit, OrgUnit.id == SyncBatch.org_unit_id)
            .where(SyncBatch.state == "submitted"))
    return scoped_to_subtree(stmt, principal, OrgUnit.path)


BATCHES = (SyncBatch.id, *UNIT, SyncBatch.period, SyncBatch.record_count, SyncBatch.created_at)
BATCHES_ORDER = (SyncBatch.created_at, SyncBatch.id)


# Điều 13, Điều 19 khoản 1: packets the national side never took (dead letters)


def dead_packets(principal: Principal, *columns: Any) -> Select[Any]:
    """A packet names its agency by code: the unit whose batch released its records."""
    stmt = (select(*columns).select_from(Packet).join(OrgUnit, OrgUnit.code == Packet.agency_code)
            .where(Packet.state == "dead"))
    return scoped_to_subtree(stmt, principal, OrgUnit.path)


DEAD = (Packet.id, *UNIT, Packet.sequence, Packet.record_count, Packet.created_at, Packet.last_error)
DEAD_ORDER = (Packet.created_at, Packet.id)


# Extraordinary approval windows (approval-api's), to say whether a unit may act now


async def open_windows(session: AsyncSession, now: datetime) -> list[tuple[str, datetime]]:
    """(unit path, closing instant) of every extraordinary window open at `now`."""
    stmt = (select(OrgUnit.path, ApprovalWindow.closes_at).join(OrgUnit, OrgUnit.id == ApprovalWindow.org_unit_id)
            .where(ApprovalWindow.opens_at <= now, ApprovalWindow.closes_at > now)
            .order_by(ApprovalWindow.closes_at.desc()).limit(OPEN_WINDOWS_READ))
    return [(row[0], row[1]) for row in await session.execute(stmt)]
