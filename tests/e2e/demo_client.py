"""A client of a running demo (`make run`, described by its `.data/demo.json`), for the end-to-end checks:
logins kept per account, the org tree and its people as DOHA sees them, and the steps the checks repeat (a
documented change proposed by the agency's HR and approved, a unit's batch submitted and released by DOHA)."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

import httpx

from hoso_shared.time import local_today

T = TypeVar("T")
SCAN = ("giay-xac-nhan.pdf", b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n", "application/pdf")
DOHA = "snv.admin"  # doha_admin at the root: opens windows, decides batches, operates the gateway


def login(api: str, accounts: list[dict[str, str]], username: str) -> dict[str, str]:
    account = next(a for a in accounts if a["username"] == username)
    token = httpx.post(f"{api}/api/v1/auth/token", data={
        "grant_type": "password", "username": username, "password": account["password"]}, timeout=10)
    assert token.status_code == 200, token.text
    return {"Authorization": f"Bearer {token.json()['access_token']}"}


def wait_until(probe: Callable[[], T | None], what: str, timeout: float = 60) -> T:
    """`probe`'s first non-None answer, asked every half second until `timeout` (then the test fails)."""
    deadline = time.monotonic() + timeout
    while (found := probe()) is None:
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.5)
    return found


def ok(response: httpx.Response, status: int = 200) -> Any:
    assert response.status_code == status, f"{response.request.method} {response.request.url}: {response.text}"
    return response.json()


@dataclass
class DemoClient:
    services: dict[str, str]
    accounts: list[dict[str, str]]
    tokens: dict[str, dict[str, str]] = field(default_factory=dict)

    @property
    def api(self) -> str:
        return self.services["profile-api"]

    @property
    def approval(self) -> str:
        return self.services["approval-api"]

    @property
    def gateway(self) -> str:
        return self.services["sync-gateway"]

    @property
    def simulator(self) -> str:
        return self.services["ndxp-sim"]

    def auth(self, username: str) -> dict[str, str]:
        if username not in self.tokens:  # a password login costs a hash: once per account
            self.tokens[username] = login(self.api, self.accounts, username)
        return self.tokens[username]

    def units(self) -> dict[str, dict[str, Any]]:
        """The org tree as DOHA sees it, by unit id."""
        tree = ok(httpx.get(f"{self.api}/api/v1/org-units", headers=self.auth(DOHA), timeout=10))
        return {u["id"]: u for u in tree["items"]}

    def people_by_unit(self) -> dict[str, list[dict[str, Any]]]:
        """Each unit's approved records (version ≥ 1, so not a pending create), without those of account
        holders (an approver may not decide a change of their own record), in a repeatable order."""
        holders = {a["profile_id"] for a in self._pages("/api/v1/accounts", 200) if a["profile_id"]}
        found: dict[str, list[dict[str, Any]]] = {}
        for p in sorted(self._pages("/api/v1/profiles", 200), key=lambda p: (p["full_name"], p["id"])):
            if p["version"] >= 1 and p["status"] == "active" and p["id"] not in holders:
                found.setdefault(p["org_unit_id"], []).append(p)
        return found

    def _pages(self, path: str, limit: int) -> list[dict[str, Any]]:
        items: list[dict[str, Any]] = []
        cursor = None
        while True:
            page = ok(httpx.get(f"{self.api}{path}", headers=self.auth(DOHA), timeout=10,
                                params={"limit": limit, **({"cursor": cursor} if cursor else {})}))
            items += page["items"]
            if not (cursor := page["next_cursor"]):
                return items

    def nearest(self, unit: dict[str, Any], role: str, units: dict[str, dict[str, Any]]) -> str:
        """The account of `role` at the unit or the closest unit above it: who acts for the unit's people."""
        above = [(len(units[a["org_unit_id"]]["path"]), a["username"]) for a in self.accounts
                 if a["role"] == role and unit["path"].startswith(units[a["org_unit_id"]]["path"])]
        assert above, f"no {role} account at or above {unit['code']}"
        return max(above)[1]

    def open_window(self, unit_id: str) -> None:
        """An extraordinary approval window for the unit's subtree (DOHA), so the checks run on any day."""
        now = datetime.now(UTC)
        ok(httpx.post(f"{self.approval}/api/v1/approval-windows", headers=self.auth(DOHA), timeout=10, json={
            "org_unit_id": unit_id, "opens_at": (now - timedelta(minutes=1)).isoformat(),
            "closes_at": (now + timedelta(hours=1)).isoformat(), "reason": "e2e"}), 201)

    def change(self, profile_id: str, *, hr: str, approver: str, other_name: str) -> str:
        """A documented change of the record proposed by `hr` and approved by `approver`; its request's id."""
        scan = ok(httpx.post(f"{self.api}/api/v1/profiles/{profile_id}/attachments", headers=self.auth(hr),
                             files={"file": SCAN}, timeout=10), 201)
        proposed = ok(httpx.patch(f"{self.api}/api/v1/profiles/{profile_id}", headers=self.auth(hr), timeout=10,
                                  json={"items": {"other_names": other_name}, "occurred_on": str(local_today()),
                                        "attachment_ids": [scan["id"]]}), 202)
        request: str = proposed["change_request_id"]
        approved = ok(httpx.post(f"{self.approval}/api/v1/change-requests/{request}/approve",
                                 headers=self.auth(approver), timeout=30))
        assert approved["state"] == "applied", approved
        return request

    def release(self, agency: str) -> dict[str, Any]:
        """The agency's batch submitted with its agency account and approved by DOHA (released to the gateway)."""
        batch = ok(httpx.post(f"{self.approval}/api/v1/sync-batches", headers=self.auth(agency), json={},
                              timeout=10), 201)
        released = ok(httpx.post(f"{self.approval}/api/v1/sync-batches/{batch['id']}/approve",
                                 headers=self.auth(DOHA), timeout=10))
        assert released["state"] == "approved", released
        return dict(batch)

    def records(self, change_requests: list[str]) -> dict[str, dict[str, Any]]:
        """What the gateway did with the requests' records, by change request (absent: not judged yet)."""
        page = ok(httpx.get(f"{self.gateway}/api/v1/packet-records", headers=self.auth(DOHA), timeout=10,
                            params={"change_request_id": change_requests}))
        return {r["change_request_id"]: r for r in page["items"]}

    def packets(self, agency_code: str) -> list[dict[str, Any]]:
        page = ok(httpx.get(f"{self.gateway}/api/v1/packets", headers=self.auth(DOHA), timeout=10,
                            params={"agency_code": agency_code, "limit": 500}))
        return list(page["items"])
