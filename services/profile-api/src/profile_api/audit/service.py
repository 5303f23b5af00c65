"""The append-only, hash-chained audit log: every write, and every read of sensitive fields.

Appending is one INSERT in the acting request's transaction (it commits or rolls back with the act,
and never makes requests wait on each other). A sealer — a background task of every profile-api
replica, one at a time through an advisory lock — then numbers the committed entries (`seq`) and
chains them: each hash covers the entry's content, its number and the previous hash, so changing,
removing or reordering a sealed entry breaks the chain from there; `verify_chain` finds the first
break. The database refuses any UPDATE but sealing and any DELETE (a trigger)."""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from hoso_shared.auth import Principal
from hoso_shared.canonical import canonical
from hoso_shared.crypto import digest
from hoso_shared.db.models import AuditEntry
from hoso_shared.time import utc_now
from profile_api.audit import queries

GENESIS = "0" * 64
# What `verify_chain` says of a broken entry (the CLI prints it; the API adds the Vietnamese).
OUT_OF_ORDER = "does not follow the previous entry (removed or reordered)"
ALTERED = "its content does not match its hash (altered)"
HASHED = ("id", "at", "actor", "action", "entity", "entity_id", "fields", "before_digest", "after_digest")


def entry_hash(prev_hash: str, seq: int, entry: AuditEntry) -> str:
    content = {k: getattr(entry, k) for k in HASHED} | {"at": queries.stamp(entry.at), "seq": seq,
                                                         "fields": list(entry.fields)}
    return hashlib.sha256(prev_hash.encode() + canonical(content)).hexdigest()


def actor_of(principal: Principal | None) -> str:
    return "system" if principal is None else f"{principal.username}:{principal.subject}"


async def record(session: AsyncSession, principal: Principal | None, action: str, entity: str,
                 entity_id: uuid.UUID | str, *, before: Any = None, after: Any = None,
                 fields: list[str] | None = None) -> None:
    """Append one entry in the caller's transaction. `before` and `after` are JSON values (their digests
    are over `hoso_shared.canonical` bytes): convert dates, UUIDs and decimals first."""
    await queries.append(session, entry(principal, action, entity, entity_id, before=before, after=after,
                                        fields=fields))


def entry(principal: Principal | None, action: str, entity: str, entity_id: uuid.UUID | str, *, before: Any = None,
          after: Any = None, fields: list[str] | None = None) -> dict[str, Any]:
    """The values of one entry, as `record` appends it."""
    return {"at": utc_now(), "actor": actor_of(principal), "action": action, "entity": entity,
            "entity_id": str(entity_id), "fields": sorted(fields or []),
            "before_digest": None if before is None else digest(before),
            "after_digest": None if after is None else digest(after)}


async def record_many(session: AsyncSession, entries: list[dict[str, Any]]) -> None:
    """Append many entries (`entry`) in the caller's transaction, in one statement."""
    if entries:
        await queries.append_many(session, entries)


async def seal_pending(session: AsyncSession, *, limit: int = 10_000) -> int:
    """Chains up to `limit` committed, unsealed entries; returns how many. Another sealer holding the
    lock means there is nothing to do here now."""
    if not await queries.try_lock_chain(session):
        return 0
    head = await queries.chain_head(session)
    seq, prev = head if head else (0, GENESIS)
    pending = await queries.unsealed(session, limit)
    seals = []
    for entry in pending:
        seq += 1
        current = entry_hash(prev, seq, entry)
        seals.append({"id": entry.id, "seq": seq, "prev_hash": prev, "hash": current})
        prev = current
    await queries.seal(session, seals)
    return len(pending)


@dataclass(frozen=True)
class ChainReport:
    checked: int
    unsealed: int
    first_bad_seq: int | None
    first_bad_id: int | None
    reason: str | None

    @property
    def intact(self) -> bool:
        return self.first_bad_seq is None


async def verify_chain(session: AsyncSession, *, from_seq: int = 1, to_seq: int | None = None) -> ChainReport:
    """The whole chain, or the entries `from_seq`..`to_seq`: a range starts from the stored hash of the entry before
    it (so a range finds a break inside it, and a first entry that does not follow its predecessor as stored)."""
    prev, expected = GENESIS, 1
    if from_seq > 1:
        prev, expected = await queries.hash_at(session, from_seq - 1) or "", from_seq
    async for entry in queries.sealed_entries(session, from_seq=from_seq, to_seq=to_seq):
        seq = int(entry.seq or 0)
        problem = None
        if seq != expected or entry.prev_hash != prev:
            problem = OUT_OF_ORDER
        elif entry_hash(prev, seq, entry) != entry.hash:
            problem = ALTERED
        if problem:
            return ChainReport(expected - max(from_seq, 1), await queries.count_unsealed(session), seq, entry.id,
                               problem)
        prev, expected = str(entry.hash), expected + 1
    return ChainReport(expected - max(from_seq, 1), await queries.count_unsealed(session), None, None, None)
