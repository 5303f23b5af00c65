from __future__ import annotations

from fastapi import APIRouter

from ndxp_sim.dependencies import SimDep
from ndxp_sim.errors import FAULT_RESPONSES, NdxpError, error_schema
from ndxp_sim.faults.dependencies import FAULTS
from ndxp_sim.lgsp.errors import LGSP_RESPONSES
from ndxp_sim.national_db.schemas import NationalProfile
from ndxp_sim.tokens.dependencies import BEARER

router = APIRouter(tags=["national: CBCCVC database"])


@router.get("/cbccvc/v1/profiles/{citizen_id}", dependencies=[FAULTS, BEARER],
            summary="Pull a person's record from the national CBCCVC database.",
            description="Found for people whose profile another province keeps; 404 `{\"error\": \"not_found\"}` "
                        "otherwise. Faults from `PUT /admin/faults` apply first.",
            responses={401: error_schema("token missing or expired"), 404: error_schema("not_found"),
                       **FAULT_RESPONSES, **LGSP_RESPONSES})
async def read_national_profile(citizen_id: str, sim: SimDep) -> NationalProfile:
    profile = sim.national_profiles.get(citizen_id)
    if profile is None:
        raise NdxpError(404, "not_found")
    return profile
