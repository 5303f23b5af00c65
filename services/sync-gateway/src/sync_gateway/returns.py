"""Records that do not reach the national DB go back to the approval workflow as returned change
requests, with the reason: those a rule blocked before signing, and those the national side rejected.
Retried until approval-api takes them (it is idempotent for the same reason)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import httpx
import structlog
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from hoso_shared.db.engine import SessionMaker, session_scope
from hoso_shared.db.models import PacketRecord
from hoso_shared.oauth import TokenSource

log = structlog.get_logger()


class ApprovalClient:
    def __init__(self, http: httpx.AsyncClient, token: TokenSource) -> None:
        self.http, self.token = http, token

    async def give_back(self, change_request_id: uuid.UUID, reason: str, packet_id: uuid.UUID | None) -> bool | None:
        """True: taken back; False: approval-api will never take it (not applied any more); None: try later."""
        try:
            response = await self.http.post(
                f"/internal/v1/change-requests/{change_request_id}/national-rejection",
                json={"reason": reason, "packet_id": str(packet_id) if packet_id else None},
                headers={"Authorization": f"Bearer {await self.token()}"})
        except httpx.HTTPError:
            return None
        if response.is_success:
            return True
        if response.status_code in (404, 409):
            return False
        return None


async def _pending(session: AsyncSession, limit: int) -> list[PacketRecord]:
    stmt = (select(PacketRecord).where(PacketRecord.status.in_(("blocked", "rejected")),
                                       PacketRecord.returned_at.is_(None),
                                       PacketRecord.change_request_id.is_not(None))
            .order_by(PacketRecord.outbox_id).limit(limit).with_for_update(skip_locked=True))
    return list((await session.scalars(stmt)).all())


async def return_once(sessionmaker: SessionMaker, client: ApprovalClient, limit: int = 100) -> int:
    done = 0
    async with session_scope(sessionmaker) as session:
        for row in await _pending(session, limit):
            assert row.change_request_id is not None
            source = "sync-gateway (kiểm tra trước khi ký / checked before signing)" if row.status == "blocked" \
                else "CSDL quốc gia / the national DB"
            taken = await client.give_back(row.change_request_id, f"{source}: {row.reason or ''}"[:2000], row.packet_id)
            if taken is None:
                continue
            if not taken:
                log.warning("return_refused", change_request_id=str(row.change_request_id), status=row.status)
            row.returned_at = datetime.now(UTC)
            done += 1
    return done
