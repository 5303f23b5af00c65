from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from ndxp_sim.state import Sim


def get_sim(request: Request) -> Sim:
    sim: Sim = request.app.state.sim
    return sim


SimDep = Annotated[Sim, Depends(get_sim)]
