"""Who may read which audit entries, the pages, the CSV stream, the chain check over a range, and a person's
view of their own record's sensitive reads.

- An auditor (`audit:read`; Điều 19 khoản 6 for DOHA, Điều 21 khoản 5 for agencies) reads the entries placed in
  its subtree (`queries.placed_in`: a record's entries by the person's *current* unit). An auditor at the root
  (DOHA's) reads every entry, those placed nowhere included.
- The chain check (`audit.service.verify_chain`, the CLI's) runs for any auditor over any range: it answers with
  counts, a `seq`, an `id` and what kind of break, never an entry's content, actor or subject, and the chain is
  one for the province (an agency's entries are not a chain of their own). So it reveals nothing an agency's
  auditor could not ask DOHA for, and lets each level check the log it relies on.
- A person reads the `read_sensitive` entries of their own record only (the account's linked record, from the
  token): the reader's role and unit, never the reader's name — Điều 8 khoản 3 opens one's own data to one, and
  who the reader is, is the reader's data (our choice; DOHA's auditor sees the name)."""

from __future__ import annotations

import base64
import binascii
import uuid
from collections.abc import AsyncIterator
from dataclasses import asdict, dataclass
from datetime import datetime

from sqlalchemy import ColumnElement
from sqlalchemy.ext.asyncio import AsyncSession

from hoso_shared.auth import Principal
from hoso_shared.db.engine import SessionMaker
from hoso_shared.db.models import AuditEntry
from hoso_shared.db.paths import escape_like
from profile_api.audit import service as audit
from profile_api.audit_log import export, queries
from profile_api.audit_log.errors import AuditProfileNotFound, InvalidCursor, InvalidRange, NoOwnRecord
from profile_api.audit_log.schemas import (
    CSV_MAX,
    VERIFY_MAX,
    AuditEntryRead,
    AuditFilter,
    AuditPage,
    ChainCheck,
    RecordRead,
    RecordReadPage,
)

CSV_BATCH = 1000
REASONS_VI = {audit.ALTERED: "nội dung không khớp mã băm (đã bị sửa)",
              audit.OUT_OF_ORDER: "không nối tiếp bản ghi trước (bị xóa hoặc đảo thứ tự)"}


def encode_cursor(at: datetime, ident: int) -> str:
    return base64.urlsafe_b64encode(f"{at.isoformat()}|{ident}".encode()).decode()


def decode_cursor(cursor: str) -> tuple[datetime, int]:
    try:
        at, _, ident = base64.urlsafe_b64decode(cursor.encode()).decode().partition("|")
        found = datetime.fromisoformat(at), int(ident)
    except (binascii.Error, UnicodeDecodeError, ValueError):
        found = None
    if found is None or found[0].tzinfo is None or not 0 < found[1] < 2**63:  # a bigint, as the column
        raise InvalidCursor("Con trỏ trang không hợp lệ: dùng `next_cursor` của trang trước. The cursor is not one "
                            "this list gave.")
    return found


def at_root(principal: Principal) -> bool:
    """A principal whose unit is a root of the tree ("/<id>/"): DOHA's level, the whole province."""
    return principal.org_path.count("/") == 2


@dataclass(frozen=True)
class Plan:
    """One request's reading: the filters as SQL inputs, settled before the first row is read."""

    flt: AuditFilter
    scope: ColumnElement[bool] | None
    about: list[tuple[str, str]] | None


async def plan(session: AsyncSession, principal: Principal, flt: AuditFilter) -> Plan:
    """A record named in the filter must be in the caller's subtree (else 404, as if absent); its entries are then
    all placed there, so the subtree condition is not needed. Otherwise it is, below the root."""
    if flt.profile_id is not None:
        path = await queries.profile_path(session, flt.profile_id)
        if path is None or not principal.covers(path):
            raise AuditProfileNotFound("Không có hồ sơ này trong phạm vi của bạn. No such record in your subtree.")
        return Plan(flt, None, await queries.about_profile(session, flt.profile_id))
    scope = None if at_root(principal) else queries.placed_in(escape_like(principal.org_path) + "%")
    return Plan(flt, scope, None)


def _account_id(actor: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(actor.rpartition(":")[2]) if ":" in actor else None
    except ValueError:
        return None


async def _read(session: AsyncSession, rows: list[AuditEntry]) -> list[AuditEntryRead]:
    known = await queries.actors(session, {i for r in rows if (i := _account_id(r.actor)) is not None})
    items = []
    for r in rows:
        roles, unit_id, unit_name = known.get(_account_id(r.actor) or uuid.UUID(int=0), (None, None, None))
        items.append(AuditEntryRead(
            id=r.id, at=r.at, actor=r.actor, actor_roles=roles, actor_unit_id=unit_id, actor_unit_name=unit_name,
            action=r.action, entity=r.entity, entity_id=r.entity_id, fields=[str(f) for f in r.fields],
            before_digest=r.before_digest, after_digest=r.after_digest, seq=r.seq, prev_hash=r.prev_hash,
            hash=r.hash))
    return items


async def list_entries(session: AsyncSession, principal: Principal, flt: AuditFilter, *, cursor: str | None,
                       limit: int) -> AuditPage:
    reading = await plan(session, principal, flt)
    after = decode_cursor(cursor) if cursor else None
    rows = await queries.page(session, queries.entries(flt, scope=reading.scope, about=reading.about, after=after,
                                                       limit=limit + 1))
    more = encode_cursor(rows[limit - 1].at, rows[limit - 1].id) if len(rows) > limit else None
    return AuditPage(items=await _read(session, rows[:limit]), next_cursor=more)


async def start_export(session: AsyncSession, principal: Principal, flt: AuditFilter) -> Plan:
    """The export's reading, and its own entry in the log (in the request's transaction): who took a copy of the
    trail, of which part (the filters), stays on the trail."""
    reading = await plan(session, principal, flt)
    asked = {k: v.isoformat() if isinstance(v, datetime) else str(v) if isinstance(v, uuid.UUID) else v
             for k, v in asdict(flt).items() if v not in (None, ())}
    await audit.record(session, principal, "export.audit.csv", "org_unit", principal.org_unit_id, after=asked,
                       fields=sorted(asked))
    return reading


async def stream_csv(sessionmaker: SessionMaker, reading: Plan) -> AsyncIterator[bytes]:
    """The same list as the pages, as CSV, at most CSV_MAX entries, read CSV_BATCH at a time in its own session
    (the request's has ended by the time the body is sent)."""
    yield export.header()
    sent, after = 0, None
    async with sessionmaker() as session:
        while sent < CSV_MAX:
            batch = min(CSV_BATCH, CSV_MAX - sent)
            rows = await queries.page(session, queries.entries(reading.flt, scope=reading.scope,
                                                               about=reading.about, after=after, limit=batch))
            if rows:
                yield export.rows(await _read(session, rows))
            sent += len(rows)
            if len(rows) < batch:
                break
            after = (rows[-1].at, rows[-1].id)
        await session.rollback()  # read only


async def verify(session: AsyncSession, *, from_seq: int, to_seq: int | None) -> ChainCheck:
    last = to_seq if to_seq is not None else from_seq + VERIFY_MAX - 1
    if last < from_seq or last - from_seq + 1 > VERIFY_MAX:
        raise InvalidRange(f"Kiểm tra tối đa {VERIFY_MAX:,} bản ghi mỗi lần, với from_seq ≤ to_seq. At most "
                           f"{VERIFY_MAX:,} entries a call, from_seq ≤ to_seq.")
    report = await audit.verify_chain(session, from_seq=from_seq, to_seq=last)
    reason = f"{REASONS_VI.get(report.reason, report.reason)} — {report.reason}" if report.reason else None
    return ChainCheck(from_seq=from_seq, to_seq=last, checked=report.checked, intact=report.intact,
                      first_bad_seq=report.first_bad_seq, first_bad_id=report.first_bad_id, reason=reason,
                      unsealed=report.unsealed)


async def list_own_reads(session: AsyncSession, principal: Principal, *, cursor: str | None,
                         limit: int) -> RecordReadPage:
    if principal.profile_id is None:
        raise NoOwnRecord("Tài khoản này không gắn với hồ sơ của ai. This account is not linked to a record.")
    after = decode_cursor(cursor) if cursor else None
    rows = await queries.page(session, queries.own_reads(principal.profile_id, after, limit + 1))
    more = encode_cursor(rows[limit - 1].at, rows[limit - 1].id) if len(rows) > limit else None
    items = [RecordRead(at=e.at, parts=e.fields, by_you=_account_id(e.actor) == principal.subject,
                        reader_roles=e.actor_roles or (["system"] if e.actor == "system" else []),
                        reader_unit_name=e.actor_unit_name)
             for e in await _read(session, rows[:limit])]
    return RecordReadPage(profile_id=principal.profile_id, items=items, next_cursor=more)
