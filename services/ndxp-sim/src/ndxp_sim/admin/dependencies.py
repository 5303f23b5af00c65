from __future__ import annotations

import hmac
from typing import Annotated

from fastapi import Depends, Header

from hoso_shared.problems import Unauthorized
from ndxp_sim.dependencies import SimDep


async def require_admin(sim: SimDep, x_admin_token: Annotated[str | None, Header()] = None) -> None:
    """Open in a dev run; when HOSO_SIM_ADMIN_TOKEN is set, `X-Admin-Token` must carry it."""
    expected = sim.settings.sim_admin_token.get_secret_value()
    if expected and not hmac.compare_digest((x_admin_token or "").encode(), expected.encode()):
        raise Unauthorized("X-Admin-Token is missing or wrong.")


ADMIN = Depends(require_admin)
