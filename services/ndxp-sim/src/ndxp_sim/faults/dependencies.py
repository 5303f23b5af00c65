from __future__ import annotations

from fastapi import Depends, Request

from ndxp_sim.dependencies import SimDep
from ndxp_sim.faults.service import inject_faults
from ndxp_sim.faults.transport import drop_of


async def apply_faults(request: Request, sim: SimDep) -> None:
    await inject_faults(sim, drop_of(request.scope))


# Listed first in a route's `dependencies=`, so the faults come before the token check.
FAULTS = Depends(apply_faults)
