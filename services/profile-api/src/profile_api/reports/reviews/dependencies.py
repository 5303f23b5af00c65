from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from hoso_shared.validation import POLICIES
from profile_api.reports.exports.dependencies import app_identity
from profile_api.reports.reviews.service import Env


def review_env(request: Request) -> Env:
    """The signing identity is the signed exports' (loaded at startup, or a test CA made on first use)."""
    state = request.app.state
    return Env(policy=POLICIES[state.settings.policy], cipher=state.field_cipher, identity=app_identity(request.app))


ReviewEnv = Annotated[Env, Depends(review_env)]
