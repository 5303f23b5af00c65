""""Ai đã xem thông tin nhạy cảm của tôi" in the portal (issue 21 item 4; Điều 8 khoản 3: a person exploits their
own data): linked from the officer's record page, the reads of the sensitive parts of their own record — when, which
parts in the form's words, the reader's role and unit, never the reader's name — and nobody else's."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from hoso_shared.form import layout
from profile_api.audit.service import record
from tests.factories import make_account, principal_for
from tests.portal.conftest import Portal
from tests.portal.officer import Officer

PATH = "/luot-xem-ho-so"


class TestRecordReads:
    async def test_the_officer_sees_who_read_their_record(self, session: AsyncSession, portal: Portal) -> None:
        world = portal.world
        hr = await make_account(session, unit=world.agency, role="agency_admin", username="hr.reader")
        await record(session, principal_for(hr, world.agency), "read_sensitive", "profile", world.person.id,
                     fields=["citizen_id", "family"])
        colleague = world.accounts["colleague"].profile_id
        assert colleague is not None
        await record(session, principal_for(hr, world.agency), "read_sensitive", "profile", colleague,
                     fields=["phone"])  # another person's record: never on this page
        officer = Officer(portal)
        await officer.sign_in()
        own = await officer.get(officer.record_path)
        assert f'href="{PATH}"' in own.text and "Ai đã xem thông tin nhạy cảm của tôi" in own.text
        page = await officer.get(PATH)
        assert page.status_code == 200, page.text[:500]
        text = page.text
        assert "Quản trị của cơ quan, đơn vị" in text and world.agency.name in text
        assert layout.label_of("family") in text
        assert "hr.reader" not in text and hr.display_name not in text and layout.label_of("phone") not in text

    async def test_an_account_without_a_record_is_told_so(self, portal: Portal) -> None:
        signed = await portal.sign_in("agency.admin")
        assert signed.status_code == 303, signed.text
        page = await portal.client.get(PATH)
        assert page.status_code == 404 and "<html" in page.text  # the API's refusal as a page, never a 500
