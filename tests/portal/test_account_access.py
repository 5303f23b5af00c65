"""Managing accounts' access in the portal (QĐ 6187/QĐ-UBND Điều 18 khoản 1: the agency grants, restricts, extends or
revokes access to the database; Điều 19 khoản 4: DOHA does so on a competent body's written request): a new temporary
password shown once, disabling and enabling, new roles, each access change with its written request's number and
date; the API's guard rails said plainly; the people who came in without an account (Điều 12 khoản 2.2 điểm a)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from hoso_shared.time import local_today
from tests.factories import make_account, make_profile
from tests.portal.conftest import Portal
from tests.portal.hr import hire, password_on, switch, written_request


def account_path(portal: Portal, name: str, step: str = "") -> str:
    return f"/tai-khoan/{portal.world.accounts[name].id}" + (f"/{step}" if step else "")


class TestPasswordReset:
    async def test_a_new_temporary_password_is_shown_once_and_must_be_changed(
            self, session: AsyncSession, portal: Portal) -> None:
        """Điều 9 (the agency manages its accounts): after a confirmation, the temporary password is on the answer
        alone; the old one stops working and the holder must set their own at the next sign-in."""
        await portal.sign_in("agency.admin")
        confirm = await portal.client.get(account_path(portal, "colleague", "mat-khau"))
        assert confirm.status_code == 200 and "chỉ hiển thị một lần" in confirm.text
        reset = await portal.form(account_path(portal, "colleague", "mat-khau"), {})
        assert reset.status_code == 200, reset.text[-2000:]
        (password,) = password_on(reset)
        assert password not in (await portal.client.get(account_path(portal, "colleague"))).text
        await portal.form("/logout", {}, page="/")
        assert (await portal.sign_in("colleague")).status_code == 400  # the old password no longer works
        signed = await portal.sign_in("colleague", password)
        assert signed.status_code == 303 and signed.headers["location"] == "/password"


class TestAccessChanges:
    async def test_disabling_and_enabling_rest_on_a_written_request(self, session: AsyncSession,
                                                                   portal: Portal) -> None:
        """Điều 18 khoản 1, Điều 19 khoản 4: revoking and restoring access each names the written request (number
        and date, not after today); the account's history shows both with their requests; a disabled account
        cannot sign in."""
        await portal.sign_in("agency.admin")
        path = account_path(portal, "colleague", "khoa")
        missing = await portal.form(path, {"request_no": "", "request_date": ""})
        assert missing.status_code == 400
        assert '<a href="#request_no">' in missing.text and '<a href="#request_date">' in missing.text
        tomorrow = (local_today() + timedelta(days=1)).strftime("%d/%m/%Y")
        future = await portal.form(path, {"request_no": "125/SNV-CCVC", "request_date": tomorrow})
        assert future.status_code == 400 and "Ngày văn bản đề nghị không được sau hôm nay." in future.text
        done = await portal.form(path, written_request())
        assert done.status_code == 303 and done.headers["location"] == account_path(portal, "colleague")
        page = (await portal.client.get(account_path(portal, "colleague"))).text
        assert "Đã khóa tài khoản" in page and "Số 125/SNV-CCVC ngày" in page and "agency.admin" in page
        assert f'href="{account_path(portal, "colleague", "mo-khoa")}"' in page

        await portal.form("/logout", {}, page="/")
        assert (await portal.sign_in("colleague")).status_code == 400  # refused at the token endpoint
        await portal.sign_in("agency.admin")
        enabled = await portal.form(account_path(portal, "colleague", "mo-khoa"), written_request(days_ago=0))
        assert enabled.status_code == 303
        history = (await portal.client.get(account_path(portal, "colleague"))).text
        assert history.count("Số 125/SNV-CCVC ngày") == 2 and "Mở lại tài khoản" in history

    async def test_roles_are_restricted_or_extended_with_the_request(self, session: AsyncSession,
                                                                     portal: Portal) -> None:
        """Điều 18 khoản 1: the approver's account is extended to an officer's too, then restricted back; the same
        roles again is said to change nothing."""
        await portal.sign_in("agency.admin")
        path = account_path(portal, "approver", "quyen")
        form = (await portal.client.get(path)).text
        assert 'value="approver" checked' in form and 'value="agency_admin"' not in form
        extended = await portal.form(path, {"roles": ["officer", "approver"], **written_request()})
        assert extended.status_code == 303
        await session.refresh(portal.world.accounts["approver"])
        assert sorted(portal.world.accounts["approver"].roles) == ["approver", "officer"]
        same = await portal.form(path, {"roles": ["officer", "approver"], **written_request()})
        assert same.status_code == 400 and "Tài khoản đã có đúng các quyền này" in same.text
        none = await portal.form(path, {"roles": [], **written_request()})
        assert none.status_code == 400 and '<a href="#roles">' in none.text
        history = (await portal.client.get(account_path(portal, "approver"))).text
        assert "Thay đổi quyền (hạn chế, mở rộng)" in history and "Số 125/SNV-CCVC" in history


class TestGuardRails:
    async def test_own_account_last_admin_and_service_clients_are_refused_in_plain_words(
            self, session: AsyncSession, portal: Portal) -> None:
        """profile-api's guard rails (403 own-account, last-admin, service-client-protected) are pages that say
        what happened and what to do, never an error code; nothing changes."""
        await portal.sign_in("agency.admin")
        mine = (await portal.client.get(account_path(portal, "agency_admin"))).text
        assert "Đây là tài khoản của bạn" in mine and "/khoa" not in mine
        own = await portal.form(account_path(portal, "agency_admin", "khoa"), written_request())
        assert own.status_code == 403 and "Không ai tự khóa, tự đổi quyền" in own.text
        own_reset = await portal.form(account_path(portal, "agency_admin", "mat-khau"), {})
        assert own_reset.status_code == 403 and "Không ai tự khóa" in own_reset.text and not password_on(own_reset)

        await switch(portal, "doha.admin")
        service = await portal.form(account_path(portal, "gateway", "khoa"), written_request())
        assert service.status_code == 403 and "Tài khoản dịch vụ của hệ thống" in service.text

        # Two DOHA administrators removing each other at once: the first is disabled while its token still lives.
        other = await make_account(session, unit=portal.world.root, role="doha_admin", username="snv.phuong")
        portal.world.accounts["doha_admin"].disabled_at = datetime.now(UTC)
        await session.flush()
        last = await portal.form(f"/tai-khoan/{other.id}/khoa", written_request(), page=f"/tai-khoan/{other.id}")
        assert last.status_code == 403 and "tài khoản quản trị cuối cùng còn hoạt động" in last.text
        await session.refresh(other)
        assert other.disabled_at is None

    async def test_an_agency_does_not_manage_the_level_above(self, portal: Portal) -> None:
        """Điều 9: an agency's admin manages the accounts it could have created; DOHA's are out of its reach (the
        404 page: not even their existence is told)."""
        await portal.sign_in("agency.admin")
        assert (await portal.client.get(account_path(portal, "doha_admin"))).status_code == 404
        refused = await portal.form(account_path(portal, "doha_admin", "khoa"), written_request(),
                                    page=account_path(portal, "colleague", "khoa"))
        assert refused.status_code == 404


class TestTwoAgencies:
    async def test_no_account_screen_shows_another_agencys(self, session: AsyncSession, portal: Portal) -> None:
        """As the API's IDOR matrix, through the portal's URLs: the other agency's admin lists none of the agency's
        accounts, and each of their addresses (page, password, access change) is the 404 page."""
        await make_account(session, unit=portal.world.elsewhere, role="agency_admin", kind="agency",
                           username="elsewhere.admin")
        await portal.sign_in("elsewhere.admin")
        listed = (await portal.client.get("/tai-khoan")).text
        assert str(portal.world.accounts["colleague"].id) not in listed
        for step in ("", "mat-khau", "khoa", "quyen"):
            page = await portal.client.get(account_path(portal, "colleague", step))
            assert page.status_code == 404, step
        posted = await portal.form(account_path(portal, "colleague", "mat-khau"), {}, page="/tai-khoan")
        assert posted.status_code == 404 and not password_on(posted)


class TestPeopleWithoutAccount:
    async def test_who_came_in_is_listed_with_the_ten_working_day_due_date(self, session: AsyncSession,
                                                                           portal: Portal) -> None:
        """Điều 12 khoản 2.2 điểm a: within 10 working days of the handover the receiving agency creates the personal
        account of a person who came in; the list shows each with that day, the late ones first and marked, and
        the link that fills the account form in for them; the home page's task leads there too."""
        staff = await hire(session, portal)
        today = local_today()
        late = await make_profile(session, unit=staff.sub_unit, full_name="Hồ Văn Khánh",
                                  incoming_on=today - timedelta(days=40))
        recent = await make_profile(session, unit=portal.world.agency, full_name="Lý Thị Mai", incoming_on=today)
        await make_profile(session, unit=portal.world.elsewhere, full_name="Đinh Văn Nam",
                           incoming_on=today - timedelta(days=40))
        await portal.sign_in("agency.admin")
        page = (await portal.client.get("/tai-khoan/chua-co")).text
        assert page.index("Hồ Văn Khánh") < page.index("Lý Thị Mai") and "Đinh Văn Nam" not in page
        assert "Quá hạn" in page and "2 người, 1 người quá hạn" in page
        assert f"/tai-khoan/tao-ca-nhan?ho-so={recent.id}" in page
        overdue = (await portal.client.get("/tai-khoan/chua-co", params={"qua-han": "1"})).text
        assert "Hồ Văn Khánh" in overdue and "Lý Thị Mai" not in overdue
        home = (await portal.client.get("/")).text
        assert f'href="/tai-khoan/tao-ca-nhan?ho-so={late.id}' in home


class TestDelegation:
    async def test_an_agency_delegates_creating_personal_accounts_then_revokes_it(
            self, session: AsyncSession, portal: Portal) -> None:
        """Điều 9 khoản 2 ("tạo lập hoặc ủy quyền tạo lập tài khoản cá nhân") and Điều 18 khoản 1: the agency lends
        creating officers' personal accounts to an HR colleague on a written request; the colleague creates one from
        the portal (their own unit: they read no tree); once revoked, the API refuses them at once, in plain words."""
        await portal.sign_in("agency.admin")
        path = account_path(portal, "colleague", "uy-quyen")
        form = (await portal.client.get(path)).text
        assert f'<option value="{portal.world.agency.id}" selected>' in form
        granted = await portal.form(path, written_request())
        assert granted.status_code == 303, granted.text[-2000:]
        page = (await portal.client.get(account_path(portal, "colleague"))).text
        assert "Cho " in page and account_path(portal, "colleague", "thu-hoi-uy-quyen") in page
        assert "Ủy quyền tạo lập tài khoản cá nhân" in page and "Số 125/SNV-CCVC" in page

        await switch(portal, "colleague")
        assert '<a href="/tai-khoan"' in (await portal.client.get("/")).text
        listed = (await portal.client.get("/tai-khoan")).text
        assert "Bạn được ủy quyền tạo lập tài khoản cá nhân" in listed and "/tai-khoan/tao-co-quan" not in listed
        new = (await portal.client.get("/tai-khoan/tao-ca-nhan")).text
        assert 'id="org_unit_id"' not in new and 'value="approver"' not in new
        made = await portal.form("/tai-khoan/tao-ca-nhan", {"username": "le.van.moi", "display_name": "Lê Văn Mới",
                                                           "roles": "officer"})
        assert made.status_code == 201 and len(password_on(made)) == 1
        listed_made = await portal.form("/tai-khoan/tao-danh-sach", {"danh_sach": "le.van.ba, Lê Văn Ba"})
        assert listed_made.status_code == 201 and len(password_on(listed_made)) == 1

        # Revoked (through profile-api, by the admin elsewhere) while the colleague is signed in with a token that
        # still carries accounts:create: profile-api checks the live delegation, the portal says its refusal.
        assert portal.apis is not None
        request = {"request_no": "126/SNV-CCVC", "request_date": str(local_today())}
        cut = await portal.apis.profile.post(f"/api/v1/accounts/{portal.world.accounts['colleague'].id}/delegation/"
                                             "revoke", headers=portal.world.auth["agency_admin"], json=request)
        assert cut.status_code == 200, cut.text
        again = await portal.form("/tai-khoan/tao-ca-nhan", {"username": "le.van.hai", "display_name": "Lê Văn Hai",
                                                            "roles": "officer"})
        assert again.status_code == 403 and "Bạn không được cấp hoặc quản lý tài khoản" in again.text
        assert not password_on(again)

        await switch(portal, "agency.admin")
        assert (await portal.form(path, written_request())).status_code == 303
        revoked = await portal.form(account_path(portal, "colleague", "thu-hoi-uy-quyen"), written_request())
        assert revoked.status_code == 303
        after = (await portal.client.get(account_path(portal, "colleague"))).text
        assert "Đã thu hồi ủy quyền tạo lập tài khoản cá nhân" in after and account_path(
            portal, "colleague", "uy-quyen") in after
