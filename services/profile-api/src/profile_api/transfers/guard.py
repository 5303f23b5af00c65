"""The rule other proposals ask of a person awaiting a transfer (kept apart so `changes` can ask it without
importing the transfers service, which builds on `changes`)."""

from __future__ import annotations

import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from profile_api.transfers import queries
from profile_api.transfers.errors import TransferPending


async def no_open_transfer(session: AsyncSession, profile_id: uuid.UUID) -> None:
    """Every other proposal for a person waits while their transfer awaits acceptance: what it would change belongs
    to the agency that will hold the record."""
    if await queries.open_transfer(session, profile_id) is not None:
        raise TransferPending("Hồ sơ đang chờ đơn vị mới tiếp nhận; đề xuất thay đổi sau khi việc điều chuyển hoàn "
                              "tất. The record awaits its receiving agency; propose changes once it is settled.")
