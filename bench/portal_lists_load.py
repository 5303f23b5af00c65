"""bench.portal_lists' province: the demo as `make run` has it, plus generated people in one agency's sub-units
until its subtree holds the number asked, inserted directly (each record's version 1 announced in the outbox, as
the demo's own). Only that agency grows: loading the whole province to 10,000 per agency would take minutes on a
2-core machine, and the pages measured read one subtree."""

from __future__ import annotations

import asyncio
import functools
import random
import time
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select

from bench.scale.load import CHUNK, cipher_of, vacuum
from hoso_devstack import demo
from hoso_devstack.database import ensure_database
from hoso_shared.auth.passwords import hash_secret_sync, new_password
from hoso_shared.db import migrate
from hoso_shared.db.engine import create_engine, create_sessionmaker, session_scope
from hoso_shared.db.models import Account, OrgUnit, Profile

# Officer accounts added for generated people, so the accounts list has later pages too (the demo's agency has 4):
# one password hashed once (argon2 per account would cost seconds), never signed in with.
ACCOUNTS = 120


@dataclass(frozen=True)
class Loaded:
    logins: list[demo.DemoAccount]
    agency_id: str
    leaf_id: str  # the agency's sub-unit holding the most people
    people: int  # in the agency's subtree, counted after the load
    seconds: float


def _grown(seed: int, cipher: Any, agency: str, people: int) -> tuple[list[Any], list[dict[str, Any]],
                                                                       list[demo.DemoAccount], OrgUnit, OrgUnit]:
    rows, announcements, logins = demo.build(seed, cipher)
    units = {row.code: row for row in rows if isinstance(row, OrgUnit)}
    top = units[agency]
    subtree = [u for u in units.values() if u.path.startswith(top.path)]
    leaves = [u for u in subtree if u.type == "sub_unit"]
    inside = {u.id for u in subtree}
    already = sum(1 for row in rows if isinstance(row, Profile) and row.org_unit_id in inside)
    # demo's own generator (private, but the only one that makes valid sealed records): a second stream of it.
    extra = demo.Demo(rng=random.Random(seed + 1), cipher=cipher, units=dict(units))
    made = [demo._person(extra, leaves[i % len(leaves)]) for i in range(max(0, people - already))]
    grown = [p for p, _ in made] + sorted((r for _, rs in made for r in rs), key=lambda r: type(r).__name__)
    secret = hash_secret_sync(new_password())
    accounts = [Account(username=f"sgd.bench{i}", display_name=p.full_name, kind="person", roles=["officer"], scopes=[],
                        org_unit_id=p.org_unit_id, profile_id=p.id, secret_hash=secret)
                for i, (p, _) in enumerate(made[:ACCOUNTS], start=1)]
    rows += grown + accounts  # after the people they belong to
    staffed = {u.id: sum(1 for r in rows if isinstance(r, Profile) and r.org_unit_id == u.id) for u in leaves}
    return rows, announcements + extra.outbox, logins, top, max(leaves, key=lambda u: staffed[u.id])


async def load(url: str, values: dict[str, Any], agency: str, people: int, seed: int) -> Loaded:
    """Migrates, inserts the grown demo in one transaction, vacuums."""
    start = time.perf_counter()
    cipher = cipher_of(values)
    await ensure_database(url)
    await asyncio.to_thread(functools.partial(migrate.upgrade, url, cipher=cipher))
    rows, announcements, logins, top, leaf = await asyncio.to_thread(_grown, seed, cipher, agency, people)
    engine = create_engine(url, pool_size=2, cipher=cipher)
    try:
        async with session_scope(create_sessionmaker(engine)) as session:
            for first in range(0, len(rows), CHUNK):  # in dependency order, so slices insert in order too
                await demo.insert(session, rows[first:first + CHUNK], [])
            for first in range(0, len(announcements), CHUNK):
                await demo.insert(session, [], announcements[first:first + CHUNK])
        async with session_scope(create_sessionmaker(engine)) as session:
            inside = select(OrgUnit.id).where(OrgUnit.path.startswith(top.path))
            counted = (await session.execute(select(func.count()).select_from(Profile)
                                             .where(Profile.org_unit_id.in_(inside)))).scalar_one()
    finally:
        await engine.dispose()
    await vacuum(url)
    return Loaded(logins, str(top.id), str(leaf.id), int(counted), time.perf_counter() - start)
