"""What `bench.portal` measures, set up: profile-api, approval-api and the portal on the demo (each finds the others
as `make run` wires them), the approver's inbox filled to `WAITING` requests through the APIs, and for each page
the person, their API token and their portal session, with a check that the page shows what its API call returned
(else comparing the two means nothing).

The pages and the call each is set beside (the call the page cannot do without; `bench.portal` says what else each
page asks):
- home (`/`, stc.approver): profile-api `GET /api/v1/tasks?limit=50`;
- record (`/ho-so/{id}`, stc.canbo1, whose record has a change waiting): profile-api `GET /api/v1/profiles/{id}`;
- inbox (`/duyet`, sgd.approver with `WAITING` submitted requests in the subtree): approval-api
  `GET /api/v1/change-requests?state=submitted&limit=25`."""

from __future__ import annotations

import asyncio
import html
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from bench import servers
from hoso_devstack.demo import DemoAccount
from hoso_devstack.pg import free_port
from hoso_devstack.stack import stack_env
from hoso_shared.time import local_today

HOME_PERSON, RECORD_PERSON, INBOX_PERSON, AGENCY = "stc.approver", "stc.canbo1", "sgd.approver", "sgd.admin"
TASKS = "/api/v1/tasks?limit=50"  # what portal.home.router asks for the page
WAITING_PAGE = "/api/v1/change-requests?state=submitted&limit=25"  # portal.inbox.service's first call for a page
WAITING = 200
PROPOSALS_AT_ONCE = 4  # a 2-core machine: more in flight only queues them in profile-api
SCAN = b"%PDF-1.7\n% bench scan\n1 0 obj\n<<>>\nendobj\n"


@dataclass(frozen=True)
class Pair:
    """A portal page and the API call set beside it, as one person."""

    page: str
    api_target: str
    portal_target: str
    person: str
    api: servers.Server
    api_path: str
    portal_path: str
    headers: dict[str, str]
    cookie: dict[str, str]
    listed: int  # what the page shows of the call's answer: tasks, requests (1: the record)


def _start_on(name: str, app: str, port: int, env: dict[str, str], logs: Path) -> servers.Server:
    """bench.servers.start on a port chosen beforehand: profile-api and approval-api each need the other's address
    when they start."""
    logs.mkdir(parents=True, exist_ok=True)
    log = logs / f"{name}.log"
    args = [sys.executable, "-m", "uvicorn", app, "--host", "127.0.0.1", "--port", str(port), "--workers", "1",
            "--log-level", "warning", "--no-access-log"]
    with log.open("ab") as out:  # the child keeps its own descriptor
        process = subprocess.Popen(args, env={**os.environ, **env}, stdout=out, stderr=out, start_new_session=True)
    return servers.Server(name, f"http://127.0.0.1:{port}", "/readyz", process, log)


def start(running: list[servers.Server], run_dir: Path, database_url: str, values: dict[str, Any],
          accounts: list[DemoAccount]) -> tuple[servers.Server, servers.Server, servers.Server]:
    """(profile-api, approval-api, portal), ready; each appended to `running` as it starts (so all are stopped)."""
    ports = {name: free_port() for name in ("profile-api", "approval-api", "portal")}
    urls = {name: f"http://127.0.0.1:{port}" for name, port in ports.items()}
    env = {**stack_env(values, database_url=database_url, urls=urls, accounts=[a.as_dict() for a in accounts]),
           "HOSO_LOG_LEVEL": "WARNING"}
    logs = run_dir / "logs"
    running.append(_start_on("profile-api", "profile_api.main:app", ports["profile-api"], env, logs))
    running.append(_start_on("approval-api", "approval_api.main:app", ports["approval-api"], env, logs))
    # The portal gets no database and no key (as in `make run`): where the APIs are, nothing more.
    running.append(_start_on("portal", "portal.main:app", ports["portal"], logs=logs, env={
        "HOSO_ENV": "dev", "HOSO_LOG_LEVEL": "WARNING", "HOSO_PROFILE_API_URL": urls["profile-api"],
        "HOSO_APPROVAL_API_URL": urls["approval-api"]}))
    servers.wait_ready(running)
    return running[-3], running[-2], running[-1]


def bearer(api: servers.Server, person: str, password: str) -> dict[str, str]:
    granted = httpx.post(f"{api.base_url}/api/v1/auth/token", timeout=30, data=_grant(person, password))
    return {"Authorization": f"Bearer {granted.raise_for_status().json()['access_token']}"}


def _grant(person: str, password: str) -> dict[str, str]:
    return {"grant_type": "password", "username": person, "password": password}


def portal_cookie(portal: servers.Server, person: str, password: str) -> dict[str, str]:
    """Signs in through the portal's form, as a browser does; the session cookie it ends with."""
    with httpx.Client(base_url=portal.base_url, timeout=30) as client:
        form = client.get("/login").raise_for_status().text
        csrf = form.split('name="csrf" value="', 1)[1].split('"', 1)[0]
        signed = client.post("/login", data={"csrf": csrf, "username": person, "password": password})
        if signed.status_code != 303 or signed.headers["location"] != "/":
            raise RuntimeError(f"the portal refused {person}'s sign-in: {signed.status_code} {signed.text[:300]}")
        return {"Cookie": f"hoso_session={client.cookies['hoso_session']}"}


def _shown(portal: servers.Server, path: str, cookie: dict[str, str], wanted: list[str], what: str) -> None:
    page = httpx.get(portal.base_url + path, headers=cookie, timeout=30).raise_for_status().text
    missing = [w for w in wanted if w not in page]
    if not wanted or missing:
        raise RuntimeError(f"the portal's {path} does not show {what}: {len(wanted)} expected, missing {missing}")


def home(api: servers.Server, portal: servers.Server, passwords: dict[str, str]) -> Pair:
    headers = bearer(api, HOME_PERSON, passwords[HOME_PERSON])
    cookie = portal_cookie(portal, HOME_PERSON, passwords[HOME_PERSON])
    items = httpx.get(api.base_url + TASKS, headers=headers, timeout=30).raise_for_status().json()["items"]
    _shown(portal, "/", cookie, [html.escape(t["title"]) for t in items], f"the tasks of {TASKS}")
    return Pair("home", "api tasks", "portal home", HOME_PERSON, api, TASKS, "/", headers, cookie, len(items))


def record(api: servers.Server, portal: servers.Server, passwords: dict[str, str]) -> Pair:
    headers = bearer(api, RECORD_PERSON, passwords[RECORD_PERSON])
    cookie = portal_cookie(portal, RECORD_PERSON, passwords[RECORD_PERSON])
    mine = httpx.get(f"{api.base_url}/api/v1/profiles", headers=headers, timeout=30).raise_for_status().json()
    path = f"/api/v1/profiles/{mine['items'][0]['id']}"
    read = httpx.get(api.base_url + path, headers=headers, timeout=30).raise_for_status().json()
    if not read["pending_changes"]:
        raise RuntimeError(f"{RECORD_PERSON}'s record has no change waiting (the demo's): not the page measured")
    _shown(portal, f"/ho-so/{read['id']}", cookie, [html.escape(read["items"]["full_name"])], "the record's name")
    return Pair("record", "api profile", "portal record", RECORD_PERSON, api, path, f"/ho-so/{read['id']}", headers,
                cookie, 1)


def inbox(api: servers.Server, approval: servers.Server, portal: servers.Server, passwords: dict[str, str]) -> Pair:
    headers = bearer(api, INBOX_PERSON, passwords[INBOX_PERSON])
    cookie = portal_cookie(portal, INBOX_PERSON, passwords[INBOX_PERSON])
    items = httpx.get(approval.base_url + WAITING_PAGE, headers=headers, timeout=30).raise_for_status().json()["items"]
    _shown(portal, "/duyet", cookie, [f'href="/duyet/{r["id"]}"' for r in items], f"the requests of {WAITING_PAGE}")
    return Pair("inbox", "api requests", "portal inbox", INBOX_PERSON, approval, WAITING_PAGE, "/duyet", headers,
                cookie, len(items))


def fill_inbox(api: servers.Server, approval: servers.Server, passwords: dict[str, str]) -> int:
    """Makes INBOX_PERSON's subtree hold WAITING submitted requests: the agency proposes another name, with a scan
    (Điều 6 khoản 3), for its people without an account, in turn, as many times as needed. How many it made."""
    return asyncio.run(_fill(api.base_url, approval.base_url, passwords))


async def _bearer(profile: httpx.AsyncClient, person: str, password: str) -> dict[str, str]:
    granted = await profile.post("/api/v1/auth/token", data=_grant(person, password))
    return {"Authorization": f"Bearer {granted.raise_for_status().json()['access_token']}"}


async def _waiting(approval: httpx.AsyncClient, auth: dict[str, str]) -> int:
    count = 0
    params: dict[str, str | int] = {"state": "submitted", "limit": 500}
    while True:
        page = (await approval.get("/api/v1/change-requests", headers=auth, params=params)).raise_for_status().json()
        count += len(page["items"])
        if not page["next_cursor"]:
            return count
        params["cursor"] = page["next_cursor"]


async def _people(profile: httpx.AsyncClient, auth: dict[str, str]) -> list[str]:
    """The agency's people (every unit of its subtree) who hold no account: not the approver's own record."""
    units = (await profile.get("/api/v1/org-units", headers=auth)).raise_for_status().json()["items"]
    held = (await profile.get("/api/v1/accounts", headers=auth, params={"limit": 200})).raise_for_status().json()
    with_accounts = {a["profile_id"] for a in held["items"]}
    people: list[str] = []
    for unit in units:
        params: dict[str, Any] = {"limit": 500}  # the list is paged (issue 16): every page
        while True:
            found = (await profile.get(f"/api/v1/org-units/{unit['id']}/people", headers=auth, params=params))
            body = found.raise_for_status().json()
            people += [str(p["profile_id"]) for p in body["items"] if p["profile_id"] not in with_accounts]
            if not body["next_cursor"]:
                break
            params["cursor"] = body["next_cursor"]
    return sorted(people)


async def _fill(profile_url: str, approval_url: str, passwords: dict[str, str]) -> int:
    async with httpx.AsyncClient(base_url=profile_url, timeout=60) as profile, \
            httpx.AsyncClient(base_url=approval_url, timeout=60) as approval:
        agency = await _bearer(profile, AGENCY, passwords[AGENCY])
        approver = await _bearer(profile, INBOX_PERSON, passwords[INBOX_PERSON])
        missing = WAITING - await _waiting(approval, approver)
        people = await _people(profile, agency)
        gate = asyncio.Semaphore(PROPOSALS_AT_ONCE)
        scans: dict[str, str] = {}

        async def propose(profile_id: str) -> None:
            async with gate:
                if profile_id not in scans:
                    scan = await profile.post(f"/api/v1/profiles/{profile_id}/attachments", headers=agency,
                                              files={"file": ("giay-xac-nhan.pdf", SCAN, "application/pdf")})
                    scans[profile_id] = str(scan.raise_for_status().json()["id"])
                proposed = await profile.patch(f"/api/v1/profiles/{profile_id}", headers=agency, json={
                    "items": {"other_names": "Tên gọi khác"}, "occurred_on": str(local_today()),
                    "attachment_ids": [scans[profile_id]]})
                if proposed.status_code != 202:
                    raise RuntimeError(f"a proposal was refused: {proposed.status_code} {proposed.text[:300]}")

        for start_at in range(0, missing, len(people)):  # a round over the people at a time: one scan each first
            await asyncio.gather(*(propose(p) for p in people[:missing - start_at]))
        if await _waiting(approval, approver) != WAITING:
            raise RuntimeError(f"{INBOX_PERSON} does not have {WAITING} requests waiting")
        return max(0, missing)
