"""Đề nghị cập nhật in the portal (issue 16, item 5): on the quality screen each failing rule of a worst record has
a button; HR confirms, and the task appears on the home page of the person whose record it is (due as a self-update,
Điều 6 khoản 1). Another agency can neither see nor ask about the record."""

from __future__ import annotations

import html
import re

from sqlalchemy.ext.asyncio import AsyncSession

from hoso_shared import records
from tests.factories import CIPHER, make_account
from tests.portal.conftest import Portal
from tests.portal.hr import switch
from tests.profile_api.quality.helpers import defective_id

RULE = "DUNG-CCCD-003"  # digit 4 of the citizen ID disagrees with sex and birth century
ASK = re.compile(r'href="(/chat-luong/de-nghi\?[^"]+)"')


async def _defective(session: AsyncSession, portal: Portal) -> str:
    """The officer's record with a citizen ID that fails RULE (a woman born in 1985, digit 4 says a man)."""
    person = portal.world.person
    items = records.read_items(person, CIPHER, sensitive=True)
    records.apply_items(person, {**items, "sex": "F", "birth_date": "1985-05-17", "citizen_id": defective_id()},
                        CIPHER)
    await session.flush()
    return str(person.id)


class TestAskToFix:
    async def test_button_confirmation_then_the_person_s_task(self, session: AsyncSession, portal: Portal) -> None:
        """Điều 6 khoản 1: the person updates their own record; HR's request shows on their home page with its due
        day and a link to their record, and asking again does not make a second one."""
        person_id = await _defective(session, portal)
        await portal.sign_in("agency.admin")
        scorecard = (await portal.client.get("/chat-luong")).text
        asks = [html.unescape(a) for a in ASK.findall(scorecard)]
        mine = [a for a in asks if f"ho-so={person_id}" in a and f"quy-tac={RULE}" in a]
        assert len(mine) == 1, asks

        confirm = await portal.client.get(mine[0])
        assert confirm.status_code == 200, confirm.text[:500]
        assert "<h1>Đề nghị cập nhật hồ sơ</h1>" in confirm.text
        assert f'<code id="fix-rule">{RULE}</code>' in confirm.text
        assert "Gửi đề nghị cập nhật" in confirm.text and "định danh" in confirm.text
        data = {"ho-so": person_id, "quy-tac": RULE, "don-vi": str(portal.world.agency.id)}
        sent = await portal.form("/chat-luong/de-nghi", data, page=mine[0])
        assert sent.status_code == 303 and sent.headers["location"].startswith("/chat-luong")
        assert "Đã gửi đề nghị cập nhật" in (await portal.client.get(sent.headers["location"])).text
        again = await portal.form("/chat-luong/de-nghi", data, page=mine[0])
        assert "đã được gửi trước đó" in (await portal.client.get(again.headers["location"])).text

        await switch(portal, "officer")
        home = (await portal.client.get("/")).text
        assert home.count("Cập nhật hồ sơ theo đề nghị của cơ quan") == 1
        assert f'<a href="/ho-so/{person_id}">Cập nhật hồ sơ theo đề nghị của cơ quan' in home
        assert "Điều 6 khoản 1" in home and "Hạn" in home

    async def test_officers_have_no_button_and_no_form(self, session: AsyncSession, portal: Portal) -> None:
        person_id = await _defective(session, portal)
        await portal.sign_in("approver")
        page = await portal.client.get("/chat-luong")
        assert page.status_code == 200 and "/chat-luong/de-nghi" not in page.text  # reads quality, cannot ask
        await switch(portal, "officer")
        refused = await portal.client.get(f"/chat-luong/de-nghi?ho-so={person_id}&quy-tac={RULE}")
        assert refused.status_code == 403 and "Không có quyền" in refused.text


class TestAccess:
    async def test_another_agency_can_neither_see_nor_ask(self, session: AsyncSession, portal: Portal) -> None:
        """Two agencies: the other agency's admin, typing this agency's record into the portal's URLs, gets the
        plain 404 page and no request is made (the person's home page stays empty of it)."""
        person_id = await _defective(session, portal)
        other = await make_account(session, unit=portal.world.elsewhere, role="agency_admin", kind="agency")
        other.username = "other.admin"
        await session.flush()
        await portal.sign_in("other.admin")
        path = f"/chat-luong/de-nghi?ho-so={person_id}&quy-tac={RULE}"
        shown = await portal.client.get(path)
        assert shown.status_code == 404 and portal.world.person.full_name not in shown.text
        posted = await portal.form("/chat-luong/de-nghi", {"ho-so": person_id, "quy-tac": RULE}, page="/chat-luong")
        assert posted.status_code == 404 and "Không tìm thấy" in posted.text
        await switch(portal, "officer")
        assert "Cập nhật hồ sơ theo đề nghị của cơ quan" not in (await portal.client.get("/")).text
