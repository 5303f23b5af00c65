from __future__ import annotations

import uuid

from fastapi import APIRouter

from hoso_shared.auth import AnyPrincipal
from hoso_shared.db import DbSession
from hoso_shared.dependencies import Now
from sync_gateway.progress import service
from sync_gateway.progress.service import Progress

router = APIRouter(prefix="/api/v1/sync-progress", tags=["sync-progress"])


@router.get("", summary="Sync progress of a unit and its direct sub-units this month (the ministry's table).",
            description="Per unit (counting its whole subtree): records, records changed this month, change requests "
                        "approved this month, records synced (delivered), acknowledged (accepted nationally), and "
                        "rejected (by a rule before signing, or nationally). Also Prometheus "
                        "`hoso_sync_progress_records{org_unit,stage}`.")
async def read_progress(principal: AnyPrincipal, session: DbSession, now: Now,
                        org_unit_id: uuid.UUID | None = None) -> Progress:
    return await service.for_caller(session, principal, org_unit_id, now)
