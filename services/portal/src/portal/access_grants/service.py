"""Cấp quyền xem hồ sơ (hanoi-2024 Điều 8 khoản 3, Điều 18 khoản 1, Điều 19 khoản 4): the grants over the viewer's
subtree a page at a time (profile-api's order: newest first, its cursor), each with who may read what, up to which
level, from when to when, on which written decision, and whether it works; revoking one on a written request.
profile-api decides which grants the viewer sees and may revoke; these functions show its answers."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date
from typing import Any
from urllib.parse import urlencode

from portal.access_grants.labels import STATES, level_name, refusal
from portal.accounts import forms as account_forms
from portal.api import ApiProblem, Apis
from portal.i18n import N_, sort_by_name
from portal.people.units import read_units
from portal.sessions import PortalSession

PAGE = 20  # grants a page shows
ACCOUNTS = 200  # the subtree's accounts read at once (profile-api's page): names, and the form's choices
GRANTS = "/api/v1/access-grants"
DECISIONS = f"{GRANTS}/decisions"  # the written decisions' scans, uploaded before the grants that name them
BEYOND = N_("Tài khoản ngoài phạm vi của bạn")


def state(grant: dict[str, Any], today: date) -> str:
    """The API's `active`, and for the others why not: revoked, not begun, or past its last day."""
    if grant["revoked_at"]:
        return "revoked"
    if grant["active"]:
        return "active"
    return "future" if today < date.fromisoformat(grant["starts_on"]) else "expired"


async def subtree_accounts(apis: Apis, person: PortalSession) -> list[dict[str, Any]]:
    """The enabled accounts of the viewer's subtree (GET /api/v1/accounts), people's and agencies' (a service
    client reads through its own scopes), sorted by name; the viewer's own left out (no one grants themself)."""
    page = await apis.json(person, "profile", "GET", "/api/v1/accounts", params={"disabled": "false",
                                                                                 "limit": ACCOUNTS})
    found = [{"id": str(a["id"]), "name": str(a["display_name"]), "label": f"{a['display_name']} ({a['username']})"}
             for a in page["items"] if a["kind"] in ("person", "agency") and str(a["id"]) != person.subject]
    return sort_by_name(found, lambda a: a["name"])


async def _grantees(apis: Apis, person: PortalSession, ids: set[str]) -> dict[str, str]:
    """Names of the grantees listed: the subtree's from one read, any other (an account of another agency, which a
    grant may name: Điều 8 khoản 3) asked one by one; one the viewer may not read is said to be beyond them."""
    names = {a["id"]: a["label"] for a in await subtree_accounts(apis, person)}
    for account_id in sorted(ids - names.keys()):
        try:
            account = await apis.json(person, "profile", "GET", f"/api/v1/accounts/{account_id}")
        except ApiProblem:
            continue
        names[account_id] = f"{account['display_name']} ({account['username']})"
    return names


async def _people(apis: Apis, person: PortalSession, ids: list[str]) -> dict[str, str]:
    """Full names of the people named on the page's grants (one read: `ids=`, at most 100)."""
    if not ids:
        return {}
    body = await apis.json(person, "profile", "GET", "/api/v1/profiles",
                           params={"ids": ids[:100], "limit": min(len(ids), 100)})
    return {str(p["id"]): str(p["full_name"]) for p in body["items"]}


def _row(grant: dict[str, Any], today: date, units: dict[str, str], grantees: dict[str, str],
         people: dict[str, str]) -> dict[str, Any]:
    current = state(grant, today)
    named = [people.get(str(p), str(p)[:8]) for p in grant["profile_ids"] or []]
    return {**grant, "grantee": grantees.get(str(grant["grantee_id"])),
            "unit": units.get(str(grant["org_unit_id"]), ""),
            "people": named, "level_name": level_name(int(grant["level"])),
            "state": current, "state_label": STATES[current], "revocable": current in ("active", "future")}


async def grants_page(apis: Apis, person: PortalSession, cursor: str | None, number: int,
                      today: date) -> dict[str, Any]:
    """One page of the grants over the viewer's subtree. The grants are asked first: a viewer profile-api does not
    let list them (an officer, an approver) gets its refusal as the plain 403 page, before anything else is read."""
    body = await apis.json(person, "profile", "GET", GRANTS,
                           params={"limit": PAGE, **({"cursor": cursor} if cursor else {})})
    grants = body["items"]
    units = await read_units(apis, person)
    grantees = await _grantees(apis, person, {str(g["grantee_id"]) for g in grants})
    people = await _people(apis, person, list(dict.fromkeys(str(p) for g in grants for p in g["profile_ids"] or [])))
    more = body["next_cursor"]
    return {"rows": [_row(g, today, units.names, grantees, people) for g in grants], "number": number,
            "first_page": cursor is None, "page_size": PAGE,
            "next": f"/cap-quyen?{urlencode({'cursor': more, 'trang': number + 1})}" if more else None,
            "manages": "accounts:write" in person.scopes}


async def find_grant(apis: Apis, person: PortalSession, grant_id: uuid.UUID, today: date) -> dict[str, Any]:
    """The grant to revoke, as the list showed it (GET /api/v1/access-grants/{id}: profile-api says whether the viewer
    may see it; not: the 404 page)."""
    grant = await apis.json(person, "profile", "GET", f"{GRANTS}/{grant_id}")
    units = await read_units(apis, person)
    grantees = await _grantees(apis, person, {str(grant["grantee_id"])})
    people = await _people(apis, person, [str(p) for p in grant["profile_ids"] or []])
    return _row(grant, today, units.names, grantees, people)


def decision_path(grant_id: uuid.UUID) -> str:
    """profile-api's route of the scan a grant rests on (it decides who may read it, and audits the read)."""
    return f"{GRANTS}/{grant_id}/decision"


@dataclass
class Outcome:
    done: bool = False
    errors: dict[str, str] = field(default_factory=dict)
    refusal: str | None = None
    status: int = 400


async def revoke(apis: Apis, person: PortalSession, grant_id: uuid.UUID, form: dict[str, str],
                 today: date) -> Outcome:
    """POST …/revoke with the written request (Điều 18 khoản 1, Điều 19 khoản 4); it stops at once. Not over the
    viewer's subtree: the 404 page; already revoked, or another refusal: said on the confirmation page."""
    request, errors = account_forms.check_request(form.get("request_no", ""), form.get("request_date", ""), today)
    if errors:
        return Outcome(errors=errors)
    try:
        await apis.call(person, "profile", "POST", f"{GRANTS}/{grant_id}/revoke", json=request.body())
    except ApiProblem as problem:
        if problem.status == 404:
            raise
        where, said = refusal(problem)
        if where in ("request_no", "request_date"):
            return Outcome(errors={where: said}, status=problem.status)
        return Outcome(refusal=said, status=problem.status)
    return Outcome(done=True)
