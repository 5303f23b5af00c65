from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from hoso_shared.web import collaborators_of
from ndxp_sim.collaborators import Collaborators
from ndxp_sim.state import Sim


async def collaborators(request: Request) -> Collaborators:
    return collaborators_of(request.app, Collaborators)


async def get_sim(wiring: Annotated[Collaborators, Depends(collaborators)]) -> Sim:
    return wiring.sim


SimDep = Annotated[Sim, Depends(get_sim)]
