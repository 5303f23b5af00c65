"""Dead letters in Debian's Chromium against the real stack with the national side (issue 16, journey f): ndxp-sim
is set to refuse every packet (its `/admin/faults`), UBND phường Ba Đình's approved batch is packed, signed and
sent until sync-gateway gives up on it; Sở Nội vụ finds the dead letter on its packets screen with the national
side's answers, the fault is cleared, DOHA sends the packet again after the confirmation and sees it acknowledged.
Its own stack and database (as test_sync.py), with fewer delivery attempts so the packet dies in seconds."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.async_api import expect

from tests.portal.browser.backstage import Backstage, backstage
from tests.portal.browser.conftest import OpenBrowser
from tests.portal.browser.pages import Browser, path_is
from tests.portal.browser.stack import SERVICES, PortalStack, running_stack

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(420)]
NATIONAL = (*SERVICES, "sync-gateway", "ndxp-sim")
AGENCY, AGENCY_UNIT, DOHA = "bd.admin", "01.00004", "snv.admin"
WARD = "UBND phường Ba Đình"
# Three attempts a few seconds apart, then a dead letter (make run's 8 with a minute's backoff would take minutes).
QUICK_DEATH = {"HOSO_DELIVERY_MAX_ATTEMPTS": "3", "HOSO_DELIVERY_BACKOFF_MAX_SECONDS": "2",
               "HOSO_BREAKER_COOLDOWN_SECONDS": "2"}
NATIONAL_SECONDS = 150  # approval → packed, signed, delivered (or dead), receipted, on a shared 2-core machine
ACKNOWLEDGED = "Đã được xác nhận"


@pytest.fixture(scope="module")
async def portal_stack(chromium_path: str, server_url: str,
                       tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[PortalStack]:
    """This module's stack, with sync-gateway and ndxp-sim (the browser fixtures take it in place of the shared one)."""
    async with running_stack(server_url, Path(tmp_path_factory.mktemp("dead-letter-stack")), NATIONAL,
                             name="deadletters", env=QUICK_DEATH) as stack:
        yield stack


async def refuse(stack: PortalStack, rate: float) -> None:
    """ndxp-sim answers every packet with a 5xx (`rate` 1) or takes them again (0)."""
    async with httpx.AsyncClient(base_url=stack.urls["ndxp-sim"], timeout=30) as sim:
        set_ = await sim.put("/admin/faults", json={"error_rate": rate})
        assert set_.status_code == 200 and set_.json()["error_rate"] == rate, set_.text


async def approved_batch(api: Backstage) -> None:
    """The ward's agency account submits its month's batch in a window DOHA opened; DOHA approves it (Điều 14
    khoản 2): its records go to the gateway."""
    await api.open_window(await api.unit_id(AGENCY_UNIT))
    submitted = await api.approval.post("/api/v1/sync-batches", headers=await api.auth(AGENCY), json={})
    assert submitted.status_code == 201, submitted.text
    decided = await api.approval.post(f"/api/v1/sync-batches/{submitted.json()['id']}/approve",
                                      headers=await api.auth(DOHA), json={"comment": None})
    assert decided.status_code == 200, decided.text


async def dead_letter(stack: PortalStack, api: Backstage) -> dict[str, Any]:
    """The ward's packet once the gateway has given up on it (or the time is up)."""
    async with httpx.AsyncClient(base_url=stack.urls["sync-gateway"], timeout=30) as gateway:
        for _ in range(NATIONAL_SECONDS // 2):
            found = await gateway.get("/api/v1/packets", headers=await api.auth(DOHA),
                                      params={"state": "dead", "agency_code": AGENCY_UNIT})
            assert found.status_code == 200, found.text
            if found.json()["items"]:
                packet: dict[str, Any] = found.json()["items"][0]
                return packet
            await asyncio.sleep(2)
    raise AssertionError(f"no dead letter\n{stack.log_tails()}")


async def inspect(doha: Browser, packet_id: str) -> None:
    """DOHA's packet screen: the dead letters, then the packet with each of the national side's answers."""
    page = doha.page
    await page.locator("header nav a[href='/goi-tin']").click()
    await page.locator("main ul.counts a[href='/goi-tin?trang-thai=dead']").click()
    row = page.locator("main table tbody tr", has_text=WARD).first
    await expect(row).to_contain_text("Gửi không thành công")
    await doha.seen("dead-letters")
    await row.locator(f"a[href='/goi-tin/{packet_id}']").click()
    await expect(page.locator("#packet-state")).to_have_text("Gửi không thành công")
    await expect(page.locator("main dl.summary")).to_contain_text("Trả lời gần nhất của phía quốc gia")
    await expect(page.locator("main table tbody tr")).to_have_count(3)  # every attempt, with its answer
    await expect(page.locator("main table tbody tr").first).to_contain_text("50")  # a 500 or a 503
    await doha.seen("dead-letter")


async def replay(doha: Browser, packet_id: str) -> None:
    """Sending it again: the confirmation, then the packet queued."""
    page = doha.page
    await page.locator(f"main a[href='/goi-tin/{packet_id}/gui-lai']").click()
    await expect(doha.heading).to_have_text("Gửi lại gói tin")
    await doha.seen("confirm")
    await page.locator("main form button[type=submit]").click()
    await expect(page).to_have_url(path_is(f"/goi-tin/{packet_id}"))
    await expect(page.locator("main .notice").first).to_contain_text("Đã đưa gói tin vào hàng đợi để gửi lại.")
    await doha.seen("queued")


async def acknowledged(doha: Browser, packet_id: str) -> None:
    for _ in range(NATIONAL_SECONDS // 2):
        await doha.open(f"/goi-tin/{packet_id}")
        if (await doha.page.locator("#packet-state").inner_text()).strip() == ACKNOWLEDGED:
            break
        await asyncio.sleep(2)
    await expect(doha.page.locator("#packet-state")).to_have_text(ACKNOWLEDGED)
    await expect(doha.page.locator("main")).to_contain_text("Tiếp nhận toàn bộ")


class TestDeadLetterJourney:
    async def test_a_refused_packet_dies_and_doha_sends_it_again_once_the_national_side_answers(
            self, open_browser: OpenBrowser, portal_stack: PortalStack) -> None:
        """Điều 13 and Điều 19 khoản 1: DOHA keeps the connection to the national database working — a packet
        the national side kept refusing is shown with each answer, and sent again (under its own id, after a
        confirmation) once the national side answers; Điều 14 khoản 2: the data DOHA approved reaches it."""
        await refuse(portal_stack, 1.0)
        async with backstage(portal_stack) as api:
            await approved_batch(api)
            packet = await dead_letter(portal_stack, api)
        doha = await open_browser()
        await doha.open("/")
        await doha.sign_in(DOHA)
        await inspect(doha, str(packet["id"]))
        await refuse(portal_stack, 0.0)
        await replay(doha, str(packet["id"]))
        await acknowledged(doha, str(packet["id"]))
        await doha.seen("acknowledged")
        await province(doha)


async def province(doha: Browser) -> None:
    """Điều 19: the province at a glance afterwards — the ward's agency row counts what reached the national side,
    its figure linked to the packets behind it; the chart drawn on the server beside its table."""
    page = doha.page
    await page.locator("header nav a[href='/tinh']").click()
    await expect(doha.heading).to_have_text("Theo dõi toàn tỉnh")
    await expect(page.locator("main svg.chart")).to_be_visible()
    ward = page.locator(f"#province tbody tr[data-unit='{AGENCY_UNIT}']")
    await expect(ward.locator("th")).to_have_text(WARD)
    await expect(ward.locator("a[href*='trang-thai=acknowledged']")).not_to_have_text("0")
    await doha.seen("province")
