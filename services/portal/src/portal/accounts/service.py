"""Tài khoản (hanoi-2024 Điều 9, Điều 18 khoản 1): the accounts of the caller's subtree a page at a time, one account
with its access changes and the written requests they rest on, and the people who came in and still have no account
(Điều 12 khoản 2.2 điểm a: due 10 working days after arriving). profile-api says what the caller sees."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from portal.accounts.clearance import shown as clearance_shown
from portal.accounts.labels import ACTIONS, KINDS, ROLES, may_create_agencies
from portal.accounts.links import new_account_link
from portal.api import ApiProblem, Apis
from portal.i18n import N_
from portal.people.units import read_units
from portal.sessions import PortalSession

PAGE = 50  # accounts a page shows
STATES = {"hoat-dong": N_("Đang hoạt động"), "da-khoa": N_("Đã khóa")}
CHANGERS = 10  # the people named in an account's history (one read each)
DELEGATIONS = 200  # live delegations read to find an account's (the API's newest first; a subtree has few)


@dataclass(frozen=True)
class Filters:
    role: str | None = None
    state: str | None = None

    @classmethod
    def parse(cls, role: str | None, state: str | None) -> Filters:
        return cls(role if role in ROLES else None, state if state in STATES else None)

    def api_params(self) -> dict[str, str]:
        params = {"role": self.role} if self.role else {}
        if self.state:
            params["disabled"] = "true" if self.state == "da-khoa" else "false"
        return params

    def query(self, **more: str) -> str:
        pairs = {"role": self.role or "", "state": self.state or "", **more}
        return urlencode({k: v for k, v in pairs.items() if v})


def row(account: dict[str, Any], names: dict[str, str]) -> dict[str, Any]:
    return {**account, "unit": names.get(str(account["org_unit_id"]), ""),
            "kind_label": KINDS.get(account["kind"], account["kind"]),
            "role_labels": [ROLES.get(r, r) for r in account["roles"]]}


async def accounts_page(apis: Apis, person: PortalSession, filters: Filters, cursor: str | None,
                        number: int) -> dict[str, Any]:
    """One page of the subtree's accounts (profile-api's order); a caller without `accounts:read` (a delegate
    who only creates officers' accounts) gets the page's links alone."""
    base: dict[str, Any] = {"filters": filters, "roles": ROLES, "states": STATES, "number": number,
                            "page_size": PAGE, "first_page": cursor is None, "rows": [], "next": None}
    if "accounts:read" not in person.scopes:
        return {**base, "listed": False}
    names = (await read_units(apis, person)).names
    params: dict[str, Any] = {**filters.api_params(), "limit": PAGE}
    if cursor:
        params["cursor"] = cursor
    body = await apis.json(person, "profile", "GET", "/api/v1/accounts", params=params)
    next_cursor = body["next_cursor"]
    return {**base, "listed": True, "rows": [row(a, names) for a in body["items"]],
            "next": f"/tai-khoan?{filters.query(cursor=next_cursor, trang=str(number + 1))}" if next_cursor else None}


async def _names_of(apis: Apis, person: PortalSession, ids: list[str]) -> dict[str, str]:
    """Who made the changes (their usernames), for the few named; one the caller may not read stays an id."""
    found: dict[str, str] = {}
    for account_id in ids[:CHANGERS]:
        try:
            account = await apis.json(person, "profile", "GET", f"/api/v1/accounts/{account_id}")
        except ApiProblem:
            continue
        found[account_id] = str(account["username"])
    return found


async def account_page(apis: Apis, person: PortalSession, account_id: uuid.UUID) -> dict[str, Any]:
    account = await apis.json(person, "profile", "GET", f"/api/v1/accounts/{account_id}")
    changes = await apis.json(person, "profile", "GET", f"/api/v1/accounts/{account_id}/access-changes")
    units = await read_units(apis, person)
    changers = await _names_of(apis, person, sorted({str(c["changed_by"]) for c in changes}))
    history = [{**c, "action_label": ACTIONS.get(c["action"], c["action"]),
                "by": changers.get(str(c["changed_by"]), str(c["changed_by"])[:8]),
                "before_roles": [ROLES.get(r, r) for r in c["before"].get("roles", [])],
                "after_roles": [ROLES.get(r, r) for r in c["after"].get("roles", [])],
                "before_disabled": c["before"].get("disabled"), "after_disabled": c["after"].get("disabled")}
               for c in changes]
    return {"account": row(account, units.names), "history": history, "own": account["id"] == person.subject,
            "manages": "accounts:write" in person.scopes, "delegates": may_create_agencies(person.roles),
            "delegation": await _delegation(apis, person, account, units.names),
            "clearance": clearance_shown(account)}


async def _delegation(apis: Apis, person: PortalSession, account: dict[str, Any],
                      names: dict[str, str]) -> dict[str, Any] | None:
    """The person's live delegation to create personal accounts (Điều 9 khoản 2), if any: where, since when."""
    if account["kind"] != "person" or "accounts:read" not in person.scopes:
        return None
    try:
        found = await apis.json(person, "profile", "GET", "/api/v1/accounts/delegations",
                                params={"active": "true", "limit": DELEGATIONS})
    except ApiProblem:
        return None
    mine = next((d for d in found if str(d["delegate_id"]) == str(account["id"])), None)
    return {**mine, "unit": names.get(str(mine["org_unit_id"]), "")} if mine else None


async def incoming_page(apis: Apis, person: PortalSession, overdue_only: bool, cursor: str | None) -> dict[str, Any]:
    """People who came in from elsewhere and have no account yet, a page at a time by profile-api's cursor: all of
    them (late first, then by due day, with the counts of the caller's task) or only the late ones. Each row says
    its due day, the 10th working day after arriving."""
    path = "/api/v1/accounts/overdue-incoming" if overdue_only else "/api/v1/accounts/incoming"
    params: dict[str, Any] = {"limit": PAGE, **({"cursor": cursor} if cursor else {})}
    body, units, tasks = await apis.gather(
        apis.json(person, "profile", "GET", path, params=params), read_units(apis, person),
        _incoming_counts(apis, person, overdue_only))
    rows = [{"profile_id": str(p["profile_id"]), "name": p["full_name"], "arrived": p["incoming_on"],
             "due": p["due_on"], "overdue": p.get("overdue", True), "unit": units.names.get(str(p["org_unit_id"]), ""),
             "create": new_account_link(str(p["profile_id"]), p["full_name"], str(p["org_unit_id"]))}
            for p in body["items"]]
    more = body["next_cursor"]
    query = {"qua-han": "1"} if overdue_only else {}
    count = next((c for c in (tasks or {}).get("counts", []) if c["kind"] == "create_incoming_account"), None)
    return {"rows": rows, "overdue_only": overdue_only, "as_of": body["as_of"], "first_page": cursor is None,
            "first": "/tai-khoan/chua-co" + (f"?{urlencode(query)}" if query else ""),
            "next": f"/tai-khoan/chua-co?{urlencode({**query, 'cursor': more})}" if more else None,
            "total": count["total"] if count else None, "overdue": count["overdue"] if count else 0}


async def _incoming_counts(apis: Apis, person: PortalSession, overdue_only: bool) -> dict[str, Any] | None:
    """The caller's `create_incoming_account` task counts (how many, how many late), for the list of all; none
    for the late ones' list, or for someone without that task."""
    if overdue_only:
        return None
    try:
        body: dict[str, Any] = await apis.json(person, "profile", "GET", "/api/v1/tasks",
                                               params={"kind": "create_incoming_account", "limit": 0})
    except ApiProblem:
        return None
    return body
