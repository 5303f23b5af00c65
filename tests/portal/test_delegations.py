"""Ủy quyền phê duyệt in the portal (QĐ 6187/QĐ-UBND Điều 6 khoản 4: the head of a unit approves or delegates the
approval of updated data; Điều 7: the approver "or the person authorised" approves): an approver lends their
decisions to a named person for a date range, the delegate's inbox shows what was lent, and either ends it."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from hoso_shared.auth import TokenIssuer
from tests.approval_api.conftest import World
from tests.portal.conftest import Portal, open_portal

RANGE = {"starts_on": "2026-11-01", "ends_on": "2026-12-31"}  # around approval-api's 28/11/2026


@pytest.fixture
async def portal(client_for: Any, token_issuer: TokenIssuer, world: World) -> AsyncIterator[Portal]:
    """The portal on approval-api's clock, so the days it shows (in force, ended) are the API's."""
    async for made in open_portal(client_for, token_issuer, world, same_clock=True):
        yield made


def account(portal: Portal, name: str) -> str:
    return str(portal.world.accounts[name].id)


async def delegate(portal: Portal, to: str = "colleague", **form: str) -> Any:
    return await portal.form("/uy-quyen", {"delegate_id": account(portal, to), "reason": "Đi công tác",
                                           **RANGE, **form})


async def switch(portal: Portal, username: str) -> None:
    await portal.form("/logout", {}, page="/")
    await portal.sign_in(username)


class TestDelegations:
    async def test_an_approver_delegates_and_the_delegate_decides_what_was_lent(
            self, session: AsyncSession, portal: Portal) -> None:
        """Điều 6 khoản 4, Điều 7: the approver names a colleague by the account code the colleague reads on their
        own page; for the range, the colleague's inbox shows the unit's requests and their decision names both."""
        request = await portal.world.request(session)
        await portal.sign_in("colleague")
        assert '<a href="/uy-quyen"' in (await portal.client.get("/")).text  # where anyone reads their code
        own = (await portal.client.get("/uy-quyen")).text
        assert f"<code>{account(portal, 'colleague')}</code>" in own and "Bạn chưa được ai ủy quyền." in own
        assert 'action="/uy-quyen"' not in own  # who does not approve has nothing to lend
        assert str(request.id) not in (await portal.client.get("/duyet")).text

        await switch(portal, "approver")
        page = (await portal.client.get("/uy-quyen")).text
        assert '<label for="delegate_id">Mã tài khoản của người được ủy quyền</label>' in page
        given = await delegate(portal)
        assert given.status_code == 303 and given.headers["location"] == "/uy-quyen"
        listed = (await portal.client.get("/uy-quyen")).text
        assert "Đã giao ủy quyền phê duyệt." in listed and account(portal, "colleague") in listed
        assert "Đi công tác" in listed and "01/11/2026" in listed and "Đang hiệu lực" in listed

        await switch(portal, "colleague")
        received = (await portal.client.get("/uy-quyen")).text
        assert "Ủy quyền bạn được nhận" in received and account(portal, "approver") in received
        inbox = (await portal.client.get("/duyet")).text
        assert f'href="/duyet/{request.id}"' in inbox
        shown = (await portal.client.get(f"/duyet/{request.id}")).text
        # profile-api lends the approver's sight of this record to the delegate while the delegation holds
        assert "Bạn không được xem hồ sơ này" not in shown and "Giá trị hiện tại" in shown
        done = await portal.form(f"/duyet/{request.id}/phe-duyet", {})
        assert done.status_code == 303
        await session.refresh(request)
        assert request.state == "applied" and request.decided_on_behalf_of == portal.world.accounts["approver"].id
        trail = (await portal.client.get(f"/duyet/{request.id}")).text
        assert "(thay mặt approver, theo ủy quyền)" in trail

    async def test_revoking_ends_what_was_lent(self, session: AsyncSession, portal: Portal) -> None:
        """Điều 7: the delegation ends when its giver revokes it; the delegate's inbox no longer shows the
        unit's requests."""
        request = await portal.world.request(session)
        await portal.sign_in("approver")
        await delegate(portal)
        page = (await portal.client.get("/uy-quyen")).text
        (delegation_id,) = re.findall(r'action="/uy-quyen/([0-9a-f-]{36})/thu-hoi"', page)
        revoked = await portal.form(f"/uy-quyen/{delegation_id}/thu-hoi", {}, page="/uy-quyen")
        assert revoked.status_code == 303
        after = (await portal.client.get("/uy-quyen")).text
        assert "Đã thu hồi ủy quyền." in after and "Đã thu hồi (28/11/2026" in after
        assert f"/uy-quyen/{delegation_id}/thu-hoi" not in after
        await switch(portal, "colleague")
        assert str(request.id) not in (await portal.client.get("/duyet")).text
        # Someone else's delegation is not theirs to end: the 404 page.
        await switch(portal, "approver.elsewhere")
        other = await portal.form(f"/uy-quyen/{delegation_id}/thu-hoi", {}, page="/uy-quyen")
        assert other.status_code == 404

    async def test_the_delegate_hands_it_back(self, portal: Portal) -> None:
        """Điều 7: the person authorised may give the authority back."""
        await portal.sign_in("approver")
        await delegate(portal)
        await switch(portal, "colleague")
        page = (await portal.client.get("/uy-quyen")).text
        (delegation_id,) = re.findall(r'action="/uy-quyen/([0-9a-f-]{36})/thu-hoi"', page)
        assert "Trả lại ủy quyền" in page
        back = await portal.form(f"/uy-quyen/{delegation_id}/thu-hoi", {}, page="/uy-quyen")
        assert back.status_code == 303 and "Đã thu hồi" in (await portal.client.get("/uy-quyen")).text

    async def test_what_is_wrong_in_the_form_is_said_at_its_field(self, portal: Portal) -> None:
        """A delegation names a person of the approver's reach and a valid range; each refusal is in Vietnamese,
        summarised at the top and linked to its field."""
        await portal.sign_in("approver")
        cases = [
            ({"delegate_id": ""}, "delegate_id", "Chọn hoặc nhập người được ủy quyền."),
            ({"delegate_id": "không phải mã"}, "delegate_id", "Mã tài khoản không đúng dạng"),
            ({"delegate_id": account(portal, "approver")}, "delegate_id", "Hãy ủy quyền cho một người khác."),
            ({"starts_on": "31/02/2026"}, "starts_on", "Nhập ngày bắt đầu"),
            ({"ends_on": "2026-10-01"}, "ends_on", "Ngày kết thúc không được trước ngày bắt đầu."),
            # approval-api's refusals: a person outside the unit's reach, a range already over.
            ({"delegate_id": account(portal, "approver_elsewhere")}, "delegate_id",
             "Không tìm thấy tài khoản cá nhân đang hoạt động này"),
            ({"starts_on": "01/10/2026", "ends_on": "31/10/2026"}, "ends_on", "Khoảng thời gian không hợp lệ"),
        ]
        for form, where, message in cases:
            refused = await delegate(portal, **form)
            assert refused.status_code == 400, form
            assert message in refused.text and f'href="#{where}"' in refused.text, form
            assert re.search(rf'id="{where}"[^>]*aria-invalid="true"', refused.text), form
        assert (await delegate(portal)).status_code == 303
        overlap = await delegate(portal, starts_on="2026-12-01")
        assert overlap.status_code == 400 and "trùng một phần khoảng thời gian" in overlap.text

    async def test_the_page_in_english(self, portal: Portal) -> None:
        await portal.sign_in("approver")
        await portal.form("/language", {"lang": "en", "back": "/uy-quyen"}, page="/uy-quyen")
        page = (await portal.client.get("/uy-quyen")).text
        assert '<html lang="en">' in page and "<h1>Delegated approval</h1>" in page and "Your account code" in page
