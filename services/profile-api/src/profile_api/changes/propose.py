"""Proposing changes: nobody edits an approved record directly. Every edit is checked against the
whole record it would produce, then forwarded to approval-api as a change request."""

from __future__ import annotations

import uuid
from typing import Any

from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncSession

from hoso_shared import records
from hoso_shared.auth import Principal
from hoso_shared.crypto import FieldCipher
from hoso_shared.db.models import Profile
from hoso_shared.form import SECTIONS, ProfileItems
from hoso_shared.problems import Forbidden
from hoso_shared.validation.rules.evidence import needs_evidence
from profile_api.changes import queries
from profile_api.changes.clients import ApprovalClient
from profile_api.changes.errors import EvidenceRequired, InvalidChange, ProfileArchived, RowNotFound, UnknownAttachment
from profile_api.changes.schemas import ChangeAccepted, ItemsChange, LifecycleChange, RowChange, RowRemoval
from profile_api.profiles import service as profiles
from profile_api.profiles.errors import InvalidSection, OrgUnitNotFound

WRITE_SELF, WRITE = "change-requests:write:self", "profiles:write"
LIFECYCLE_STATUS = {"transfer_within_province": "active", "transfer_out": "transferred_out", "retire": "retired",
                    "resign": "resigned", "decease": "deceased"}


async def _editable(session: AsyncSession, principal: Principal, profile_id: uuid.UUID, *,
                    lifecycle: bool = False) -> Profile:
    profile = await profiles.load_visible(session, principal, profile_id)
    own = principal.profile_id == profile.id and principal.has_scopes(WRITE_SELF) and not lifecycle
    if not own and not principal.has_scopes(WRITE):
        raise Forbidden("The token lacks a scope to propose changes to this record.", missing_scopes=[WRITE])
    if profile.archived_at is not None:
        raise ProfileArchived()
    return profile


async def _forward(session: AsyncSession, principal: Principal, profile: Profile, payload: dict[str, Any],
                   attachments: list[uuid.UUID], comment: str | None, client: ApprovalClient) -> ChangeAccepted:
    changed = sorted({*payload.get("items", {}), *payload.get("sections", {})})
    if needs_evidence(changed) and not attachments:
        raise EvidenceRequired("Attach the document that proves this change (upload it first, then pass its id).",
                               fields=[f for f in changed if needs_evidence([f])])
    unknown = set(attachments) - await queries.attachment_ids(session, profile.id)
    if unknown:
        raise UnknownAttachment(unknown=sorted(str(a) for a in unknown))
    change = {"id": str(uuid.uuid4()), "profile_id": str(profile.id), "org_unit_id": str(profile.org_unit_id),
              "base_version": profile.version, "payload": payload, "attachment_ids": [str(a) for a in attachments],
              "requested_by": str(principal.subject), "comment": comment}
    stored = await client.forward(change)
    return ChangeAccepted(change_request_id=stored["id"], state=stored["state"], base_version=profile.version,
                          changed=sorted({*payload.get("items", {}), *payload.get("sections", {}),
                                          *(k for k in ("status", "org_unit_id") if k in payload)}))


async def propose_items(session: AsyncSession, principal: Principal, profile_id: uuid.UUID, body: ItemsChange,
                        cipher: FieldCipher, client: ApprovalClient) -> ChangeAccepted:
    profile = await _editable(session, principal, profile_id)
    current = records.read_items(profile, cipher, sensitive=True)
    merged = {k: v for k, v in {**current, **body.items}.items() if v is not None}
    try:
        valid = ProfileItems.model_validate(merged).model_dump(mode="json", exclude_none=True)
    except ValidationError as exc:
        raise InvalidChange(errors=exc.errors(include_url=False, include_context=False)) from None
    changed = {k: valid.get(k) for k in set(valid) | set(current) if valid.get(k) != current.get(k)}
    if not changed:
        raise InvalidChange("The change would not alter the record.")
    return await _forward(session, principal, profile, {"items": changed}, body.attachment_ids, body.comment, client)


async def _rows(session: AsyncSession, profile: Profile, section: str, cipher: FieldCipher) -> list[dict[str, Any]]:
    if section not in SECTIONS:
        raise InvalidSection(f"Unknown table {section!r}.", known=sorted(SECTIONS))
    from profile_api.profiles import queries as profile_queries

    rows = await profile_queries.section_rows(session, profile.id)
    return records.read_sections(rows, cipher, sensitive=True)[section]


async def propose_row(session: AsyncSession, principal: Principal, profile_id: uuid.UUID, section: str,
                      row_id: uuid.UUID | None, body: RowChange | RowRemoval, cipher: FieldCipher,
                      client: ApprovalClient) -> ChangeAccepted:
    """Adds (row_id None), replaces or removes (RowRemoval) one row; the change carries the whole new table."""
    profile = await _editable(session, principal, profile_id)
    rows = await _rows(session, profile, section, cipher)
    if row_id is not None and not any(r["id"] == str(row_id) for r in rows):
        raise RowNotFound()
    if isinstance(body, RowRemoval):
        rows = [r for r in rows if r["id"] != str(row_id)]
    elif row_id is None:
        rows = [*rows, {**body.row, "id": str(uuid.uuid4())}]
    else:
        rows = [{**body.row, "id": str(row_id)} if r["id"] == str(row_id) else r for r in rows]
    table = profiles.validate_sections({section: rows})
    return await _forward(session, principal, profile, {"sections": table}, body.attachment_ids, body.comment,
                          client)


async def propose_lifecycle(session: AsyncSession, principal: Principal, profile_id: uuid.UUID,
                            body: LifecycleChange, client: ApprovalClient) -> ChangeAccepted:
    profile = await _editable(session, principal, profile_id, lifecycle=True)
    payload: dict[str, Any] = {"status": LIFECYCLE_STATUS[body.event], "event": body.event,
                               "effective_on": body.effective_on.isoformat()}
    if body.event == "transfer_within_province":
        path = await queries.unit_path(session, body.to_org_unit_id) if body.to_org_unit_id else None
        if path is None or not principal.covers(path) or body.to_org_unit_id == profile.org_unit_id:
            raise OrgUnitNotFound("Name a different unit inside your subtree to transfer to.")
        payload["org_unit_id"] = str(body.to_org_unit_id)
    return await _forward(session, principal, profile, payload, body.attachment_ids, body.comment, client)
