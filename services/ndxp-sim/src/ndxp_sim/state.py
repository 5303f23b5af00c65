"""Everything the simulator holds, in memory, in one process. `lock` guards the multi-step changes
(packet intake, reset); single counter bumps need no lock on one event loop."""

from __future__ import annotations

import asyncio
import random
from collections.abc import Callable
from dataclasses import dataclass, field

import httpx

from hoso_shared.time import Clock, utc_now
from ndxp_sim.faults.schemas import Faults
from ndxp_sim.keys.chain import load_anchors
from ndxp_sim.keys.gateway import Fetch, GatewayKeys
from ndxp_sim.keys.own import SimKey
from ndxp_sim.national_db.service import seed_profiles
from ndxp_sim.national_db.store import NationalStore
from ndxp_sim.packets.formats import Formats, schema_url
from ndxp_sim.packets.store import PacketStore
from ndxp_sim.population_db.register import generate_people
from ndxp_sim.population_db.store import PopulationStore
from ndxp_sim.receipts.delivery import Deliveries
from ndxp_sim.settings import Settings
from ndxp_sim.stats import Stats
from ndxp_sim.tokens.service import TokenStore


def _no_client() -> httpx.AsyncClient:
    raise RuntimeError("the callback client exists only while the app runs")


@dataclass
class Sim:
    settings: Settings
    own_key: SimKey
    gateway_keys: GatewayKeys
    tokens: TokenStore
    formats: Formats
    clock: Clock = utc_now  # tests give a FixedClock to move time
    callback_client: Callable[[], httpx.AsyncClient] = _no_client
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    deliveries: Deliveries = field(default_factory=Deliveries)
    # Set by seed_data(), at start and on reset:
    rng: random.Random = field(init=False)
    faults: Faults = field(init=False)
    stats: Stats = field(init=False)
    packets: PacketStore = field(init=False)
    people: PopulationStore = field(init=False)
    national_profiles: NationalStore = field(init=False)

    def __post_init__(self) -> None:
        self.seed_data()

    def seed_data(self) -> None:
        """The state of a fresh start: faults at their defaults, the seeded register, nothing else."""
        settings = self.settings
        self.rng = random.Random(settings.sim_seed)  # noqa: S311 - fault dice, repeatable by seed
        self.faults = Faults.from_settings(settings)
        self.stats = Stats()
        self.packets = PacketStore(bodies_budget=settings.sim_packet_bodies_bytes)
        generated = generate_people(settings.sim_seed, settings.sim_population_size)
        self.people = PopulationStore.of(generated)
        self.national_profiles = seed_profiles(settings.sim_seed, generated)

    async def reset(self) -> None:
        async with self.lock:
            await self.deliveries.cancel_all()
            self.seed_data()


def build_sim(settings: Settings, fetch_jwks: Fetch, clock: Clock = utc_now) -> Sim:
    tokens = TokenStore(settings.sim_token_ttl_seconds, utc_now)
    sim = Sim(settings=settings, own_key=SimKey.load(settings.sim_signing_key.get_secret_value()),
              gateway_keys=GatewayKeys(inline=settings.sim_gateway_jwks, url=settings.sim_gateway_jwks_url,
                                       fetch=fetch_jwks, anchors=load_anchors(settings.sim_trust_anchors,
                                                                              settings.sim_trust_anchors_file)),
              tokens=tokens, clock=clock,
              formats=Formats(inline=settings.sim_formats, fetch=fetch_jwks,
                              url=schema_url(settings.sim_format_schema_url, settings.sim_gateway_jwks_url)))
    tokens.clock = lambda: sim.clock()  # one clock for the whole simulator
    return sim
