"""What is measured: the callers, the targets (a server, a URL pattern, the ids that fill it) and
the api/raw pairs the report compares, plus the checks that each pair answers alike."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import quote
from uuid import UUID

import httpx

from bench.raw_app import encode_cursor
from bench.servers import Server

GET = "/api/v1/profiles/{id}"
PAGE = 50
LIST = f"/api/v1/profiles?limit={PAGE}&cursor={{id}}"
SUMMARY_FIELDS = ("id", "org_unit_id", "full_name", "birth_date", "sex", "category", "status", "rank_code",
                  "version")


@dataclass(frozen=True)
class Caller:
    name: str  # the username, or the client id of a client-credentials client
    secret: str
    client: bool  # True: client-credentials grant; False: password grant
    sensitive: bool  # whether profile-api should include (decrypt and audit) the sensitive part

    def headers(self, api: Server) -> dict[str, str]:
        """A fresh bearer token (tokens are short-lived: one per measured round)."""
        form = ({"grant_type": "client_credentials", "client_id": self.name, "client_secret": self.secret}
                if self.client else {"grant_type": "password", "username": self.name, "password": self.secret})
        response = httpx.post(f"{api.base_url}/api/v1/auth/token", timeout=30, data=form)
        response.raise_for_status()
        return {"Authorization": f"Bearer {response.json()['access_token']}"}


@dataclass(frozen=True)
class Target:
    name: str
    server: Server
    path: str  # with `{id}`
    ids: list[str]
    caller: Caller | None = None  # None: the raw floor, no auth


@dataclass(frozen=True)
class Pair:
    name: str
    api: str  # target names
    raw: str


def profile_ids(api: Server, headers: dict[str, str]) -> list[str]:
    """Every visible profile's id, in keyset (id) order."""
    ids: list[str] = []
    params: dict[str, str | int] = {"limit": 200}
    with httpx.Client(base_url=api.base_url, headers=headers, timeout=30) as client:
        while True:
            page = client.get("/api/v1/profiles", params=params).raise_for_status().json()
            ids += [item["id"] for item in page["items"]]
            if not page["next_cursor"]:
                return ids
            params["cursor"] = page["next_cursor"]


def cursors(ids: list[str]) -> list[str]:
    """A cursor for every id that still has a full page after it, so every page has PAGE rows."""
    return [encode_cursor(UUID(i)) for i in ids[:-PAGE]]


def raw_list_path(org_path: str) -> str:
    return f"{LIST}&org_path={quote(org_path, safe='')}"


def targets(raw: Server, api: Server, ids: list[str], org_path: str, doha: Caller,
            hr: Caller) -> tuple[list[Target], list[Pair]]:
    """In the order each round measures them: every api target right after a raw one."""
    pages = cursors(ids)
    measured = [Target("raw get", raw, GET, ids), Target("api get doha", api, GET, ids, doha),
                Target("api get hr", api, GET, ids, hr), Target("raw list", raw, raw_list_path(org_path), pages),
                Target("api list doha", api, LIST, pages, doha)]
    pairs = [Pair("get (doha)", "api get doha", "raw get"), Pair("get (hr system)", "api get hr", "raw get"),
             Pair("list (doha)", "api list doha", "raw list")]
    return measured, pairs


def _get(server: Server, path: str, headers: dict[str, str] | None = None) -> Any:
    return httpx.get(server.base_url + path, headers=headers, timeout=30).raise_for_status().json()


def _disagree(what: str, a: Any, r: Any) -> RuntimeError:
    return RuntimeError(f"raw and profile-api disagree on {what}:\n{a}\n{r}")


def check_get(raw: Server, api: Server, caller: Caller, profile_id: str) -> None:
    """Both must answer 200 with the same record, or the comparison means nothing; and profile-api
    must include the sensitive part for exactly the caller expected to see it."""
    a = _get(api, GET.format(id=profile_id), caller.headers(api))
    r = _get(raw, GET.format(id=profile_id))
    same = (all(a[f] == r[f] for f in ("id", "org_unit_id", "version"))
            and all(a["items"][f] == r["items"][f] for f in ("full_name", "birth_date")))
    if not same or "citizen_id_masked" not in a:
        raise _disagree(f"{profile_id} for {caller.name}", a, r)
    if a["sensitive_included"] != caller.sensitive or ("citizen_id" in a["items"]) != caller.sensitive:
        raise RuntimeError(f"{caller.name}: sensitive_included={a['sensitive_included']},"
                           f" expected {caller.sensitive}")


def check_list(raw: Server, api: Server, caller: Caller, org_path: str, cursor: str) -> None:
    """The same page of PAGE summaries from both."""
    a = _get(api, LIST.format(id=cursor), caller.headers(api))["items"]
    r = _get(raw, raw_list_path(org_path).format(id=cursor))["items"]
    rows = [[row[f] for f in SUMMARY_FIELDS] for row in a]
    if len(a) != PAGE or rows != [[row[f] for f in SUMMARY_FIELDS] for row in r]:
        raise _disagree(f"the page after cursor {cursor}", a, r)
