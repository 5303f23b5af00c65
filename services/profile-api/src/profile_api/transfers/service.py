"""Proposing, accepting, refusing, cancelling and handing over transfers (see the package docstring)."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any, Literal

from sqlalchemy.ext.asyncio import AsyncSession

from hoso_shared import cursors
from hoso_shared.auth import Principal
from hoso_shared.crypto import FieldCipher
from hoso_shared.db.models import OrgUnit, Profile, Transfer
from hoso_shared.deadlines import DeadlinePolicy
from hoso_shared.time import Calendar, local_day
from profile_api.audit import service as audit
from profile_api.changes import queries as change_queries
from profile_api.changes.errors import ProfileArchived, UnknownAttachment
from profile_api.changes.propose import not_in_future
from profile_api.profiles import errors as profiles_errors
from profile_api.profiles import service as profiles
from profile_api.profiles import versions
from profile_api.transfers import guard, queries
from profile_api.transfers.errors import (
    InvalidReceiver,
    NotTheReceiver,
    NotTheSender,
    OpenChangeRequests,
    TransferNotFound,
    TransferNotOpen,
)
from profile_api.transfers.schemas import (
    Acceptance,
    HandOver,
    ReceiverPage,
    Refusal,
    TransferPage,
    TransferProposal,
    TransferRead,
    UnitRef,
)

Direction = Literal["incoming", "outgoing"]
KEPT_ROLE = "officer"  # what a person keeps at the receiver: their own record; other roles were the sender's


def _unit(unit: OrgUnit | None) -> UnitRef | None:
    return UnitRef(id=unit.id, code=unit.code, name=unit.name) if unit is not None else None


def read(row: Any, policy: DeadlinePolicy, days: Calendar, today: date) -> TransferRead:
    transfer: Transfer = row[0]
    due = (policy.transfer_accept_due(local_day(transfer.created_at), days)
           if transfer.state == "proposed" else None)
    from_unit = _unit(row[3])
    assert from_unit is not None  # an inner join
    return TransferRead(
        id=transfer.id, kind=transfer.kind, state=transfer.state, profile_id=transfer.profile_id,
        person_name=row[1], birth_date=row[2], from_unit=from_unit, to_unit=_unit(row[4]),
        placed_unit=_unit(row[5]), destination=transfer.destination, effective_on=transfer.effective_on,
        decision={"number": transfer.decision_number, "issued_on": transfer.decision_issued_on.isoformat(),
                  "issuer": transfer.decision_issuer},
        attachment_ids=list(transfer.attachment_ids), comment=transfer.comment, proposed_at=transfer.created_at,
        due_on=due, overdue=due is not None and today > due, decided_at=transfer.decided_at, note=transfer.note,
        change_request_id=transfer.change_request_id)


async def propose(session: AsyncSession, principal: Principal, body: TransferProposal, policy: DeadlinePolicy,
                  days: Calendar, today: date) -> TransferRead:
    profile = await profiles.load_visible(session, principal, body.profile_id, lock=True)
    if profile.archived_at is not None or profile.version == 0:
        raise ProfileArchived("Only a current, approved record can be transferred.")
    receiver = await queries.current_unit(session, body.to_org_unit_id, today)
    if receiver is None or principal.covers(receiver.path):
        raise InvalidReceiver(
            "Chọn đơn vị tiếp nhận ngoài phạm vi quản lý của mình (trong phạm vi: dùng điều động nội bộ). Name a "
            "current unit outside your subtree; inside it, propose a lifecycle transfer_within_province.")
    not_in_future(body.decision.issued_on, today, "Ngày ban hành quyết định")
    unknown = set(body.attachment_ids) - await change_queries.attachment_ids(session, profile.id)
    if unknown:
        raise UnknownAttachment(unknown=sorted(str(a) for a in unknown))
    await guard.no_open_transfer(session, profile.id)
    waiting = await queries.open_change_requests(session, profile.id)
    if waiting:
        raise OpenChangeRequests(
            "Người này còn yêu cầu thay đổi chưa xử lý; phê duyệt, trả lại hoặc rút trước khi điều chuyển. Decide "
            "or withdraw the person's open change requests first.", change_request_ids=[str(w) for w in waiting])
    transfer = Transfer(kind="between_agencies", state="proposed", profile_id=profile.id,
                        from_org_unit_id=profile.org_unit_id, to_org_unit_id=receiver.id,
                        effective_on=body.effective_on, decision_number=body.decision.number,
                        decision_issued_on=body.decision.issued_on, decision_issuer=body.decision.issuer,
                        attachment_ids=list(body.attachment_ids), comment=body.comment,
                        proposed_by=principal.subject)
    session.add(transfer)
    await session.flush()
    await audit.record(session, principal, "propose_transfer", "transfer", transfer.id,
                       after={"profile_id": str(profile.id), "to_org_unit_id": str(receiver.id)})
    return await get(session, principal, transfer.id, policy, days, today)


async def get(session: AsyncSession, principal: Principal, transfer_id: uuid.UUID, policy: DeadlinePolicy,
              days: Calendar, today: date) -> TransferRead:
    row = await queries.one(session, principal, transfer_id)
    if row is None:
        raise TransferNotFound()
    return read(row, policy, days, today)


async def _open(session: AsyncSession, principal: Principal, transfer_id: uuid.UUID, state: str) -> Any:
    row = await queries.one(session, principal, transfer_id, lock=True)
    if row is None:
        raise TransferNotFound()
    if row[0].state != state:
        raise TransferNotOpen(f"The transfer is {row[0].state}.", state=row[0].state)
    return row


def _receiving(principal: Principal, row: Any) -> None:
    if row[4] is None or not principal.covers(row[4].path):
        raise NotTheReceiver()


def _decided(transfer: Transfer, state: str, principal: Principal, now: datetime, note: str | None = None) -> None:
    transfer.state, transfer.decided_by, transfer.decided_at, transfer.note = state, principal.subject, now, note


async def accept(session: AsyncSession, principal: Principal, transfer_id: uuid.UUID, body: Acceptance,
                 cipher: FieldCipher, policy: DeadlinePolicy, days: Calendar, now: datetime) -> TransferRead:
    """The hand-over, in the caller's transaction: record, assignment history, accounts and the announcing version."""
    row = await _open(session, principal, transfer_id, "proposed")
    _receiving(principal, row)
    transfer: Transfer = row[0]
    placed = row[4]
    if body.org_unit_id is not None and body.org_unit_id != placed.id:
        chosen = await queries.current_unit(session, body.org_unit_id, local_day(now))
        if chosen is None or not chosen.path.startswith(placed.path) or not principal.covers(chosen.path):
            raise InvalidReceiver("Place the person in the proposed unit or a current unit under it.")
        placed = chosen
    locked = await change_queries.lock_profile(session, transfer.profile_id)
    assert locked is not None  # a transfer's record is never deleted
    profile = locked[0]
    if profile.archived_at is not None:
        raise ProfileArchived()
    before = await profiles.full_record(session, profile, cipher)
    await _move(session, profile, placed, transfer, principal, now)
    after = await profiles.full_record(session, profile, cipher)
    await versions.write_version(session, profile, after, cipher, reason="transferred", changed=["org_unit_id"],
                                 change_request_id=None, actor_id=principal.subject)
    transfer.placed_org_unit_id = placed.id
    _decided(transfer, "accepted", principal, now)
    await session.flush()
    await audit.record(session, principal, "accept_transfer", "profile", profile.id, before=before, after=after,
                       fields=["org_unit_id"])
    return await get(session, principal, transfer.id, policy, days, local_day(now))


async def _move(session: AsyncSession, profile: Profile, unit: OrgUnit, transfer: Transfer, principal: Principal,
                now: datetime) -> None:
    """The record and the person's accounts to `unit`; what the person could do at the sender beyond their own
    record (roles, a delegation to create accounts) ends, each end recorded on the transfer's decision."""
    await change_queries.reassign(session, profile, unit.id, transfer.effective_on, "transferred")
    profile.org_unit_id = unit.id
    profile.version += 1
    accounts = await queries.person_accounts(session, profile.id)
    for account in accounts:
        if account.roles != [KEPT_ROLE]:
            previous = list(account.roles)
            account.roles = [KEPT_ROLE]
            session.add(queries.access_change(account.id, "roles", {"roles": previous}, {"roles": account.roles},
                                              transfer, principal.subject))
    for delegate in await queries.revoke_delegations(session, [a.id for a in accounts], principal.subject, now):
        session.add(queries.access_change(delegate, "undelegate", {"delegation": True}, {"delegation": None},
                                          transfer, principal.subject))
    await session.flush()


async def refuse(session: AsyncSession, principal: Principal, transfer_id: uuid.UUID, body: Refusal,
                 policy: DeadlinePolicy, days: Calendar, now: datetime) -> TransferRead:
    row = await _open(session, principal, transfer_id, "proposed")
    _receiving(principal, row)
    _decided(row[0], "refused", principal, now, body.reason)
    await session.flush()
    await audit.record(session, principal, "refuse_transfer", "transfer", transfer_id)
    return await get(session, principal, transfer_id, policy, days, local_day(now))


async def cancel(session: AsyncSession, principal: Principal, transfer_id: uuid.UUID, policy: DeadlinePolicy,
                 days: Calendar, now: datetime) -> TransferRead:
    row = await _open(session, principal, transfer_id, "proposed")
    if not principal.covers(row[3].path):
        raise NotTheSender()
    _decided(row[0], "cancelled", principal, now)
    await session.flush()
    await audit.record(session, principal, "cancel_transfer", "transfer", transfer_id)
    return await get(session, principal, transfer_id, policy, days, local_day(now))


async def hand_over(session: AsyncSession, principal: Principal, transfer_id: uuid.UUID, body: HandOver,
                    policy: DeadlinePolicy, days: Calendar, now: datetime) -> TransferRead:
    row = await _open(session, principal, transfer_id, "reported")
    _decided(row[0], "handed_over", principal, now, body.reference)
    await session.flush()
    await audit.record(session, principal, "hand_over_transfer", "transfer", transfer_id)
    return await get(session, principal, transfer_id, policy, days, local_day(now))


async def report_central(session: AsyncSession, profile: Profile, payload: dict[str, Any],
                         change_request_id: uuid.UUID, requested_by: uuid.UUID) -> None:
    """An applied move out of the province to a central body, for DOHA to hand over nationally (khoản 2.1 b)."""
    decision = payload["decision"]
    session.add(Transfer(kind="to_central_body", state="reported", profile_id=profile.id,
                         from_org_unit_id=profile.org_unit_id, destination=payload["destination"],
                         effective_on=date.fromisoformat(payload["effective_on"]),
                         decision_number=decision["number"], decision_issued_on=date.fromisoformat(
                             decision["issued_on"]), decision_issuer=decision["issuer"],
                         change_request_id=change_request_id, proposed_by=requested_by))


async def list_transfers(session: AsyncSession, principal: Principal, *, direction: Direction | None,
                         state: str | None, cursor: str | None, limit: int, policy: DeadlinePolicy,
                         days: Calendar, today: date) -> TransferPage:
    stmt = queries.visible(principal)
    if direction == "incoming":
        stmt = queries.incoming(stmt, principal)
    elif direction == "outgoing":
        stmt = queries.outgoing(stmt, principal)
    if state is not None:
        stmt = stmt.where(Transfer.state == state)
    found = await queries.rows(session, queries.page(stmt, cursors.decode(cursor) if cursor else None, limit))
    return TransferPage(items=[read(r, policy, days, today) for r in found[:limit]],
                        next_cursor=cursors.following(found, limit, lambda r: (r[0].created_at, r[0].id)))


async def list_receivers(session: AsyncSession, principal: Principal, *, search: str | None, cursor: str | None,
                         limit: int) -> ReceiverPage:
    """The directory a sender picks the receiving agency from (names and codes of units: no person's data)."""
    try:
        after = profiles.decode_cursor(cursor) if cursor else None
    except profiles_errors.InvalidCursor:
        raise cursors.InvalidCursor() from None  # 422, as the transfers' own list answers a forged cursor
    found = await queries.receivers(session, principal, search=search, after=after, limit=limit + 1)
    items = [UnitRef(id=u.id, code=u.code, name=u.name) for u in found[:limit]]
    return ReceiverPage(items=items, next_cursor=profiles.encode_cursor(items[-1].id) if len(found) > limit else None)
