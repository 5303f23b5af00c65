from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from hoso_shared.dependencies import Deadlines
from profile_api.dependencies import Cipher, Identity
from profile_api.reports.reviews.service import ReviewContext


async def review_context(policy: Deadlines, cipher: Cipher, identity: Identity) -> ReviewContext:
    """The signing identity is the signed exports' (loaded at startup, or a test CA made on first use)."""
    return ReviewContext(policy=policy, cipher=cipher, identity=identity)


Review = Annotated[ReviewContext, Depends(review_context)]
