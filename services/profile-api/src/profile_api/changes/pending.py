"""Pending new records (hanoi-2024 Điều 7: "dữ liệu mới" is approved too) that would otherwise stay pending
forever, invisible to approvers and holding their citizen ID:

- one whose `create` request never reached approval-api (it was down when the record was entered, or the
  process died between the commit and the forward) is forwarded again after a grace period, with the same
  deterministic id (a record forwarded meanwhile is a no-op), in the name of the account that entered it;
- one whose create request was rejected or withdrawn (final states) is archived: kept for the trail, nothing
  deleted, but no longer pending, and its citizen ID freed (`tombstone`) so the person can be entered again.

profile-api reads approval-api's `change_requests` and writes only its own rows: no new call between the
services, and each row keeps one owner. Every replica runs it: forwarding is idempotent and archiving skips
the rows another replica has locked.

Choice: a re-forwarded request is judged afresh (findings as `create.submit_create` keeps them), not sent
with `None` as a bulk row is. The reconciler cannot tell a bulk row from a single entry, and a request without
findings would let an approver pass `error` findings without the override reason a single entry's needs."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from hoso_shared import http as peer
from hoso_shared.crypto import FieldCipher
from hoso_shared.db.engine import SessionMaker, session_scope
from hoso_shared.db.models import Profile
from hoso_shared.deadlines import DeadlinePolicy
from hoso_shared.logging import get_logger
from hoso_shared.time import local_day
from profile_api.audit import service as audit
from profile_api.changes import create, findings, queries
from profile_api.changes.clients import ApprovalClient
from profile_api.changes.errors import ApprovalUnavailable
from profile_api.changes.metrics import PendingMetrics

log = get_logger("profile_api.pending")
BATCH = 200  # records forwarded, and records archived, per run: a backlog drains over a few ticks


@dataclass(frozen=True)
class Reconciler:
    sessionmaker: SessionMaker
    approval: ApprovalClient  # the app's own client: what the create routes forward through
    cipher: FieldCipher
    policy: DeadlinePolicy
    metrics: PendingMetrics
    grace: timedelta  # a younger record's own request may still be on its way: leave it alone


@dataclass(frozen=True)
class Reconciled:
    forwarded: int
    archived: int


def tombstone(citizen_id_hmac: bytes, profile_id: uuid.UUID) -> bytes:
    """What an archived pending record keeps in the UNIQUE `citizen_id_hmac`: its own id (so no other row can
    hold the value) before the keyed hash (so the trail stays searchable: the last 32 bytes). 48 bytes never
    equal a 32-byte HMAC, so no lookup of a citizen ID matches it and a new record of the person may take it.
    The sealed citizen ID itself (`citizen_id_enc`) is kept as it was."""
    return profile_id.bytes + citizen_id_hmac


async def reconcile_once(reconciler: Reconciler, now: datetime, *, limit: int = BATCH) -> Reconciled:
    archived = await archive_closed(reconciler, now, limit=limit)
    forwarded = await forward_unforwarded(reconciler, now, limit=limit)
    return Reconciled(forwarded=forwarded, archived=archived)


async def archive_closed(reconciler: Reconciler, now: datetime, *, limit: int = BATCH) -> int:
    """Archives up to `limit` pending records whose create request was rejected or withdrawn, in one
    transaction; returns how many."""
    async with session_scope(reconciler.sessionmaker) as session:
        closed = await queries.lock_closed_creates(session, limit)
        for profile, state in closed:
            await _archive(session, profile, state, now)
    reconciler.metrics.archived.inc(len(closed))
    return len(closed)


async def _archive(session: AsyncSession, profile: Profile, state: str, now: datetime) -> None:
    profile.archived_at = now
    profile.citizen_id_hmac = tombstone(profile.citizen_id_hmac, profile.id)
    await queries.end_unapproved_assignment(session, profile.id)
    await audit.record(session, None, "archive_pending", "profile", profile.id,
                       after={"archived_at": now.isoformat(), "create_request": state},
                       fields=["archived_at", "citizen_id_hmac"])


async def forward_unforwarded(reconciler: Reconciler, now: datetime, *, limit: int = BATCH) -> int:
    """Forwards the create requests of up to `limit` pending records older than the grace that approval-api
    holds none for; returns how many it took. Stops at the first sign approval-api is down (the rest wait for
    the next run); a request it refuses is logged and tried again next run."""
    async with session_scope(reconciler.sessionmaker) as session:
        found = await queries.unforwarded_creates(session, now - reconciler.grace, limit)
        changes = [await _create_change(session, reconciler, profile, profile.created_by, local_day(now))
                   for profile in found if profile.created_by is not None]
    # The session is closed before the calls: no transaction stays open while approval-api answers.
    forwarded = 0
    for done, change in enumerate(changes):
        try:
            await reconciler.approval.forward(change)
        except ApprovalUnavailable as exc:
            if exc.__cause__ is None or peer.is_transient(exc.__cause__):
                log.warning("create_requests_not_reforwarded", left=len(changes) - done, reason=str(exc))
                break
            reconciler.metrics.refused.inc()
            log.error("create_request_refused", profile_id=change["profile_id"], reason=str(exc))
            continue
        forwarded += 1
        reconciler.metrics.reforwarded.inc()
    return forwarded


async def _create_change(session: AsyncSession, reconciler: Reconciler, profile: Profile,
                         requested_by: uuid.UUID, today: date) -> dict[str, Any]:
    """The request `create.submit_create` would have forwarded on the day the record was entered."""
    occurred_on = create.create_occurred_on(profile.incoming_on, local_day(profile.created_at))
    judged = await findings.judge_proposal(session, profile, {}, attachments=[], occurred_on=occurred_on,
                                           cipher=reconciler.cipher, policy=reconciler.policy, today=today)
    return create.create_change(profile.id, profile.org_unit_id, requested_by, occurred_on=occurred_on,
                                judged=judged.kept)
