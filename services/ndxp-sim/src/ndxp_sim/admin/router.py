from __future__ import annotations

from fastapi import APIRouter, status

from hoso_shared.problems import NotFound
from ndxp_sim.admin.dependencies import ADMIN
from ndxp_sim.dependencies import SimDep
from ndxp_sim.faults.schemas import Faults, FaultsUpdate
from ndxp_sim.national_db.schemas import NationalProfile, ProfilesAdded
from ndxp_sim.national_db.service import add_profiles
from ndxp_sim.packets.schemas import StoredPacketRead
from ndxp_sim.population_db.schemas import PeopleAdded, PersonIn
from ndxp_sim.population_db.service import add_people
from ndxp_sim.stats import StatsRead

router = APIRouter(prefix="/admin", tags=["admin"], dependencies=[ADMIN])


@router.get("/faults", summary="The faults in force.")
async def read_faults(sim: SimDep) -> Faults:
    return sim.faults


@router.put("/faults", summary="Change some faults; the others stay.",
            description="A partial update: only the fields given change. Returns the faults now in force.")
async def update_faults(update: FaultsUpdate, sim: SimDep) -> Faults:
    sim.faults = update.apply_to(sim.faults)
    return sim.faults


@router.get("/stats", summary="What the simulator saw and did since start or the last reset.")
async def read_stats(sim: SimDep) -> StatsRead:
    return StatsRead.model_validate(sim.stats.snapshot())


@router.get("/packets/{packet_id}", summary="A stored packet, its chain state and its receipt.",
            responses=NotFound.openapi())
async def read_packet(packet_id: str, sim: SimDep) -> StoredPacketRead:
    stored = sim.packets.by_id.get(packet_id)
    if stored is None:
        raise NotFound(f"No packet {packet_id} is stored.")
    return StoredPacketRead.model_validate(stored, from_attributes=True)


@router.post("/reset", status_code=status.HTTP_204_NO_CONTENT, summary="Back to a fresh start (for tests).",
             description="Cancels pending receipts, forgets packets and stats, restores the default faults and "
                         "the seeded registers. Issued tokens stay valid.")
async def reset_simulator(sim: SimDep) -> None:
    await sim.reset()


@router.post("/population", summary="Add or replace people in the population register.")
async def add_population(people: list[PersonIn], sim: SimDep) -> PeopleAdded:
    return add_people(sim.people, people)


@router.post("/national-profiles", summary="Add or replace records in the national CBCCVC store.")
async def add_national_profiles(profiles: list[NationalProfile], sim: SimDep) -> ProfilesAdded:
    return add_profiles(sim.national_profiles, profiles)
