"""The unit's submitted quarterly reviews in the portal (issue 16, item 8; QĐ 6187/QĐ-UBND Điều 21 khoản 6: the
unit sends a digitally signed review each quarter): its approver — who signs them but does not read DOHA's roster —
lists them a page at a time, most recent first, each with its quarter, when and by whom it was signed, and its
signed PDF. Another agency's reviews never show."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from hoso_shared.db.models import Account, OrgUnit, QuarterlyReview
from tests.approval_api.conftest import World
from tests.factories import make_account
from tests.portal.conftest import Portal
from tests.portal.test_reviews import drafted, signed, switch

ROW = re.compile(r'<th scope="row"><a href="/ra-soat/([0-9a-f-]{36})">Quý (\d)/(\d{4})</a>')
NEXT = re.compile(r'<a href="(/ra-soat/da-gui\?tiep=[^"]+)">Trang sau</a>')


def _signed(unit: OrgUnit, by: Account, year: int, number: int) -> QuarterlyReview:
    """A review submitted on the quarter's 20th day of its last month (its content is not read by the list)."""
    at = datetime(year, number * 3, 20, 3, tzinfo=UTC)
    return QuarterlyReview(org_unit_id=unit.id, quarter=f"{year}-Q{number}", state="submitted", content={},
                           content_hash="0" * 64, created_by=by.id, signature="h..s", signed_by=by.id, signed_at=at,
                           submitted_at=at + timedelta(minutes=5))


async def _history(session: AsyncSession, world: World, unit: OrgUnit, quarters: int) -> None:
    signer = world.accounts["approver"] if unit.id == world.agency.id else await make_account(
        session, unit=unit, role="approver")
    session.add_all([_signed(unit, signer, 2019 + i // 4, i % 4 + 1) for i in range(quarters)])
    await session.flush()


class TestPastReviews:
    async def test_the_approver_pages_through_the_unit_s_signed_reviews(self, session: AsyncSession,
                                                                       portal: Portal, world: World) -> None:
        """Điều 21 khoản 6: 25 quarters sent (2019-Q1 … 2025-Q1), 20 a page, newest first; each with its signer and
        the day signed; the one signed through the portal downloads as a PDF."""
        await _history(session, world, world.agency, 25)
        await portal.sign_in("approver")
        overview = (await portal.client.get("/ra-soat")).text
        assert 'href="/ra-soat/da-gui"' in overview
        review_id = await drafted(portal)
        assert (await signed(portal, review_id)).status_code == 303

        first = await portal.client.get("/ra-soat/da-gui")
        assert first.status_code == 200, first.text[:1000]
        rows = ROW.findall(first.text)
        assert len(rows) == 20 and rows[0][0] == review_id  # the one signed just now is the most recent
        assert [(q, y) for _, q, y in rows[1:4]] == [("1", "2025"), ("4", "2024"), ("3", "2024")]
        signer = world.accounts["approver"].display_name
        assert first.text.count(f"<td>{signer}</td>") == 20 and "20/03/2025" in first.text
        assert f'href="/ra-soat/{review_id}/ban-ky.pdf"' in first.text
        following = NEXT.search(first.text)
        assert following, first.text[-2000:]
        second = (await portal.client.get(following.group(1).replace("&amp;", "&"))).text
        assert [(q, y) for _, q, y in ROW.findall(second)] == [
            ("2", "2020"), ("1", "2020"), ("4", "2019"), ("3", "2019"), ("2", "2019"), ("1", "2019")]
        assert "Trang sau" not in second and 'href="/ra-soat/da-gui">Về trang đầu' in second
        pdf = await portal.client.get(f"/ra-soat/{review_id}/ban-ky.pdf")
        assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")

    async def test_none_yet_and_never_another_agency_s(self, session: AsyncSession, portal: Portal,
                                                       world: World) -> None:
        """Two agencies: the other agency's sent reviews are never listed to this one's approver (the API's 404 for
        the other unit's list is in tests/profile_api/test_idor_matrix.py); an officer has no such screen."""
        await _history(session, world, world.elsewhere, 3)
        await portal.sign_in("approver")
        page = (await portal.client.get("/ra-soat/da-gui")).text
        assert 'id="no-past-reviews"' in page and ROW.findall(page) == []
        await switch(portal, "officer")
        refused = await portal.client.get("/ra-soat/da-gui")
        assert refused.status_code == 403 and "Không có quyền" in refused.text
