"""Chất lượng dữ liệu in the portal (QĐ 6187/QĐ-UBND Điều 17: each unit answers for the accuracy of the data it keeps;
Điều 18: the agency keeps its people's data correct, complete and current): the agency's Đúng–Đủ–Sạch–Sống scorecard
over its subtree, its daily history drawn as an SVG chart beside a table of the same figures, and its worst records
with the rules they fail, each linked to the record; nobody outside the reader's subtree."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from hoso_shared.db.models import OrgUnit, QualitySnapshot
from hoso_shared.time import local_today
from portal.quality import chart
from tests.factories import make_account
from tests.portal.conftest import Portal
from tests.portal.hr import hire, switch

WORST = re.compile(r'<th scope="row"><a href="/nhan-su/([0-9a-f-]{36})">([^<]+)</a></th>')
HISTORY_ROW = re.compile(r'<tr><th scope="row">(\d\d/\d\d/\d{4})</th>')


def snapshot(unit: OrgUnit, days_ago: int, records: int, passing: tuple[int, int, int, int]) -> QualitySnapshot:
    dung, du, sach, song = passing
    return QualitySnapshot(org_unit_id=unit.id, day=local_today() - timedelta(days=days_ago), policy="hanoi-2024",
                           records=records, blocking=records - du, passing_dung=dung, passing_du=du,
                           passing_sach=sach, passing_song=song, rule_counts={})


class TestScorecard:
    async def test_the_agency_reads_its_scorecard_history_and_worst_records(self, session: AsyncSession,
                                                                            portal: Portal) -> None:
        """Điều 17, 18: the scorecard counts the agency's subtree (its sub-unit's people too, never the other
        agency's); three days of history are drawn as one SVG line per criterion, the same figures in a table
        newest first; the worst records name the rules they fail and link to the record."""
        staff = await hire(session, portal)
        world = portal.world
        session.add_all([snapshot(world.agency, 2, 4, (2, 1, 4, 4)), snapshot(world.agency, 1, 4, (3, 2, 4, 4)),
                         snapshot(world.agency, 0, 4, (4, 2, 4, 4)), snapshot(world.elsewhere, 0, 1, (0, 0, 0, 0))])
        await session.flush()
        await portal.sign_in("agency.admin")
        page = await portal.client.get("/chat-luong")
        assert page.status_code == 200, page.text[:1000]
        text = page.text
        assert "<h1>Chất lượng dữ liệu</h1>" in text and '<a href="/chat-luong" aria-current="page">' in text
        assert '<dd id="records">4</dd>' in text  # Bình, Hoa, and the sub-unit's two; not the retired one
        assert "Đúng: dữ liệu chính xác, hợp lệ" in text and "Sống: được cập nhật kịp thời" in text
        assert text.count("<polyline ") == 4 and '<svg xmlns="http://www.w3.org/2000/svg"' in text
        assert 'role="img"' in text and "<title id=\"chart-title\">" in text and "<script" not in text.split("<main")[1]
        days = [(local_today() - timedelta(days=n)).strftime("%d/%m/%Y") for n in (0, 1, 2)]
        assert HISTORY_ROW.findall(text) == days
        assert "<td>100.0%</td>" in text and "<td>50.0%</td>" in text  # Đúng 4/4 today; Đủ 2/4 today
        worst = WORST.findall(text)
        assert worst and {name for _, name in worst} <= {"Trần Văn Bình", "Lê Thị Hoa", "Đặng Thu Giang",
                                                          "Phạm Minh An"}
        assert staff.outsider.full_name not in text and str(staff.outsider.id) not in text
        assert re.search(r"<code>[A-Z]+-[A-Z0-9]+-\d{3}</code> – (Đúng|Đủ|Sạch|Sống)", text)
        record = await portal.client.get(f"/nhan-su/{worst[0][0]}")
        assert record.status_code == 200 and "Chất lượng dữ liệu" in record.text

    async def test_a_sub_unit_or_nothing_outside(self, session: AsyncSession, portal: Portal) -> None:
        """The agency may read a sub-unit's scorecard; a unit outside its subtree (or no unit at all) is its own."""
        staff = await hire(session, portal)
        await portal.sign_in("agency.admin")
        sub = (await portal.client.get("/chat-luong", params={"don-vi": str(staff.sub_unit.id)})).text
        assert '<dd id="records">2</dd>' in sub and "Chưa có số liệu theo ngày cho đơn vị này" in sub
        assert {name for _, name in WORST.findall(sub)} <= {"Đặng Thu Giang", "Phạm Minh An"}
        for asked in (str(portal.world.elsewhere.id), "khong-phai-ma"):
            page = await portal.client.get("/chat-luong", params={"don-vi": asked})
            assert page.status_code == 200 and '<dd id="records">4</dd>' in page.text
            assert staff.outsider.full_name not in page.text


class TestAccess:
    async def test_two_agencies_each_see_their_own(self, session: AsyncSession, portal: Portal) -> None:
        """Điều 18 khoản 2: the other agency's admin reads its own scorecard (one record), none of this agency's
        people, even when it names this agency's unit."""
        staff = await hire(session, portal)
        other = await make_account(session, unit=portal.world.elsewhere, role="agency_admin", kind="agency")
        other.username = "other.admin"
        await session.flush()
        await portal.sign_in("agency.admin")
        await switch(portal, "other.admin")
        for params in ({}, {"don-vi": str(portal.world.agency.id)}):
            page = (await portal.client.get("/chat-luong", params=params)).text
            assert '<dd id="records">1</dd>' in page
            assert "Trần Văn Bình" not in page and staff.nurse.full_name not in page

    async def test_an_officer_has_no_quality_screen(self, portal: Portal) -> None:
        """Điều 8 khoản 3: an officer reads their own record only: no "Chất lượng" in the header, and the address
        is the plain 403 page, never a 500."""
        await portal.sign_in("officer")
        assert 'href="/chat-luong"' not in (await portal.client.get("/")).text
        refused = await portal.client.get("/chat-luong")
        assert refused.status_code == 403 and "Không có quyền" in refused.text

    async def test_in_english(self, session: AsyncSession, portal: Portal) -> None:
        await hire(session, portal)
        await portal.sign_in("agency.admin")
        await portal.form("/language", {"lang": "en", "back": "/chat-luong"}, page="/chat-luong")
        page = (await portal.client.get("/chat-luong")).text
        assert '<html lang="en">' in page and "<h1>Data quality</h1>" in page
        assert "Records most in need of fixing" in page and "Đặng Thu Giang" in page


def test_the_chart_is_drawn_from_the_figures() -> None:
    """The SVG's geometry: 100 % at the top of the plot, 0 % at its bottom, days spread left to right; a day without
    records (a null share) leaves its criterion's line out, and a line of one day is a dot."""
    def point(day: str, shares: dict[str, float | None]) -> dict[str, object]:
        return {"day": day, "criteria": [{"criterion": c, "share": s} for c, s in shares.items()]}

    drawn = chart.chart([point("2026-11-01", {"Đúng": 1.0, "Đủ": 0.0, "Sạch": None, "Sống": 0.5}),
                         point("2026-11-02", {"Đúng": 0.5, "Đủ": 1.0, "Sạch": 1.0, "Sống": 0.5})])
    assert drawn is not None and chart.chart([]) is None
    lines = {line.criterion: line for line in drawn["lines"]}
    left, right, top, bottom = 48.0, 624.0, 12.0, 224.0  # the plot's edges: chart.LEFT … WIDTH - RIGHT, TOP …
    assert lines["Đúng"].points == f"{left},{top} {right},{(top + bottom) / 2}"
    assert lines["Đủ"].points == f"{left},{bottom} {right},{top}"
    assert lines["Sạch"].dots == [(right, top)] and not lines["Đúng"].dots
    assert {line.dash for line in lines.values()} == {"", "8 4", "2 4", "12 4 2 4"}  # not colour alone
