"""Records that do not reach the national DB go back to the approval workflow as returned change
requests, with the reason: those a rule blocked before signing, and those the national side rejected.
Retried until approval-api takes them (it is idempotent for the same reason)."""

from __future__ import annotations

import structlog

from hoso_shared.db.engine import SessionMaker, session_scope
from hoso_shared.time import utc_now
from sync_gateway.returns import queries
from sync_gateway.returns.client import ApprovalClient

log = structlog.get_logger()


async def return_once(sessionmaker: SessionMaker, client: ApprovalClient, limit: int = 100) -> int:
    done = 0
    async with session_scope(sessionmaker) as session:
        for row in await queries.pending(session, limit):
            assert row.change_request_id is not None
            source = "sync-gateway (kiểm tra trước khi ký / checked before signing)" if row.status == "blocked" \
                else "CSDL quốc gia / the national DB"
            taken = await client.give_back(row.change_request_id, f"{source}: {row.reason or ''}"[:2000], row.packet_id)
            if taken is None:
                continue
            if not taken:
                log.warning("return_refused", change_request_id=str(row.change_request_id), status=row.status)
            row.returned_at = utc_now()
            done += 1
    return done
