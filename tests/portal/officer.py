"""The officer's screens as a person uses them (page objects for tests/portal/test_my_*.py and test_proposals.py):
every step a GET of the page, then its form posted with the CSRF token the page carried."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from typing import Any

from httpx import Response
from sqlalchemy.ext.asyncio import AsyncSession

from hoso_shared import records
from hoso_shared.db.models import Profile
from tests.factories import CIPHER
from tests.portal.conftest import Portal, csrf_of

OCCURRED = "20/11/2026"  # before approval-api's clock (IN_WINDOW, 28/11/2026): on time, not in the future
SCAN = ("quyet-dinh-so-125.pdf", b"%PDF-1.7\n% a scan of the decision\n", "application/pdf")
WORK: dict[str, str] = {"from_date": "2010-09-01", "unit": "UBND quận Hoàn Kiếm", "title": "Chuyên viên"}
FAMILY: dict[str, Any] = {"relation": "Mẹ", "full_name": "Nguyễn Thị Mai", "birth_year": 1960, "details": "Hưu trí"}


async def enrich(session: AsyncSession, person: Profile) -> dict[str, str]:
    """The officer's record with more of the form filled (a place, a code, a sensitive item, two tables — one of
    them sensitive): the ids of its rows by table."""
    items = records.read_items(person, CIPHER, sensitive=True)
    records.apply_items(person, {**items, "birth_place": {"commune": "Phường Hàng Bạc", "province": "Hà Nội"},
                                 "religion_code": "00", "phone": "0912345678", "salary_coefficient": "2.34"}, CIPHER)
    rows = records.section_rows(person.id, {"work-history": [WORK], "family": [FAMILY]}, CIPHER)
    session.add_all(rows)
    await session.flush()
    return {row.section: str(row.id) for row in rows}


@dataclass
class Officer:
    portal: Portal

    @property
    def profile_id(self) -> str:
        return str(self.portal.world.person.id)

    @property
    def record_path(self) -> str:
        return f"/ho-so/{self.profile_id}"

    async def sign_in(self, username: str = "officer") -> None:
        signed = await self.portal.sign_in(username)
        assert signed.status_code == 303, signed.text

    async def get(self, path: str) -> Response:
        return await self.portal.client.get(path)

    async def answer(self, path: str, data: dict[str, Any]) -> Response:
        """A question page's form (GET, then POST it with the hidden fields it carried)."""
        page = await self.get(path)
        assert page.status_code == 200, page.text[:300]
        draft = re.search(r'name="nhap" value="([^"]*)"', page.text)
        return await self.portal.client.post(path.split("?")[0], data={
            "csrf": csrf_of(page), "nhap": draft.group(1) if draft else "", **data})

    async def evidence(self, path: str, *, upload: tuple[str, bytes, str] | None = None,
                       chosen: list[str] | None = None) -> Response:
        page = await self.get(path)
        assert page.status_code == 200, page.text[:300]
        data: dict[str, Any] = {"csrf": csrf_of(page), "attachment": chosen or []}
        files = {"file": upload} if upload else {"file": ("", b"", "application/octet-stream")}
        return await self.portal.client.post(path, data=data, files=files)

    async def submit(self, check_path: str) -> Response:
        page = await self.get(check_path)
        assert page.status_code == 200, page.text[:300]
        return await self.portal.client.post(check_path, data={"csrf": csrf_of(page)})

    async def propose(self, question: str, data: dict[str, Any], *, upload: tuple[str, bytes, str] | None = SCAN,
                      chosen: list[str] | None = None) -> Response:
        """Question → evidence → check → submit: the confirmation page (or the refusal, unfollowed)."""
        answered = await self.answer(question, {"occurred_on": OCCURRED, **data})
        assert answered.status_code == 303, answered.text[:2000]
        evidence = answered.headers["location"]
        given = await self.evidence(evidence, upload=upload, chosen=chosen)
        assert given.status_code == 303, given.text[:2000]
        sent = await self.submit(given.headers["location"])
        if sent.status_code != 303:
            return sent
        return await self.get(sent.headers["location"])

    async def requests(self) -> list[dict[str, Any]]:
        """The officer's change requests as approval-api holds them."""
        assert self.portal.apis is not None
        listed = await self.portal.apis.approval.get("/api/v1/change-requests",
                                                     headers=self.portal.world.auth["officer"])
        return list(listed.json()["items"])

    async def decide(self, request_id: str, action: str, **body: Any) -> dict[str, Any]:
        """The unit's approver decides (approval-api, inside its window)."""
        assert self.portal.apis is not None
        done = await self.portal.apis.approval.post(f"/api/v1/change-requests/{request_id}/{action}",
                                                    headers=self.portal.world.auth["approver"], json=body)
        assert done.status_code == 200, done.text
        return dict(done.json())

    async def proposed_via_api(self, items: dict[str, Any], occurred_on: str = "2026-11-20") -> str:
        """A change the officer proposed through profile-api itself (with the world's scan): its request id."""
        assert self.portal.apis is not None
        made = await self.portal.apis.profile.patch(
            f"/api/v1/profiles/{self.profile_id}", headers=self.portal.world.auth["officer"],
            json={"items": items, "occurred_on": occurred_on, "attachment_ids": [str(self.portal.world.scan.id)]})
        assert made.status_code == 202, made.text
        return str(made.json()["change_request_id"])


def request_number(page: Response) -> str:
    found = re.search(r'class="number">([0-9a-f-]{36})<', page.text)
    assert found, page.text[:3000]
    return str(uuid.UUID(found.group(1)))
