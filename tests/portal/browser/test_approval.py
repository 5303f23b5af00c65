"""The approver's journey in Debian's Chromium against the real stack (issue 15 b, c and f): an officer's proposal,
with its scan, is found in their unit's approver's inbox, opened, its evidence viewed in the portal's page, and
approved through the confirmation in a window DOHA opened; the officer then reads the new value on their record and
the version it made. Again in English, and again with JavaScript off. Each journey has its own sub-unit's people
(backstage.cast), so none waits on another's requests."""

from __future__ import annotations

import pytest
from playwright.async_api import expect

from tests.portal.browser.approver import EN, Approver
from tests.portal.browser.backstage import Cast, backstage, proposal
from tests.portal.browser.conftest import OpenBrowser
from tests.portal.browser.proposing import RECORD, propose_other_name, sees_approved_change
from tests.portal.browser.stack import PortalStack

pytestmark = pytest.mark.e2e


async def approves(approver: Approver, request_id: str, name: str, proposed: str) -> None:
    """Signed in: the inbox, the request, its evidence, back, the confirmation, approved. Each screen seen."""
    me = approver.me
    await approver.inbox()
    await expect(approver.row(request_id)).to_be_visible()
    await me.seen("inbox")
    await approver.open_request(request_id, name, proposed)
    await me.seen("request")
    await approver.view_evidence(request_id)
    await me.seen("evidence")
    await approver.back_to_request(request_id)
    form = await approver.confirmation(request_id, "phe-duyet")
    await me.seen("confirm")
    await approver.decided(form, approver.words.approved)
    await expect(approver.row(request_id)).to_have_count(0)
    await me.seen("approved")


async def applied(stack: PortalStack, cast: Cast, request_id: str, other_name: str) -> None:
    """What approval-api and profile-api hold afterwards: the request applied, the record at version 2 with it."""
    async with backstage(stack) as api:
        assert (await api.change_request(request_id))["state"] == "applied"
        record = await api.record(cast.officer.profile_id, cast.officer.username)
    assert record["items"]["other_names"] == other_name and record["version"] == 2, record["version"]


class TestApproval:
    async def test_the_approver_approves_and_the_officer_sees_the_new_version(
            self, open_browser: OpenBrowser, portal_stack: PortalStack) -> None:
        """Điều 6 khoản 3 (a change goes with the document proving it), Điều 7 (the unit's approver approves it, in
        an approval window: here one DOHA opened, so the test holds on any day) and Điều 10 (each does their part at
        the portal's address): the officer proposes another name with a scan; their approver finds it in the inbox,
        reads the request beside the record, views the scan in the page (a PDF frame whose file is the one sent),
        and approves through the confirmation; the officer's record then shows the name, at version 2, listed with
        its diff among the versions."""
        async with backstage(portal_stack) as api:
            cast = await api.cast("01.STC.VP")
        officer = await open_browser()
        await officer.open("/ho-so")
        await officer.sign_in(cast.officer.username)
        await expect(officer.page).to_have_url(RECORD)
        request_id = await propose_other_name(officer, "Minh Khôi")
        approver = Approver(await open_browser())
        await approver.me.open("/")
        await approver.me.sign_in(cast.approver.username)
        await approves(approver, request_id, cast.officer.full_name, "Minh Khôi")
        await applied(portal_stack, cast, request_id, "Minh Khôi")
        await sees_approved_change(officer, "Minh Khôi", version=2)

    async def test_an_approver_who_reads_english(self, open_browser: OpenBrowser, portal_stack: PortalStack) -> None:
        """Điều 7 and Điều 10 for an approver who reads English: after the language switch every screen of the
        journey (tasks, inbox, request, evidence, confirmation, the status after approving) is in English
        (`<html lang="en">`, English headings and columns), and the approval is the same."""
        cast, request_id = await proposal(portal_stack, "01.00004.VP", "Thanh Tâm")
        approver = Approver(await open_browser(), EN)
        me = approver.me
        await me.open("/login")
        await me.switch_language()
        await expect(me.page.locator("html")).to_have_attribute("lang", "en")
        await me.sign_in(cast.approver.username)
        await expect(me.heading).to_have_text("My tasks")
        await expect(me.page.locator("header nav a[href='/duyet']")).to_have_text("Approve")
        await approves(approver, request_id, cast.officer.full_name, "Thanh Tâm")
        await expect(me.page.locator("html")).to_have_attribute("lang", "en")
        await applied(portal_stack, cast, request_id, "Thanh Tâm")

    async def test_an_approver_without_javascript(self, open_browser: OpenBrowser, portal_stack: PortalStack) -> None:
        """Điều 7 and Điều 10 whatever the browser: with JavaScript off the decision's confirmation is a page of its
        own (a plain link, then a plain form), and the approval is the same."""
        cast, request_id = await proposal(portal_stack, "01.00004.KT", "Gia Bảo")
        approver = Approver(await open_browser(java_script=False))
        await approver.me.open("/")
        await approver.me.sign_in(cast.approver.username)
        await approves(approver, request_id, cast.officer.full_name, "Gia Bảo")
        await applied(portal_stack, cast, request_id, "Gia Bảo")
