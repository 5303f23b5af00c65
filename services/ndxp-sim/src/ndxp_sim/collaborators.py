"""ndxp-sim's collaborators: built once by `create_app`, given to routes by `ndxp_sim.dependencies`."""

from __future__ import annotations

from dataclasses import dataclass

from hoso_shared import web
from ndxp_sim.settings import Settings
from ndxp_sim.state import Sim


@dataclass(frozen=True, kw_only=True)
class Collaborators(web.Collaborators):
    settings: Settings
    sim: Sim  # everything the simulator holds; its clock is this one's
