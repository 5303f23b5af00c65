"""A new record is a change request too (hanoi-2024 Điều 7: approvers approve "dữ liệu mới" as well as
updates). The record is kept pending (version 0: no version row, no outbox row; read by id by its agency's HR
and approvers, never listed, counted or synced) and a `create` change request is submitted for it; applying
the approved request writes version 1 and its outbox row (changes.apply).

Choices: the request's findings are judged on the pending record and shown like any proposal's; approving a
create over `error` findings needs an override reason like any other (no bulk exception). Evidence: the create
payload changes no item by itself (`{"event": "create"}`), so the policy's per-change evidence rule asks none;
the source document (recruitment decision, legacy form) is the record's own content. `occurred_on` is the day
the person joined (`incoming_on`) or the day of entry."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from hoso_shared.auth import Principal
from hoso_shared.crypto import FieldCipher
from hoso_shared.db.engine import commit_for_peer
from hoso_shared.db.models import Profile
from hoso_shared.deadlines import DeadlinePolicy
from profile_api.changes import findings
from profile_api.changes.clients import ApprovalClient
from profile_api.profiles import service as profiles
from profile_api.profiles.schemas import ProfileRead

CREATE_PAYLOAD: dict[str, Any] = {"event": "create"}
NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "hoso-gateway:create-request")


def create_request_id(profile_id: uuid.UUID) -> uuid.UUID:
    """One create request per pending record, so re-forwarding it (a retry, a reconciler) is a no-op."""
    return uuid.uuid5(NAMESPACE, str(profile_id))


def create_occurred_on(incoming_on: date | None, entered_on: date) -> date:
    """The day the person joined (`incoming_on`), or the day the record was entered; never after the entry."""
    return min(incoming_on or entered_on, entered_on)


def create_change(profile_id: uuid.UUID, org_unit_id: uuid.UUID, requested_by: uuid.UUID, *, occurred_on: date,
                  judged: list[Any] | None) -> dict[str, Any]:
    """The `create` request as approval-api takes it (`judged` None: not judged, as for a bulk import's rows,
    which the import's own row checks stand for)."""
    return {"id": str(create_request_id(profile_id)), "kind": "create", "profile_id": str(profile_id),
            "org_unit_id": str(org_unit_id), "base_version": 0, "payload": CREATE_PAYLOAD,
            "attachment_ids": [], "requested_by": str(requested_by), "comment": None,
            "occurred_on": occurred_on.isoformat(), "findings": judged}


async def submit_create(session: AsyncSession, principal: Principal, profile: Profile, client: ApprovalClient,
                        cipher: FieldCipher, policy: DeadlinePolicy, today: date) -> ProfileRead:
    """Judges the pending record, commits it (approval-api's row names it), forwards its create request and
    answers with the pending record and the request's id."""
    occurred_on = create_occurred_on(profile.incoming_on, today)
    judged = await findings.judge_proposal(session, profile, {}, attachments=[], occurred_on=occurred_on,
                                           cipher=cipher, policy=policy, today=today)
    change = create_change(profile.id, profile.org_unit_id, principal.subject, occurred_on=occurred_on,
                           judged=judged.kept)
    await commit_for_peer(session)
    stored = await client.forward(change)
    read = await profiles.get_profile(session, principal, profile.id, cipher, today)
    return read.model_copy(update={"create_request_id": uuid.UUID(stored["id"])})
