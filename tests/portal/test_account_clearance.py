"""Đổi mức truy cập on an account's page (issue 21 item 1 in the portal; Quy chế Hà Nội 2024 Điều 18 khoản 1: the
managing level restricts or extends access; Điều 19 khoản 4: on a written request; Điều 9: admins manage accounts in
the software): an agency admin sets a colleague's clearance through a plain form (levels up to their own, the written
request's number and date, CSRF), back on the account's page with a notice; the form's and profile-api's refusals
are said in Vietnamese beside their fields; an officer gets no form and a plain 403; another agency's account is
not found."""

from __future__ import annotations

import uuid
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from hoso_shared.db.models import Account
from hoso_shared.time import local_today
from portal.accounts import clearance
from portal.api import ApiProblem
from tests.factories import make_account
from tests.portal.conftest import Portal, csrf_of
from tests.portal.hr import written_request

LEVEL_1 = "Mức 1 – Bộ phận tổ chức cán bộ và người phê duyệt của đơn vị"
LEVEL_3 = "Mức 3 – Hồ sơ chính trị, hồ sơ Đảng"


def page_of(account_id: uuid.UUID) -> str:
    return f"/tai-khoan/{account_id}/muc-truy-cap"


async def clearance_of(session: AsyncSession, account_id: uuid.UUID) -> int | None:
    return (await session.execute(select(Account.clearance).where(Account.id == account_id))).scalar_one()


async def lower(session: AsyncSession, account_id: uuid.UUID, level: int) -> None:
    account = await session.get(Account, account_id)
    assert account is not None
    account.clearance = level
    await session.flush()


class TestSetting:
    async def test_the_account_page_offers_the_form_and_setting_it_changes_the_clearance(
            self, session: AsyncSession, portal: Portal) -> None:
        """Điều 18 khoản 1, Điều 19 khoản 4: from the colleague's page, the agency admin picks level 1 on a written
        request; profile-api stores it and the page says it takes effect from the account's next sign-in."""
        colleague = portal.world.accounts["colleague"]
        await portal.sign_in("agency.admin")
        shown = await portal.client.get(f"/tai-khoan/{colleague.id}")
        assert shown.status_code == 200 and f'href="{page_of(colleague.id)}"' in shown.text
        assert "<dt>Mức truy cập</dt><dd>Mặc định theo vai trò</dd>" in shown.text  # as profile-api reads it
        form = await portal.client.get(page_of(colleague.id))
        assert form.status_code == 200 and 'name="csrf"' in form.text and 'name="request_no"' in form.text
        assert LEVEL_3 in form.text and "Mặc định theo vai trò" in form.text  # an agency admin's clearance: the top
        done = await portal.form(page_of(colleague.id), {"clearance": "1", **written_request()})
        assert done.status_code == 303 and done.headers["location"] == f"/tai-khoan/{colleague.id}", done.text[-2000:]
        assert await clearance_of(session, colleague.id) == 1
        back = (await portal.client.get(f"/tai-khoan/{colleague.id}")).text
        assert "có hiệu lực từ lần đăng nhập sau" in back and f"<dt>Mức truy cập</dt><dd>{LEVEL_1}</dd>" in back
        read = await portal.client.get(f"/tai-khoan/{colleague.id}")
        assert f"<dt>Mức truy cập</dt><dd>{LEVEL_1}</dd>" in read.text  # read back from profile-api, not a notice
        reset = await portal.form(page_of(colleague.id), {"clearance": clearance.DEFAULT, **written_request()})
        assert reset.status_code == 303 and await clearance_of(session, colleague.id) is None

    def test_the_page_says_the_clearance_the_api_gives(self) -> None:
        """The account's page names the level (its Vietnamese name from the grants screen), or the roles' default."""
        assert clearance.shown({"clearance": 1}) == LEVEL_1
        assert clearance.shown({"clearance": None}) == "Mặc định theo vai trò"


class TestRefusals:
    async def test_the_forms_errors_are_said_beside_their_fields(self, session: AsyncSession,
                                                                 portal: Portal) -> None:
        """Điều 19 khoản 4: no number, a date in the future, no level: said at each field, nothing sent."""
        colleague = portal.world.accounts["colleague"]
        await portal.sign_in("agency.admin")
        future = (local_today() + timedelta(days=2)).strftime("%d/%m/%Y")
        sent = await portal.form(page_of(colleague.id), {"request_no": "", "request_date": future})
        assert sent.status_code == 400
        for said in ("Nhập số văn bản đề nghị", "Ngày văn bản đề nghị không được sau hôm nay.",
                     "Chọn mức truy cập của tài khoản."):
            assert said in sent.text, said
        assert 'id="request_no-error"' in sent.text and 'id="clearance-error"' in sent.text
        assert '<a href="#clearance">' in sent.text
        assert await clearance_of(session, colleague.id) is None

    async def test_a_level_above_ones_own_is_not_offered_and_refused(self, session: AsyncSession,
                                                                     portal: Portal) -> None:
        """Điều 18 khoản 1: an admin whose clearance was lowered to 2 is offered levels 0–2; level 3 sent anyway is
        refused by the form, and the roles' default of another admin (3) by profile-api (403 above-clearance),
        said at the level's field."""
        world = portal.world
        await lower(session, world.accounts["agency_admin"].id, 2)
        other = await make_account(session, unit=world.agency, role="agency_admin", username="second.admin")
        await lower(session, other.id, 1)
        await portal.sign_in("agency.admin")
        form = (await portal.client.get(page_of(other.id))).text
        assert "Mức 2 – Thông tin cá nhân" in form and LEVEL_3 not in form
        above = await portal.form(page_of(other.id), {"clearance": "3", **written_request()})
        assert above.status_code == 400 and "Chọn mức truy cập của tài khoản." in above.text
        refused = await portal.form(page_of(other.id), {"clearance": clearance.DEFAULT, **written_request()})
        assert refused.status_code == 403, refused.text[-2000:]
        assert "Bạn không được đặt mức cao hơn mức truy cập của chính mình." in refused.text
        assert 'id="clearance-error"' in refused.text
        assert await clearance_of(session, other.id) == 1

    def test_profile_apis_field_errors_are_said_at_their_field(self) -> None:
        """A 422 from profile-api names the body's field: said beside the form's."""
        problem = ApiProblem(422, {"type": "urn:problem:validation-failed",
                                   "errors": [{"loc": ["body", "request_no"], "msg": "too long"}]})
        outcome = clearance._refused(problem)
        assert outcome.errors == {"request_no": "Giá trị này không hợp lệ."} and outcome.status == 422


class TestAccess:
    async def test_an_officer_gets_no_form_and_a_plain_403(self, session: AsyncSession, portal: Portal) -> None:
        """Điều 9: only admins manage accounts: an officer has no form and the POST URL answers a plain 403."""
        colleague = portal.world.accounts["colleague"]
        await portal.sign_in("officer")
        shown = await portal.client.get(page_of(colleague.id))
        assert shown.status_code == 403 and 'name="clearance"' not in shown.text
        home = await portal.client.get("/")
        posted = await portal.client.post(page_of(colleague.id), data={
            "csrf": csrf_of(home), "clearance": "3", **written_request()})
        assert posted.status_code == 403 and "Tài khoản của bạn không được làm việc này." in posted.text
        assert await clearance_of(session, colleague.id) is None

    async def test_an_agency_admin_cannot_set_another_agencys_account(self, session: AsyncSession,
                                                                      portal: Portal) -> None:
        """Điều 18 khoản 1: the managing level acts in its own subtree; another agency's account is not found."""
        elsewhere = portal.world.accounts["approver_elsewhere"]
        await portal.sign_in("agency.admin")
        assert (await portal.client.get(page_of(elsewhere.id))).status_code == 404
        posted = await portal.form(page_of(elsewhere.id), {"clearance": "0", **written_request()}, page="/")
        assert posted.status_code == 404 and await clearance_of(session, elsewhere.id) is None
