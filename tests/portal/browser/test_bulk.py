"""Many approvals at once in Debian's Chromium against the real stack (issue 15 e): twenty requests, made by the
agency's HR for twenty people of one school, ticked on the school's approver's inbox and approved together. And the
agency's bulk import (issue 16 c, `TestImportJourney`, on a stack of its own: tests/portal/browser/importing.py)."""

from __future__ import annotations

import pytest
from playwright.async_api import expect

from tests.portal.browser.approver import VI, Approver
from tests.portal.browser.backstage import backstage
from tests.portal.browser.conftest import OpenBrowser
from tests.portal.browser.importing import TestImportJourney  # noqa: F401 - collected here, issue 16 c
from tests.portal.browser.stack import PortalStack

pytestmark = pytest.mark.e2e
COUNT = 20
AGENCY = "sgd.admin"  # Sở Giáo dục's agency account: proposes changes to the people of its subtree


class TestBulkApproval:
    async def test_twenty_requests_approved_together(self, open_browser: OpenBrowser,
                                                     portal_stack: PortalStack) -> None:
        """Điều 7 (the unit's approver approves updated data, in an approval window: one DOHA opened) and Điều 6
        khoản 3 and 4 (each change with its document; the agency has its people's data updated): the agency
        proposes a change with a scan for each of twenty people of 01.SGD.THPT; the school's approver finds the
        twenty in the inbox, ticks them all and approves them with one button; the result page has a line for each,
        every one approved, and approval-api applied them all."""
        async with backstage(portal_stack) as api:
            cast = await api.cast("01.SGD.THPT", officer_account=False)
            accepted = await api.propose_many(AGENCY, cast.others[:COUNT], "Tên gọi khác")
        assert [a["state"] for a in accepted] == ["submitted"] * COUNT
        assert not [a["blocking_codes"] for a in accepted if a["blocking_codes"]]
        ids = {str(a["change_request_id"]) for a in accepted}

        approver = Approver(await open_browser())
        me = approver.me
        await me.open("/")
        await me.sign_in(cast.approver.username)
        await approver.inbox()
        await expect(me.page.locator("main table tbody tr")).to_have_count(COUNT)
        await me.seen("inbox")
        lines = await approver.approve_all(COUNT)
        await expect(me.page.locator("main p[role=status]")).to_have_text(
            f"Đã phê duyệt {COUNT} yêu cầu; 0 yêu cầu không phê duyệt được.")
        await expect(lines).to_have_count(COUNT)
        await expect(lines.filter(has_text="Đã phê duyệt")).to_have_count(COUNT)
        shown = {await link.get_attribute("href") for link in await lines.locator("th a").all()}
        assert shown == {f"/duyet/{i}" for i in ids}
        await me.seen("approved")
        await me.page.get_by_role("link", name="Quay lại danh sách chờ phê duyệt").click()
        await expect(me.heading).to_have_text(VI.inbox)
        await expect(me.page.locator("main table")).to_have_count(0)
        async with backstage(portal_stack) as api:
            states = [(await api.change_request(i))["state"] for i in sorted(ids)]
        assert states == ["applied"] * COUNT
