"""The receiving agency chosen from a directory in the portal (issue 16, item 3; QĐ 6187/QĐ-UBND Điều 12 khoản 1
điểm a): the transfer form offers the other agencies of the province by name and code — searchable, without
JavaScript — instead of a box for a 32-character id; its own unit is never offered; a refused proposal shows the
same search and choice again."""

from __future__ import annotations

import re

from sqlalchemy.ext.asyncio import AsyncSession

from tests.factories import make_account, make_unit
from tests.portal.conftest import Portal, csrf_of
from tests.portal.test_transfers import DECISION, receiving_agency

OPTION = re.compile(r'<option value="([0-9a-f-]{36})"( selected)?>([^<]+)</option>')


async def _third_agency(session: AsyncSession, portal: Portal) -> str:
    third = await make_unit(session, parent=portal.world.root, name="Sở Giáo dục và Đào tạo")
    await make_account(session, unit=third, role="agency_admin", kind="agency")
    return str(third.id)


class TestReceiverDirectory:
    async def test_the_sender_chooses_the_receiver_by_name(self, session: AsyncSession, portal: Portal) -> None:
        world = portal.world
        await receiving_agency(session, world)
        third = await _third_agency(session, portal)
        await portal.sign_in("agency.admin")
        colleague = str(world.accounts["colleague"].profile_id)
        form = (await portal.client.get(f"/dieu-chuyen/moi?ho_so={colleague}")).text
        offered = {value: label for value, _, label in OPTION.findall(form)}
        assert str(world.elsewhere.id) in offered and third in offered and str(world.agency.id) not in offered
        assert f"({world.elsewhere.code})" in offered[str(world.elsewhere.id)]
        assert '<label for="to_org_unit_id">Cơ quan tiếp nhận' in form and 'name="tim-don-vi"' in form

        narrowed_page = await portal.client.get("/dieu-chuyen/moi", params={"ho_so": colleague,
                                                                            "tim-don-vi": "giáo dục"})
        narrowed = narrowed_page.text
        assert [v for v, _, _ in OPTION.findall(narrowed)] == [third]
        none = (await portal.client.get("/dieu-chuyen/moi", params={"ho_so": colleague, "tim-don-vi": "zzz"})).text
        assert 'id="no-receivers"' in none

        # Refused for a missing decision: the same search, the same choice, shown again.
        refused = await portal.client.post(f"/dieu-chuyen/moi?ho_so={colleague}", data={
            "csrf": csrf_of(narrowed_page), "to_org_unit_id": third, "receiver_search": "giáo dục"},
            files={"file": ("", b"", "application/octet-stream")})
        assert refused.status_code == 400
        assert [(v, s) for v, s, _ in OPTION.findall(refused.text)] == [(third, " selected")]

        sent = await portal.client.post(f"/dieu-chuyen/moi?ho_so={colleague}", data={
            "csrf": csrf_of(narrowed_page), "to_org_unit_id": third, **DECISION},
            files={"file": ("quyet-dinh.pdf", b"%PDF-1.7\n% the decision\n", "application/pdf")})
        assert sent.status_code == 303, sent.text[:2000]
