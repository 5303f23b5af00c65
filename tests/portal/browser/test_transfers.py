"""A transfer in Debian's Chromium against the real stack (issue 16, journey b): Sở Nội vụ's own unit sends one of its
people to UBND phường Ba Đình with the decision and its scan, the ward accepts it from its tasks, and the person,
signing in, finds the re-check task. The person is one of DOHA's own unit (01.SNV), whom no other journey touches;
the ward's agency account (bd.admin) decides nothing else in the journeys."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from playwright.async_api import expect

from hoso_shared.time import local_today
from tests.portal.browser.backstage import SCAN, backstage
from tests.portal.browser.conftest import OpenBrowser
from tests.portal.browser.pages import Browser, path_is
from tests.portal.browser.stack import PortalStack

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(300)]
SENDER, RECEIVER = "snv.agency", "bd.admin"  # the agency accounts of 01.SNV and of 01.00004
SENDING_UNIT, USERNAME = "01.SNV", "snv.chuyendi"
TRANSFER = re.compile(r"^https?://[^/]+/dieu-chuyen/([0-9a-f-]{36})$")


async def signed_in(me: Browser, path: str, username: str) -> None:
    await me.open(path)
    await me.sign_in(username)
    await expect(me.page).to_have_url(path_is(path))


async def send(me: Browser, full_name: str, profile_id: str, receiving_code: str) -> str:
    """From the transfers page: find the person, fill the decision and attach its scan, send. The transfer's id."""
    page = me.page
    await page.locator("main a[href='/dieu-chuyen/moi']").click()
    await page.locator("#tim").fill(full_name)
    await page.locator("#tim").press("Enter")
    chosen = page.locator(f"main a[href='/dieu-chuyen/moi?ho_so={profile_id}']")
    await expect(chosen).to_be_visible()
    await me.seen("search")
    await chosen.click()
    await expect(me.heading).to_have_text("Điều chuyển sang cơ quan khác")
    issued = local_today() - timedelta(days=3)
    await page.locator("#tim-don-vi").fill("Ba Đình")  # the directory of agencies, searched by name (issue 16)
    await page.locator("#tim-don-vi").press("Enter")
    await expect(page.locator("#tim-don-vi")).to_have_value("Ba Đình")
    await page.locator("#to_org_unit_id").select_option(receiving_code)
    await page.locator("#effective_on").fill(f"{local_today():%d/%m/%Y}")
    await page.locator("#decision_number").fill("412/QĐ-SNV")
    await page.locator("#decision_issued_on").fill(f"{issued:%d/%m/%Y}")
    await page.locator("#decision_issuer").fill("Sở Nội vụ thành phố Hà Nội")
    await page.locator("#file").set_input_files(files=[{"name": "quyet-dinh-dieu-dong.pdf",
                                                        "mimeType": "application/pdf", "buffer": SCAN}])
    await page.locator("#comment").fill("Điều động theo nhu cầu công tác")
    await me.seen("form")
    await page.locator("main form[enctype='multipart/form-data'] button[type=submit]").click()
    await expect(page).to_have_url(TRANSFER)
    found = TRANSFER.match(page.url)
    assert found is not None
    return found.group(1)


class TestTransferJourney:
    async def test_a_transfer_is_sent_accepted_and_the_person_sees_the_recheck_task(
            self, open_browser: OpenBrowser, portal_stack: PortalStack) -> None:
        """Điều 12 khoản 1 điểm a: the sending agency proposes the move with the decision (số, ngày, cơ quan ban
        hành) and its scan, the receiving agency — which reads the code it gives the sender on its own page, and
        sees the proposal but not the record — accepts it from its tasks, and the record is then its own; điểm b:
        the person, signing in, has the task of checking their record at the new unit."""
        async with backstage(portal_stack) as api:
            unit_id = await api.unit_id(SENDING_UNIT)
            person = await api.account((await api.people(unit_id))[0], USERNAME, "officer", unit_id)

        receiver = await open_browser()
        await signed_in(receiver, "/dieu-chuyen", RECEIVER)
        code = (await receiver.page.locator("main .panel code").first.inner_text()).strip()
        await receiver.seen("receiver-code")

        sender = await open_browser()
        await signed_in(sender, "/dieu-chuyen", SENDER)
        await sender.seen("transfers")
        transfer_id = await send(sender, person.full_name, person.profile_id, code)
        await expect(sender.page.locator("main .notice").first).to_contain_text("Đã gửi đề nghị điều chuyển.")
        await expect(sender.page.locator("main .tag").first).to_have_text("Chờ tiếp nhận")
        await sender.seen("sent")

        await receiver.open("/")
        task = receiver.page.locator(f"main a[href='/dieu-chuyen/{transfer_id}']")
        await expect(task).to_contain_text(person.full_name)
        await receiver.seen("task")
        await task.click()
        await expect(receiver.heading).to_have_text(f"Điều chuyển của {person.full_name}")
        await expect(receiver.page.locator(f"main a[href='/ho-so/{person.profile_id}']")).to_have_count(0)
        await receiver.seen("proposal")
        await receiver.page.locator(f"main a[href='/dieu-chuyen/{transfer_id}/tiep-nhan']").click()
        await expect(receiver.heading).to_have_text("Tiếp nhận người được điều chuyển đến")
        await receiver.seen("confirm")
        await receiver.page.locator("main form button[type=submit]").click()
        await expect(receiver.page).to_have_url(path_is(f"/dieu-chuyen/{transfer_id}"))
        await expect(receiver.page.locator("main .notice").first).to_contain_text("Đã tiếp nhận.")
        record = receiver.page.locator(f"main a[href='/ho-so/{person.profile_id}']")
        await expect(record).to_be_visible()
        await receiver.seen("accepted")
        await record.click()
        await expect(receiver.page).to_have_url(path_is(f"/ho-so/{person.profile_id}"))

        moved = await open_browser()
        await moved.open("/")
        await moved.sign_in(USERNAME)
        recheck = moved.page.locator(f"main a[href='/ho-so/{person.profile_id}/kiem-tra']")
        await expect(recheck).to_contain_text("Kiểm tra thông tin hồ sơ của mình tại đơn vị mới")
        await moved.seen("recheck-task")
        await recheck.click()
        await expect(moved.page).to_have_url(path_is(f"/ho-so/{person.profile_id}/kiem-tra"))
        await moved.seen("recheck")
