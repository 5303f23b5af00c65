from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path

from ndxp_sim.dependencies import SimDep
from ndxp_sim.errors import FAULT_RESPONSES, NdxpError, error_schema
from ndxp_sim.faults.dependencies import FAULTS
from ndxp_sim.lgsp.errors import LGSP_RESPONSES
from ndxp_sim.population_db.lookup import citizen_record
from ndxp_sim.population_db.schemas import CitizenCheck, CitizenCheckRead, CitizenRecord
from ndxp_sim.population_db.service import check_citizen
from ndxp_sim.tokens.dependencies import BEARER

router = APIRouter(tags=["national: population database"])


@router.post("/population/v1/citizens/check", dependencies=[FAULTS, BEARER],
             summary="Check a person's identity against the population database.",
             description="`match`, `mismatch` with the fields that disagree (names compared NFC-normalised and "
                         "case-insensitively; ethnicity and religion codes only when sent), or `not_found`. Faults "
                         "from `PUT /admin/faults` apply first.",
             responses={400: error_schema("malformed"), 401: error_schema("token missing or expired"),
                        **FAULT_RESPONSES, **LGSP_RESPONSES})
async def check_citizen_identity(query: CitizenCheck, sim: SimDep) -> CitizenCheckRead:
    return check_citizen(sim.people, query, sim.clock())


@router.get("/population/v1/citizens/{citizen_id}", dependencies=[FAULTS, BEARER],
            summary="Look a person up in the population database, to fill in a form.",
            description="Name, birth date, sex, birth place, home town (quê quán), ethnicity, religion and residence "
                        "of a person the register knows; 404 `not_found` otherwise. Faults from `PUT /admin/faults` "
                        "apply first (a `timeout` hangs, then answers 504).",
            responses={400: error_schema("malformed"), 401: error_schema("token missing or expired"),
                       404: error_schema("not_found"), **FAULT_RESPONSES, **LGSP_RESPONSES})
async def read_citizen_record(citizen_id: Annotated[str, Path(pattern=r"^\d{12}$", description="Số định danh cá nhân")],
                              sim: SimDep) -> CitizenRecord:
    person = sim.people.get(citizen_id)
    if person is None:
        raise NdxpError(404, "not_found")
    return citizen_record(person, sim.clock())
