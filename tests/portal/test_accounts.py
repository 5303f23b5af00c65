"""Creating accounts in the portal (QĐ 6187/QĐ-UBND Điều 9: DOHA creates agencies' accounts (khoản 1), an agency its
sub-units' agency accounts and its people's personal accounts (khoản 2)): one personal account from the person's
record, a list of them pasted or sent as CSV, an agency account for a sub-unit. The initial password is on the answer
to the form, once, and the account must change it at its first sign-in."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from hoso_shared.db.models import Account
from hoso_shared.time import local_today
from tests.factories import make_profile
from tests.portal.conftest import Portal, csrf_of
from tests.portal.hr import ACCOUNT_ID, citizen_id_of, hire, password_on, switch


async def account_named(session: AsyncSession, username: str) -> Account | None:
    found: Account | None = (await session.execute(select(Account).where(Account.username == username))).scalar()
    return found


class TestPersonalAccount:
    async def test_from_the_record_an_account_is_made_and_its_holder_must_change_the_password(
            self, session: AsyncSession, portal: Portal) -> None:
        """Điều 9 khoản 2: the agency opens the person's record, creates their personal account (filled in from the
        record); the password shows once on the answer (never again: not on the account's page, not on a reload of
        the form), and its holder signs in to the password change before anything else."""
        staff = await hire(session, portal)
        await portal.sign_in("agency.admin")
        record = (await portal.client.get(f"/nhan-su/{staff.school.id}")).text
        link = record.split('href="/tai-khoan/tao-ca-nhan?', 1)[1].split('"', 1)[0].replace("&amp;", "&")
        form = await portal.client.get(f"/tai-khoan/tao-ca-nhan?{link}")
        assert form.status_code == 200
        assert 'value="Đặng Thu Giang"' in form.text and f'value="{staff.school.id}"' in form.text
        assert f'<option value="{staff.sub_unit.id}" selected>' in form.text
        made = await portal.client.post("/tai-khoan/tao-ca-nhan", data={
            "csrf": csrf_of(form), "profile_id": str(staff.school.id), "profile_name": "Đặng Thu Giang",
            "username": " Dang.Thu.Giang ", "display_name": "Đặng Thu Giang", "org_unit_id": str(staff.sub_unit.id),
            "roles": "officer"})
        assert made.status_code == 201, made.text[-3000:]
        (password,) = password_on(made)
        assert "chỉ hiển thị một lần" in made.text and "dang.thu.giang" in made.text
        account = await account_named(session, "dang.thu.giang")
        assert account is not None and account.profile_id == staff.school.id and account.must_change_password
        assert account.org_unit_id == staff.sub_unit.id and account.roles == ["officer"]
        assert password not in (await portal.client.get(f"/tai-khoan/{account.id}")).text
        assert password not in (await portal.client.get("/tai-khoan/tao-ca-nhan")).text

        await portal.form("/logout", {}, page="/")
        signed = await portal.sign_in("dang.thu.giang", password)
        assert signed.status_code == 303 and signed.headers["location"] == "/password"
        assert (await portal.client.get("/nhan-su")).headers["location"] == "/password"

    async def test_a_person_is_found_by_citizen_id_and_refusals_are_said_at_their_field(
            self, session: AsyncSession, portal: Portal) -> None:
        """Without the record's link, HR types the citizen ID; what profile-api refuses (a username in use, a person
        who already has an account, a citizen ID outside the subtree) is said in Vietnamese at its field, and the
        error summary links to it."""
        staff = await hire(session, portal)
        await portal.sign_in("agency.admin")
        sent = await portal.form("/tai-khoan/tao-ca-nhan", {
            "citizen_id": citizen_id_of(staff.nurse), "username": "pham.minh.an", "display_name": "Phạm Minh An",
            "roles": ["officer", "approver"]})
        assert sent.status_code == 201, sent.text[-3000:]
        account = await account_named(session, "pham.minh.an")
        assert account is not None and account.profile_id == staff.nurse.id
        assert account.org_unit_id == staff.sub_unit.id and sorted(account.roles) == ["approver", "officer"]
        cases = [
            ({"username": "pham.minh.an"}, "username", "Tên đăng nhập này đã có người dùng"),
            ({"citizen_id": citizen_id_of(staff.nurse), "username": "an.lan.hai"}, "citizen_id",
             "Người này đã có tài khoản cá nhân."),
            ({"citizen_id": citizen_id_of(staff.outsider)}, "citizen_id", "Không tìm thấy hồ sơ có số định danh"),
            ({"citizen_id": "12345"}, "citizen_id", "Số định danh cá nhân gồm đúng 12 chữ số."),
            ({"username": "Ng"}, "username", "Tên đăng nhập dài 3–64 ký tự"),
            ({"display_name": ""}, "display_name", "Nhập họ tên hiển thị"),
            ({"roles": []}, "roles", "Chọn ít nhất một quyền."),
            ({"roles": ["doha_admin"]}, "roles", "Chọn ít nhất một quyền."),
        ]
        for change, where, said in cases:
            data = {"username": "nguoi.moi", "display_name": "Người Mới", "org_unit_id": str(portal.world.agency.id),
                    "roles": ["officer"], **change}
            refused = await portal.form("/tai-khoan/tao-ca-nhan", data)
            assert refused.status_code in (400, 409), (change, refused.status_code)
            assert f'<a href="#{where}">' in refused.text and said in refused.text, (change, refused.text[:3000])
            assert not password_on(refused)


class TestAccountList:
    async def test_accounts_from_a_pasted_list_or_a_csv_file(self, session: AsyncSession, portal: Portal) -> None:
        """Điều 9 khoản 2 for many people at once: lines pasted from a spreadsheet (tabs) or a CSV file; a wrong line
        makes nothing and is named with its reason; once right, each line's account and its password, once."""
        staff = await hire(session, portal)
        await portal.sign_in("agency.admin")
        bad = "\n".join(["ten_dang_nhap\tho_ten\tso_dinh_danh\tvai_tro",
                         f"giang.dt\tĐặng Thu Giang\t{citizen_id_of(staff.school)}\t",
                         f"an.pm\tPhạm Minh An\t{citizen_id_of(staff.nurse)}\tphê duyệt",
                         f"xuan.nt\tNgô Thị Xuân\t{citizen_id_of(staff.outsider)}\t",
                         "Sai Tên\tKhông Ai\t\t"])
        refused = await portal.form("/tai-khoan/tao-danh-sach", {"danh_sach": bad})
        assert refused.status_code == 400 and "chưa tạo tài khoản nào" in refused.text
        assert '<th scope="row">4</th><td>Không tìm thấy hồ sơ có số định danh' in refused.text
        assert '<th scope="row">5</th><td>Tên đăng nhập dài 3–64 ký tự' in refused.text
        assert await account_named(session, "giang.dt") is None

        good = "\n".join([*bad.splitlines()[:3], "le.tam\tLê Văn Tâm\t\tcán bộ"])
        made = await portal.form("/tai-khoan/tao-danh-sach", {"danh_sach": good,
                                                            "org_unit_id": str(portal.world.agency.id)})
        assert made.status_code == 201, made.text[-3000:]
        assert len(password_on(made)) == 3 and "Đã tạo 3 tài khoản; 0 tài khoản không tạo được." in made.text
        giang, an, tam = [await account_named(session, u) for u in ("giang.dt", "an.pm", "le.tam")]
        assert giang is not None and giang.profile_id == staff.school.id and giang.org_unit_id == staff.sub_unit.id
        assert an is not None and an.roles == ["approver"] and an.profile_id == staff.nurse.id
        assert tam is not None and tam.profile_id is None and tam.org_unit_id == portal.world.agency.id

        page = await portal.client.get("/tai-khoan/tao-danh-sach")
        csv = "username,display name\nle.tam,Lê Văn Tâm\nbui.hanh,Bùi Thị Hạnh\n".encode("utf-8-sig")
        sent = await portal.client.post("/tai-khoan/tao-danh-sach", data={
            "csrf": csrf_of(page), "org_unit_id": str(staff.sub_unit.id)},
            files={"tep": ("danh-sach.csv", csv, "text/csv")})
        assert sent.status_code == 200 and "Đã tạo 1 tài khoản; 1 tài khoản không tạo được." in sent.text
        assert "Tên đăng nhập này đã có người dùng" in sent.text and len(password_on(sent)) == 1

    @pytest.mark.parametrize(("content", "said"), [
        ("\xff\xfe không phải UTF-8".encode("utf-16"), "Tệp phải là CSV mã UTF-8"),
        ("\n".join(f"nguoi{i:03d},Người {i}" for i in range(101)).encode(), "Mỗi lần tạo tối đa 100 tài khoản"),
    ])
    async def test_a_file_that_is_no_list_makes_nothing(self, portal: Portal, content: bytes, said: str) -> None:
        await portal.sign_in("agency.admin")
        page = await portal.client.get("/tai-khoan/tao-danh-sach")
        sent = await portal.client.post("/tai-khoan/tao-danh-sach", data={
            "csrf": csrf_of(page), "org_unit_id": str(portal.world.agency.id)},
            files={"tep": ("danh-sach.csv", content, "text/csv")})
        assert sent.status_code == 400 and said in sent.text and not password_on(sent)


class TestAgencyAccount:
    async def test_an_agency_creates_its_sub_units_agency_account_never_its_own_units(
            self, session: AsyncSession, portal: Portal) -> None:
        """Điều 9 khoản 2: the agency creates agency accounts for its sub-units; the form offers only those, and a
        forged request for its own unit gets profile-api's refusal in plain words. DOHA (khoản 1) for any unit."""
        staff = await hire(session, portal)
        await portal.sign_in("agency.admin")
        form = await portal.client.get("/tai-khoan/tao-co-quan")
        assert f'<option value="{staff.sub_unit.id}">' in form.text
        assert f'<option value="{portal.world.agency.id}"' not in form.text
        made = await portal.form("/tai-khoan/tao-co-quan", {
            "org_unit_id": str(staff.sub_unit.id), "username": "tccb.admin", "display_name": "",
            "roles": "agency_admin"})
        assert made.status_code == 201 and len(password_on(made)) == 1
        account = await account_named(session, "tccb.admin")
        assert account is not None and account.kind == "agency" and account.roles == ["agency_admin"]
        assert account.display_name == "Phòng Tổ chức cán bộ" and account.must_change_password
        own = await portal.form("/tai-khoan/tao-co-quan", {
            "org_unit_id": str(portal.world.agency.id), "username": "agency.peer", "roles": "agency_admin"},
            page="/tai-khoan/tao-co-quan")
        assert own.status_code == 403 and "tài khoản cơ quan chỉ tạo cho đơn vị trực thuộc" in own.text
        assert await account_named(session, "agency.peer") is None
        await switch(portal, "doha.admin")
        doha = await portal.client.get("/tai-khoan/tao-co-quan")
        assert f'<option value="{portal.world.elsewhere.id}">' in doha.text

    async def test_the_account_list_pages_and_filters(self, session: AsyncSession, portal: Portal) -> None:
        await hire(session, portal)
        await portal.sign_in("agency.admin")
        listed = (await portal.client.get("/tai-khoan")).text
        ids = set(ACCOUNT_ID.findall(listed))
        world = portal.world.accounts
        assert {str(world[n].id) for n in ("officer", "colleague", "agency_admin", "approver")} <= ids
        assert str(world["approver_elsewhere"].id) not in ids and str(world["doha_admin"].id) not in ids
        approvers = (await portal.client.get("/tai-khoan", params={"role": "approver"})).text
        assert set(ACCOUNT_ID.findall(approvers)) == {str(world["approver"].id)}


class TestPeopleWithoutAccountPages:
    async def test_page_two_by_the_next_link_and_nobody_of_another_agency(
            self, session: AsyncSession, portal: Portal) -> None:
        """Issue 16: every list paginated; Điều 12 khoản 2.2 điểm a: each person who came in, with the 10th working
        day after arriving, late ones first. 55 people: 50 on the first page, 5 behind its "Trang sau" link; the
        counts are the whole list's; another agency's newcomer is on neither page."""
        today = local_today()
        names = [f"Người Đến {i:02d}" for i in range(55)]
        for i, name in enumerate(names):
            await make_profile(session, unit=portal.world.agency, full_name=name, incoming_on=today - timedelta(i))
        await make_profile(session, unit=portal.world.elsewhere, full_name="Người Cơ Quan Khác",
                           incoming_on=today - timedelta(days=60))
        await portal.sign_in("agency.admin")
        first = await portal.client.get("/tai-khoan/chua-co")
        assert first.status_code == 200, first.text[-2000:]
        shown = [n for n in names if n in first.text]
        assert len(shown) == 50 and "55 người" in first.text and "Trang sau" in first.text
        assert set(shown) == set(names[5:])  # the earliest arrivals (the late) first
        assert first.text.index(names[54]) < first.text.index(names[5])
        later = first.text.split('<ul class="pages">', 1)[1].split('href="', 1)[1].split('"', 1)[0]
        second = await portal.client.get(later.replace("&amp;", "&"))
        assert second.status_code == 200, second.text[-2000:]
        rest = [n for n in names if n in second.text]
        assert sorted(shown + rest) == sorted(names) and len(rest) == 5
        assert "Về trang đầu" in second.text and "Trang sau" not in second.text
        assert "Người Cơ Quan Khác" not in first.text + second.text
