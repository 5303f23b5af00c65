"""No input answers a 5xx (issue 20): every operation of profile-api, approval-api and sync-gateway, called with
generated path, query, JSON and form inputs (schema-valid and schema-breaking) as DOHA (doha_admin, the widest
scopes) over a sandbox province, answers 2xx, 3xx or a 4xx problem — never a server error.

The three apps call each other in-process on the test's transaction (tests/fuzz/conftest.py's `stack`), and respx
plays NDXP with plausible answers, so a 5xx here is ours, not a peer's."""

from __future__ import annotations

import asyncio
import dataclasses
import os
from collections.abc import Callable, Mapping
from datetime import date

import pytest
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from hoso_shared import records
from hoso_shared.db.models import OrgUnit, Packet, Profile
from hoso_shared.form import SECTIONS
from tests.approval_api.conftest import IN_WINDOW, SERVICE
from tests.conftest import AppClient
from tests.factories import CIPHER, bearer, principal_for
from tests.fuzz.receipts import signed_receipts
from tests.fuzz.runner import Fuzzer, Known, Report, fuzz
from tests.sync_gateway.conftest import Stack, released

# Per operation (about 120 over the three apps), bounded so the suite keeps its time; a longer hunt, showing how
# deep the inputs reached: HOSO_FUZZ_EXAMPLES=200 HOSO_FUZZ_DEPTH=all pytest tests/fuzz -rP.
EXAMPLES = int(os.environ.get("HOSO_FUZZ_EXAMPLES", "25"))
# About 2,000 requests for profile-api: half a minute alone, several on a machine busy with other work.
pytestmark = pytest.mark.timeout(600)


ALIASES = {  # a field → the known values it takes
    **dict.fromkeys(["parent_id", "into_id", "move_to_id", "root_id", "to_org_unit_id"], "org_unit_id"),
    **dict.fromkeys(["account_ids", "delegate_id", "requested_by"], "account_id"),
    "profile_ids": "profile_id", "attachment_ids": "attachment_id", "ids": "change_request_id",
    **dict.fromkeys(["unit_code", "confirm_unit_code", "agency_code"], "code"),
    "client_id": "username", "current_password": "password", "to_version": "from_version"}


async def known_world(session: AsyncSession, stack: Stack) -> Known:
    """The sandbox's rows, beyond `world`'s: a change released in a batch and packed, and one still submitted."""
    # Its units began on the day the test runs (the column's default), after the apps' fixed clock: they must have
    # existed then, or every read as of "today" misses them.
    await session.execute(update(OrgUnit).where(OrgUnit.path.startswith(stack.world.root.path))
                          .values(valid_from=date(2000, 1, 1)))
    world, known = stack.world, Known(aliases=ALIASES)
    rows = await released(session, stack, 1)
    await stack.runtime.build()
    await seed_items(stack, known)  # the transfer first: the person may have no open change request
    pending = await stack.world.request(session)
    person = await session.get(Profile, world.person.id, populate_existing=True)
    assert person is not None
    known.add("profile_id", person.id)
    known.add("citizen_id", records.read_items(person, CIPHER, sensitive=True)["citizen_id"])
    known.add("base_version", person.version)
    known.add("org_unit_id", world.root.id, world.agency.id, world.elsewhere.id)
    known.add("code", world.agency.code, world.elsewhere.code)
    known.add("account_id", *(a.id for a in world.accounts.values()))
    known.add("username", *(a.username for a in world.accounts.values()))
    known.add("password", "correct horse battery")  # every account's (tests/factories.make_account)
    known.add("attachment_id", world.scan.id)
    known.add("change_request_id", pending.id, *(r.change_request_id for r in rows))
    known.add("batch_id", *{r.sync_batch_id for r in rows})
    known.add("outbox_id", *(r.id for r in rows))
    known.add("packet_id", *(await session.scalars(select(Packet.id))).all())
    known.add("section", *SECTIONS)
    known.add("from_version", *range(1, person.version + 1))
    known.add("row_id", "00000000-0000-4000-8000-000000000001")
    known.add("quarter", "2026-Q4", "2026-Q3")
    known.add("rank_code", "01.003")
    # Days the sandbox lives in (its clock stands at IN_WINDOW), for the date fields and parameters.
    known.dates = ["2026-11-28", "2026-11-20", "2026-10-01", "2026-06-30", "2015-03-01", "1985-05-17"]
    return known


async def seed_items(stack: Stack, known: Known) -> None:
    """One item of each kind no generated create reliably makes (a transfer, a quarterly review, a delegation),
    made as their owners would, so the operations on an item reach a real one."""
    world, auth = stack.world, stack.world.auth
    made = {
        "transfer_id": await stack.apis.profile.post("/api/v1/transfers", headers=auth["agency_admin"], json={
            "profile_id": str(world.person.id), "to_org_unit_id": str(world.elsewhere.id), "effective_on": "2026-12-01",
            "decision": {"number": "412/QĐ-UBND", "issued_on": "2026-11-20", "issuer": "UBND thành phố Hà Nội"},
            "attachment_ids": [str(world.scan.id)]}),
        "review_id": await stack.apis.profile.post("/api/v1/reports/reviews", headers=auth["agency_admin"],
                                                   json={"org_unit_id": str(world.agency.id), "quarter": "2026-Q3"}),
        "delegation_id": await stack.apis.approval.post("/api/v1/delegations", headers=auth["approver"], json={
            "delegate_id": str(world.accounts["colleague"].id), "starts_on": "2026-11-01", "ends_on": "2026-12-31"}),
    }
    for name, response in made.items():
        assert response.status_code == 201, response.text
        known.add(name, response.json()["id"])


def caller(stack: Stack) -> Callable[[frozenset[str]], Mapping[str, str]]:
    """DOHA (doha_admin, the widest scopes a person has) for every operation DOHA may call; for the internal ones,
    whose scopes only the services hold (forwarding, applying, returning a change), a service of the sandbox
    holding exactly those scopes, so those handlers are reached as well."""
    world = stack.world
    doha = principal_for(world.accounts["doha_admin"], world.root)

    def auth(scopes: frozenset[str]) -> Mapping[str, str]:
        """Minted afresh per operation: a long hunt outlives one token's 5 minutes."""
        if scopes <= doha.scopes:
            return bearer(world.issuer, doha)
        service = dataclasses.replace(SERVICE, org_unit_id=world.root.id, org_path=world.root.path, scopes=scopes)
        return bearer(world.issuer, service)
    return auth


async def run(stack: Stack, client: AppClient, known: Known) -> Report:
    app = client.app
    receipts = signed_receipts(IN_WINDOW, known.candidates("packet_id"), known.candidates("outbox_id"))
    fuzzer = Fuzzer(app, client, asyncio.get_running_loop(), caller(stack), known, examples=EXAMPLES,
                    bodies={"POST /callbacks/ndxp/receipts": receipts})
    report = await asyncio.to_thread(fuzz, fuzzer)
    print(f"\n{app.title}: {report.operations} operations, {report.examples} examples, "  # noqa: T201
          f"{report.seconds:.1f}s, {len(report.errors)} server errors")
    if os.environ.get("HOSO_FUZZ_DEPTH"):  # "shallow": the operations no example passed; "all": every one
        print(*report.depth(every=os.environ["HOSO_FUZZ_DEPTH"] == "all"), sep="\n  ")  # noqa: T201
    return report


def no_server_errors(report: Report) -> None:
    assert not report.errors, "\n\n".join(str(e) for e in report.errors)


async def test_profile_api(session: AsyncSession, stack: Stack) -> None:
    no_server_errors(await run(stack, stack.apis.profile, await known_world(session, stack)))


async def test_approval_api(session: AsyncSession, stack: Stack) -> None:
    no_server_errors(await run(stack, stack.apis.approval, await known_world(session, stack)))


async def test_sync_gateway(session: AsyncSession, stack: Stack) -> None:
    no_server_errors(await run(stack, stack.gateway, await known_world(session, stack)))
