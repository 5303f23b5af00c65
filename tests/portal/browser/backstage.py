"""What the journeys arrange through the APIs before a person opens the browser, as the people concerned would do it
without the portal: DOHA's administrator gives each journey its own people (personal accounts for people of one
sub-unit that nobody else's journey touches, so the order of the tests does not matter) and opens an extraordinary
approval window over their unit (hanoi-2024 Điều 7 approves only in the month's last 5 days: with a window of its
own a journey does not depend on today's date); an officer, or their agency's HR, proposes a change with its scan
(Điều 6 khoản 3)."""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from hoso_shared.time import local_today
from tests.portal.browser.stack import ADMIN, PortalStack

SCAN = b"%PDF-1.7\n% a scan for the approver\n1 0 obj\n<<>>\nendobj\n"
SCAN_NAME = "giay-xac-nhan.pdf"
PROPOSALS_AT_ONCE = 4  # a 2-core machine: more in flight only queues them in profile-api
Headers = dict[str, str]


@dataclass(frozen=True)
class Person:
    profile_id: str
    full_name: str
    username: str = ""  # "": a person without an account (their agency proposes for them)


@dataclass(frozen=True)
class Cast:
    """One journey's people, all of one sub-unit: an officer and an approver with accounts, and the rest."""

    unit_id: str
    officer: Person
    approver: Person
    others: list[Person]


@dataclass
class Backstage:
    stack: PortalStack
    profile: httpx.AsyncClient
    approval: httpx.AsyncClient
    tokens: dict[str, Headers] = field(default_factory=dict)

    async def auth(self, username: str) -> Headers:
        if username not in self.tokens:
            self.tokens[username] = await self._granted(username, self.stack.passwords[username])
        return self.tokens[username]

    async def _granted(self, username: str, password: str) -> Headers:
        granted = await self.profile.post("/api/v1/auth/token", data={
            "grant_type": "password", "username": username, "password": password})
        assert granted.status_code == 200, granted.text
        return {"Authorization": f"Bearer {granted.json()['access_token']}"}

    async def unit_id(self, code: str) -> str:
        units = (await self.profile.get("/api/v1/org-units", headers=await self.auth(ADMIN))).raise_for_status()
        return str(next(u["id"] for u in units.json()["items"] if u["code"] == code))

    async def people(self, unit_id: str) -> list[Person]:
        """The unit's own people (not its sub-units'), in a fixed order."""
        items: list[dict[str, Any]] = []
        params: dict[str, Any] = {"limit": 500}  # the list is paged (issue 16): every page
        while True:
            found = await self.profile.get(f"/api/v1/org-units/{unit_id}/people", params=params,
                                           headers=await self.auth(ADMIN))
            body = found.raise_for_status().json()
            items += body["items"]
            if not body["next_cursor"]:
                break
            params["cursor"] = body["next_cursor"]
        items.sort(key=lambda p: str(p["profile_id"]))
        return [Person(str(p["profile_id"]), p["full_name"]) for p in items]

    async def account(self, person: Person, username: str, role: str, unit_id: str) -> Person:
        """DOHA's administrator opens the person's account (Điều 9); its holder sets their own password at once,
        so the browser's sign-in lands on their tasks. The stack remembers the password."""
        created = await self.profile.post("/api/v1/accounts", headers=await self.auth(ADMIN), json={
            "username": username, "display_name": person.full_name, "kind": "person", "roles": [role],
            "org_unit_id": unit_id, "profile_id": person.profile_id})
        assert created.status_code == 201, created.text
        initial, own = created.json()["initial_password"], f"e2e-{secrets.token_urlsafe(12)}"
        changed = await self.profile.post("/api/v1/auth/password", headers=await self._granted(username, initial),
                                          json={"current_password": initial, "new_password": own})
        assert changed.status_code == 204, changed.text
        self.stack.passwords[username], self.stack.roles[username] = own, role
        return Person(person.profile_id, person.full_name, username)

    async def cast(self, code: str, *, officer_account: bool = True) -> Cast:
        """Accounts for the first two people of the sub-unit `code` (01.STC.VP → stc-vp.canbo, stc-vp.approver;
        the first has none without `officer_account`), and a window over the sub-unit."""
        unit_id = await self.unit_id(code)
        first, second, *others = await self.people(unit_id)
        key = code.split(".", 1)[1].lower().replace(".", "-")
        officer = await self.account(first, f"{key}.canbo", "officer", unit_id) if officer_account else first
        approver = await self.account(second, f"{key}.approver", "approver", unit_id)
        await self.open_window(unit_id)
        return Cast(unit_id, officer, approver, others)

    async def open_window(self, unit_id: str) -> None:
        """DOHA opens an extraordinary approval window over the unit's subtree, from now for two hours."""
        now = datetime.now(UTC)
        opened = await self.approval.post("/api/v1/approval-windows", headers=await self.auth(ADMIN), json={
            "org_unit_id": unit_id, "opens_at": (now - timedelta(minutes=1)).isoformat(),
            "closes_at": (now + timedelta(hours=2)).isoformat(), "reason": "Kiểm thử nghiệm thu cổng thông tin"})
        assert opened.status_code == 201, opened.text

    async def propose(self, username: str, profile_id: str, other_names: str) -> dict[str, Any]:
        """`username` proposes another name (line 2 of the form) for the record, dated today, with a scan: the
        profile-api answer (the change request's id, its findings, what blocks approving it)."""
        auth = await self.auth(username)
        scan = await self.profile.post(f"/api/v1/profiles/{profile_id}/attachments", headers=auth,
                                       files={"file": (SCAN_NAME, SCAN, "application/pdf")})
        assert scan.status_code == 201, scan.text
        proposed = await self.profile.patch(f"/api/v1/profiles/{profile_id}", headers=auth, json={
            "items": {"other_names": other_names}, "occurred_on": str(local_today()),
            "attachment_ids": [scan.json()["id"]]})
        assert proposed.status_code == 202, proposed.text
        accepted: dict[str, Any] = proposed.json()
        return accepted

    async def propose_many(self, username: str, people: list[Person], other_names: str) -> list[dict[str, Any]]:
        """The same proposal for each person, a few at a time; in `people`'s order."""
        gate = asyncio.Semaphore(PROPOSALS_AT_ONCE)

        async def one(person: Person) -> dict[str, Any]:
            async with gate:
                return await self.propose(username, person.profile_id, other_names)

        await self.auth(username)  # once, before the proposals race for it
        return list(await asyncio.gather(*(one(p) for p in people)))

    async def change_request(self, request_id: str, username: str = ADMIN) -> dict[str, Any]:
        found = await self.approval.get(f"/api/v1/change-requests/{request_id}", headers=await self.auth(username))
        assert found.status_code == 200, found.text
        body: dict[str, Any] = found.json()
        return body

    async def record(self, profile_id: str, username: str = ADMIN) -> dict[str, Any]:
        found = await self.profile.get(f"/api/v1/profiles/{profile_id}", headers=await self.auth(username))
        assert found.status_code == 200, found.text
        body: dict[str, Any] = found.json()
        return body


@asynccontextmanager
async def backstage(stack: PortalStack) -> AsyncIterator[Backstage]:
    async with httpx.AsyncClient(base_url=stack.urls["profile-api"], timeout=30) as profile, \
            httpx.AsyncClient(base_url=stack.urls["approval-api"], timeout=30) as approval:
        yield Backstage(stack, profile, approval)


async def proposal(stack: PortalStack, code: str, other_name: str) -> tuple[Cast, str]:
    """The cast of sub-unit `code`, and the id of the proposal its officer made with their own token (nothing in
    it blocks approval)."""
    async with backstage(stack) as api:
        cast = await api.cast(code)
        accepted = await api.propose(cast.officer.username, cast.officer.profile_id, other_name)
    assert accepted["state"] == "submitted" and not accepted["blocking_codes"], accepted
    return cast, str(accepted["change_request_id"])
