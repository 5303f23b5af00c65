"""The append-only, hash-chained audit log: every write, and every read of sensitive fields.

Each entry's hash covers its content and the previous entry's hash, so changing, removing or
reordering any row breaks the chain from that row on; `verify_chain` finds the first break.
"""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from hoso_shared.auth import Principal
from hoso_shared.crypto import canonical_json, digest
from hoso_shared.db.models import AuditEntry
from profile_api.audit import queries

GENESIS = "0" * 64


def entry_hash(prev_hash: str, fields: dict[str, Any]) -> str:
    return hashlib.sha256(prev_hash.encode() + canonical_json(fields)).hexdigest()


HASHED = ("at", "actor", "action", "entity", "entity_id", "fields", "before_digest", "after_digest")


def _content(entry: AuditEntry | dict[str, Any]) -> dict[str, Any]:
    values = entry if isinstance(entry, dict) else {k: getattr(entry, k) for k in HASHED}
    return {**{k: values[k] for k in HASHED}, "at": queries.stamp(values["at"]), "fields": list(values["fields"])}


def actor_of(principal: Principal | None) -> str:
    return "system" if principal is None else f"{principal.username}:{principal.subject}"


async def record(session: AsyncSession, principal: Principal | None, action: str, entity: str,
                 entity_id: uuid.UUID | str, *, before: Any = None, after: Any = None,
                 fields: list[str] | None = None) -> None:
    """Append one entry in the caller's transaction (so it commits or rolls back with the act)."""
    await queries.lock_chain(session)
    prev = await queries.last_hash(session) or GENESIS
    values: dict[str, Any] = {
        "at": datetime.now(UTC), "actor": actor_of(principal), "action": action, "entity": entity,
        "entity_id": str(entity_id), "fields": sorted(fields or []),
        "before_digest": None if before is None else digest(before),
        "after_digest": None if after is None else digest(after),
    }
    values["prev_hash"] = prev
    values["hash"] = entry_hash(prev, _content(values))
    await queries.append(session, values)


@dataclass(frozen=True)
class ChainReport:
    checked: int
    first_bad_id: int | None
    reason: str | None

    @property
    def intact(self) -> bool:
        return self.first_bad_id is None


async def verify_chain(session: AsyncSession) -> ChainReport:
    prev, checked = GENESIS, 0
    async for entry in queries.entries(session):
        if entry.prev_hash != prev:
            return ChainReport(checked, entry.id, "does not follow the previous entry (removed or reordered)")
        if entry_hash(prev, _content(entry)) != entry.hash:
            return ChainReport(checked, entry.id, "its content does not match its hash (altered)")
        prev, checked = entry.hash, checked + 1
    return ChainReport(checked, None, None)
