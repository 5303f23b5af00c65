"""Acceptance checks of the national sync against a running demo (`make run` as shipped), called by
tests/e2e/test_make_run.py inside its one `make run`: every unit with people syncs, DOHA's own included,
and a record the population DB contradicts is kept out at the gateway and sent back to approval."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import httpx

from tests.e2e.demo_client import DOHA, DemoClient, ok, wait_until

OTHER_NAME = "Tên gọi khác"
DOHA_UNIT_TYPE = "doha"  # Sở Nội vụ's own unit (01.SNV in the demo)


def check_every_unit_syncs(demo: DemoClient) -> None:
    """Điều 15 khoản 1 and 2, Điều 14 khoản 1 and 2: for every unit that has people (DOHA's own unit included,
    and sub-units without an agency account of their own), one approved change of one person is submitted in
    the batch of the agency account at or above the unit, DOHA's administrator approves each batch, and the
    gateway shows every one of those records accepted in an acknowledged packet."""
    units, people = demo.units(), demo.people_by_unit()
    with_people = sorted((units[unit_id] for unit_id in people), key=lambda u: u["path"])
    assert any(u["type"] == DOHA_UNIT_TYPE for u in with_people), "DOHA's own unit has no people in the demo"
    demo.open_window(next(u for u in units.values() if u["parent_id"] is None)["id"])
    by_agency: dict[str, list[str]] = {}
    for unit in with_people:
        agency = demo.nearest(unit, "agency_admin", units)
        request = demo.change(people[unit["id"]][0]["id"], hr=agency, approver=demo.nearest(unit, "approver", units),
                              other_name=OTHER_NAME)
        by_agency.setdefault(agency, []).append(request)
    for agency, requests in by_agency.items():
        batch = demo.release(agency)
        assert batch["record_count"] >= len(requests), (agency, batch)
    every = [request for requests in by_agency.values() for request in requests]
    records = wait_until(lambda: _all_accepted(demo, every), "every unit's change accepted nationally")
    for packet_id in {r["packet_id"] for r in records.values()}:
        packet = ok(httpx.get(f"{demo.gateway}/api/v1/packets/{packet_id}", headers=demo.auth(DOHA), timeout=10))
        assert packet["state"] == "acknowledged", packet


def _all_accepted(demo: DemoClient, requests: list[str]) -> dict[str, dict[str, Any]] | None:
    records = demo.records(requests)
    kept_out = {request: (r["status"], r["reason"]) for request, r in records.items()
                if r["status"] in ("blocked", "rejected")}
    assert not kept_out, kept_out  # fails at once, with the rule codes, rather than at the deadline
    done = len(records) == len(requests) and all(r["status"] == "accepted" for r in records.values())
    return records if done else None


def check_population_db_contradiction_is_blocked(demo: DemoClient) -> None:
    """Điều 14 khoản 1 (the changes synced to the national DB through its APIs) and Điều 13 khoản 2 (the
    connection checks them against the national registers): an approved, released change of a person whose
    citizen ID the population DB holds for someone else is never packed — the gateway shows it blocked with
    DUNG-DANCU-001 — and its change request goes back to approval as `returned`, the rule code in its national
    reason. Runs after `check_every_unit_syncs`, which left nothing else of the agency waiting."""
    units, people = demo.units(), demo.people_by_unit()
    unit = max((units[unit_id] for unit_id, found in people.items() if len(found) > 1), key=lambda u: u["path"])
    person, agency = people[unit["id"]][1], demo.nearest(unit, "agency_admin", units)  # [0] changed above
    request = demo.change(person["id"], hr=agency, approver=demo.nearest(unit, "approver", units),
                          other_name=OTHER_NAME)
    _contradict(demo, person["id"])
    checked = ok(httpx.post(f"{demo.gateway}/api/v1/citizen-checks", headers=demo.auth(DOHA), timeout=30,
                            json={"profile_id": person["id"]}), 201)
    assert checked["result"] == "mismatch", checked
    agency_code = units[next(a for a in demo.accounts if a["username"] == agency)["org_unit_id"]]["code"]
    packets_before = len(demo.packets(agency_code))
    assert demo.release(agency)["record_count"] == 1, "the agency had other changes waiting"

    record = wait_until(lambda: demo.records([request]).get(request), "the gateway to judge the record")
    assert (record["status"], record["findings"], record["packet_id"]) == ("blocked", ["DUNG-DANCU-001"], None)
    assert "DUNG-DANCU-001" in record["reason"], record
    returned = wait_until(lambda: _returned(demo, request), "the change request returned to approval", timeout=30)
    assert "DUNG-DANCU-001" in returned["national_reason"], returned
    assert len(demo.packets(agency_code)) == packets_before  # its batch made no packet at all
    assert demo.records([request])[request]["returned_at"] is not None


def _contradict(demo: DemoClient, profile_id: str) -> None:
    """The simulated population register, through its admin route, now holds another person under the
    record's citizen ID: a different name, birth date and sex."""
    items = ok(httpx.get(f"{demo.api}/api/v1/profiles/{profile_id}", headers=demo.auth(DOHA), timeout=10))["items"]
    someone_else = {"citizen_id": items["citizen_id"], "full_name": "Người Khác Hẳn",
                    "birth_date": str(date.fromisoformat(items["birth_date"]) - timedelta(days=400)),
                    "sex": "F" if items["sex"] == "M" else "M"}
    replaced = ok(httpx.post(f"{demo.simulator}/admin/population", json=[someone_else], timeout=10))
    assert replaced["replaced"] == 1, replaced


def _returned(demo: DemoClient, request: str) -> dict[str, Any] | None:
    found: dict[str, Any] = ok(httpx.get(f"{demo.approval}/api/v1/change-requests/{request}",
                                         headers=demo.auth(DOHA), timeout=10))
    return found if found["state"] == "returned" else None
