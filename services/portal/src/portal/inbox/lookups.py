"""What the approver's pages read besides the requests themselves: the units they see, the names of the people
concerned, the month's approval window, and a request's evidence. Each answers with what the caller may see;
a refusal (a delegate who may not read the unit, say) leaves that part out instead of failing the page."""

from __future__ import annotations

from collections.abc import Awaitable, Iterable
from typing import Any, TypeVar

from portal.api import ApiProblem, Apis
from portal.sessions import PortalSession

T = TypeVar("T")
MAX_UNITS = 500  # units offered in the filter (a province-wide reader narrows by typing a URL instead)
TASKS = 100  # profile-api lists at most this many tasks of a kind
NAMES_AT_ONCE = 100  # records profile-api names in one call (`ids=`)
VIEWABLE = frozenset({"application/pdf", "image/jpeg", "image/png"})  # profile-api takes only these (by content)


async def optional(call: Awaitable[T]) -> T | None:
    """The answer, or None when the API refuses it (4xx); an API that is down still fails the page."""
    try:
        return await call
    except ApiProblem:
        return None


async def me(apis: Apis, person: PortalSession) -> dict[str, Any]:
    body: dict[str, Any] = await apis.json(person, "profile", "GET", "/api/v1/me")
    return body


async def unit_names(apis: Apis, person: PortalSession) -> dict[str, str]:
    """The units of the caller's subtree (tree order), id → name; empty for someone who may not read them."""
    tree = await optional(apis.json(person, "profile", "GET", "/api/v1/org-units"))
    return {u["id"]: u["name"] for u in (tree or {"items": []})["items"][:MAX_UNITS]}


async def waiting_tasks(apis: Apis, person: PortalSession) -> dict[str, dict[str, Any]]:
    """The caller's `decide_change_request` tasks by request id: the person's name, due day and overdue flag
    (the deadline policy's, as profile-api counts it). Requests lent by a delegation are not tasks."""
    body = await optional(apis.json(person, "profile", "GET", "/api/v1/tasks",
                                    params={"kind": "decide_change_request", "limit": TASKS}))
    items = body["items"] if body else []
    return {t["subject"]["change_request_id"]: t for t in items if t["subject"].get("change_request_id")}


async def people_names(apis: Apis, person: PortalSession, profile_ids: Iterable[str]) -> dict[str, str]:
    """profile id → full name of these people (for requests that are not among the tasks): only those named,
    `NAMES_AT_ONCE` a call, never a whole unit's list; one the caller may not read stays unnamed."""
    wanted = sorted(set(profile_ids))
    names: dict[str, str] = {}
    for start in range(0, len(wanted), NAMES_AT_ONCE):
        ids = wanted[start:start + NAMES_AT_ONCE]
        found = await optional(apis.json(person, "profile", "GET", "/api/v1/profiles", params={
            "ids": ids, "include_archived": "true", "limit": len(ids)}))
        names.update({str(p["id"]): str(p["full_name"]) for p in (found or {"items": []})["items"]})
    return names


async def names_of(apis: Apis, person: PortalSession, requests: list[dict[str, Any]],
                   tasks: dict[str, dict[str, Any]], units: dict[str, str]) -> dict[str, str]:
    """profile id → name for these requests: from the tasks, then from the records of the rest."""
    names = {t["subject"]["profile_id"]: t["subject"]["person_name"] for t in tasks.values()
             if t["subject"].get("person_name")}
    missing = {r["profile_id"] for r in requests if r["profile_id"] not in names and r["org_unit_id"] in units}
    return {**await people_names(apis, person, missing), **names}


async def window(apis: Apis, person: PortalSession, unit_id: str | None = None) -> dict[str, Any]:
    """approval-api's answer for the unit (default: the caller's own): open now or not, this month's window
    (Điều 7: its last 5 days) and any extraordinary window DOHA opened over it. A unit the caller sees only
    through a delegation is answered for the caller's own unit."""
    params = {"org_unit_id": unit_id} if unit_id else {}
    found = await optional(apis.json(person, "approval", "GET", "/api/v1/approval-windows/status", params=params))
    body: dict[str, Any] = found or await apis.json(person, "approval", "GET", "/api/v1/approval-windows/status")
    monthly = body.get("monthly_window") or [None, None]
    return {"open": bool(body["open"]), "opens_on": monthly[0], "closes_on": monthly[1],
            "extraordinary": list(body.get("extraordinary", []))}


async def evidence(apis: Apis, person: PortalSession, request: dict[str, Any]) -> list[dict[str, Any]]:
    """The request's attachments with what profile-api says of each (name, type, size); an attachment the
    caller may not read is listed by its place alone."""
    listed = await optional(apis.json(person, "profile", "GET",
                                      f"/api/v1/profiles/{request['profile_id']}/attachments"))
    known = {a["id"]: a for a in listed or []}
    found = []
    for place, attachment_id in enumerate(request["attachment_ids"], 1):
        meta = known.get(str(attachment_id), {})
        found.append({"id": str(attachment_id), "place": place, "filename": meta.get("filename"),
                      "content_type": meta.get("content_type"), "size": meta.get("size"),
                      "viewable": meta.get("content_type") in VIEWABLE})
    return found
