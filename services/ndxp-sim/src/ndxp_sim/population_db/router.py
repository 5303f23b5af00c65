from __future__ import annotations

from fastapi import APIRouter

from ndxp_sim.dependencies import SimDep
from ndxp_sim.errors import FAULT_RESPONSES, error_schema
from ndxp_sim.faults.dependencies import FAULTS
from ndxp_sim.population_db.schemas import CitizenCheck, CitizenCheckRead
from ndxp_sim.population_db.service import check_citizen
from ndxp_sim.tokens.dependencies import BEARER

router = APIRouter(tags=["national: population database"])


@router.post("/population/v1/citizens/check", dependencies=[FAULTS, BEARER],
             summary="Check a person's identity against the population database.",
             description="`match`, `mismatch` with the fields that disagree (names compared NFC-normalised and "
                         "case-insensitively), or `not_found`. Faults from `PUT /admin/faults` apply first.",
             responses={400: error_schema("malformed"), 401: error_schema("token missing or expired"),
                        **FAULT_RESPONSES})
async def check_citizen_identity(query: CitizenCheck, sim: SimDep) -> CitizenCheckRead:
    return check_citizen(sim.people, query, sim.clock())
