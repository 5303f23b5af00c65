"""The audit log for those who inspect and supervise (Điều 19 khoản 6, Điều 21 khoản 5), and "who saw my record"
for the person it is about."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Query
from fastapi.responses import StreamingResponse
from pydantic import AwareDatetime, StringConstraints

from hoso_shared.db import DbSession
from profile_api.audit_log import export, service
from profile_api.audit_log.auth import AuditRead, SignedIn
from profile_api.audit_log.errors import AuditProfileNotFound, InvalidCursor, InvalidRange, NoOwnRecord
from profile_api.audit_log.schemas import CSV_MAX, VERIFY_MAX, AuditFilter, AuditPage, ChainCheck, RecordReadPage
from profile_api.dependencies import Sessions

router = APIRouter(tags=["audit"])

ActionName = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_.]{0,63}$")]
Cursor = Annotated[str | None, Query(max_length=100, description="`next_cursor` of the page before")]
WHO = ("For auditors (`audit:read`: the `auditor` role, made by DOHA or an agency admin in their subtree). An "
       "auditor reads the entries placed in its subtree: a record's (reads, creation, changes, exports, its "
       "attachments) by the person's *current* unit; a transfer's by either side's unit; an account's, import's, "
       "quarterly review's by its unit; a unit's by the unit. Entries placed nowhere (the working-day calendar …) "
       "only at the root (DOHA's auditor). An auditor never reads a record itself (no `profiles:read`). ")
FILTERS = ("Filters, all optional, all must hold: `profile_id` (entries about that person: their record, its "
           "attachments and transfers; a record outside the subtree is 404), `actor`, `action` (repeatable), "
           "`entity`, `since`/`until` (a time range, `until` excluded).")


def audit_filter(
    profile_id: Annotated[uuid.UUID | None, Query(description="Entries about this person: read or changed")] = None,
    actor: Annotated[str | None, Query(min_length=1, max_length=200, pattern=r"^[^\x00-\x1f\x7f]+$",
                                       description="Who acted, as entries name it: `username:account-id` or "
                                                   "`system`")] = None,
    action: Annotated[list[ActionName] | None, Query(max_length=20, description=(
        "What was done (repeat for several, at most 20): `read_sensitive`, `create`, `apply_change_request` …"),
    )] = None,
    entity: Annotated[str | None, Query(pattern=r"^[a-z][a-z_]{0,39}$", description=(
        "What it was done to: `profile`, `attachment`, `account`, `org_unit` …"))] = None,
    since: Annotated[AwareDatetime | None, Query(description="From this instant (with its offset), included")] = None,
    until: Annotated[AwareDatetime | None, Query(description="Up to this instant (with its offset), excluded")] = None,
) -> AuditFilter:
    if since is not None and until is not None and until <= since:
        raise InvalidRange("`until` phải sau `since`. `until` must come after `since`.")
    return AuditFilter(profile_id=profile_id, actor=actor, actions=tuple(action or ()), entity=entity, since=since,
                       until=until)


Filters = Annotated[AuditFilter, Depends(audit_filter)]


@router.get("/api/v1/audit", summary="Who saw and changed what in the caller's subtree, newest first.",
            description=WHO + FILTERS + " Keyset pages: pass `next_cursor` back as `cursor` with the same filters. "
            "Each entry carries the acting account's roles and unit as they are today.",
            responses={**AuditProfileNotFound.openapi(), **InvalidCursor.openapi(), **InvalidRange.openapi()})
async def list_audit_entries(principal: AuditRead, session: DbSession, flt: Filters, cursor: Cursor = None,
                             limit: Annotated[int, Query(ge=1, le=500, description="Entries a page")] = 50,
                             ) -> AuditPage:
    return await service.list_entries(session, principal, flt, cursor=cursor, limit=limit)


@router.get("/api/v1/audit.csv", summary="The same list as CSV, streamed.",
            description=WHO + FILTERS + f" Every entry the filters select, newest first, at most {CSV_MAX:,} (narrow "
            "the time range for more), in the columns of the JSON list (lists joined by spaces), UTF-8 with a BOM. "
            "The export is itself audited (`export.audit.csv` on the auditor's unit, with the filters).",
            response_class=StreamingResponse,
            responses={200: {"content": {"text/csv": {}}, "description": "The entries as CSV"},
                       **AuditProfileNotFound.openapi(), **InvalidRange.openapi()})
async def export_audit_entries(principal: AuditRead, session: DbSession, sessions: Sessions,
                               flt: Filters) -> StreamingResponse:
    reading = await service.start_export(session, principal, flt)
    return StreamingResponse(service.stream_csv(sessions, reading), media_type=export.MEDIA_TYPE,
                             headers={"Content-Disposition": 'attachment; filename="audit.csv"'})


@router.get("/api/v1/audit/verify", summary="Check the audit log's hash chain over a range of entries.",
            description=f"Runs the chain verification of `python -m profile_api.audit verify` over the sealed "
            f"entries `from_seq`..`to_seq` (at most {VERIFY_MAX:,} a call; `to_seq` defaults to the most allowed): "
            "each must follow the one before it as stored and match its own hash. Answers `intact`, or the first "
            "broken entry (`first_bad_seq`, `first_bad_id`) and what is wrong. Any auditor, over the province's "
            "one chain: the answer holds counts and positions, never an entry's content, actor or subject.",
            responses=InvalidRange.openapi())
async def verify_audit_chain(principal: AuditRead, session: DbSession,
                             from_seq: Annotated[int, Query(ge=1, le=2**62, description="First entry")] = 1,
                             to_seq: Annotated[int | None, Query(ge=1, le=2**62, description="Last entry")] = None,
                             ) -> ChainCheck:
    return await service.verify(session, from_seq=from_seq, to_seq=to_seq)


@router.get("/api/v1/me/record-reads", summary="Ai đã xem thông tin nhạy cảm của tôi: who read my record's "
            "sensitive parts.",
            description="The reads of the sensitive items and tables (citizen ID, phone, family, Party and health "
            "records …) of the caller's own record (the account's linked record, never another's), newest first: "
            "when, which parts, and the reader's role and unit, never the reader's name. Keyset pages: pass "
            "`next_cursor` back as `cursor`. An account with no record of its own: 404 `no-own-record`.",
            responses={**NoOwnRecord.openapi(), **InvalidCursor.openapi()})
async def list_my_record_reads(principal: SignedIn, session: DbSession, cursor: Cursor = None,
                               limit: Annotated[int, Query(ge=1, le=200, description="Reads a page")] = 50,
                               ) -> RecordReadPage:
    return await service.list_own_reads(session, principal, cursor=cursor, limit=limit)
