"""Cấp quyền xem hồ sơ in the portal (issue 21 item 2; Quy chế Hà Nội 2024 Điều 8 khoản 3: an officer reads data
beyond their own when the managing authority agrees in writing; Điều 18 khoản 1, Điều 19 khoản 4: access is given
and revoked by the managing level on a written request): the form makes a grant with its scanned decision and the
list shows it, the form's and profile-api's refusals are said in Vietnamese beside their fields, a revocation is
confirmed with its written request and shows at once, and only those who manage access see the screens and only
their own subtree's grants. The decision's scan is uploaded on its own (on no one's record, so a unit without records
can be granted too), each grant links to it, and its grantee may read it too."""

from __future__ import annotations

import re
import uuid
from datetime import timedelta
from typing import Any

from httpx import Response
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from hoso_shared.auth import TokenIssuer
from hoso_shared.db.models import AccessGrant, Account, Attachment, GrantDecision
from hoso_shared.time import local_today
from tests.approval_api.conftest import World
from tests.factories import make_account, make_profile, make_unit
from tests.portal.conftest import Portal, csrf_of, open_portal
from tests.portal.hr import citizen_id_of, switch, written_request

SCAN = ("quyet-dinh-125.pdf", b"%PDF-1.7\n% quyet dinh\n", "application/pdf")
REVOKE_LINK = re.compile(r'href="(/cap-quyen/[0-9a-f-]{36}/thu-hoi)"')
DECISION_LINK = re.compile(r'href="(/cap-quyen/[0-9a-f-]{36}/quyet-dinh)"')


def day(offset: int = 0) -> str:
    return (local_today() + timedelta(days=offset)).isoformat()


def answers(grantee: uuid.UUID | str, **overrides: Any) -> dict[str, Any]:
    """The new-grant form filled in as an agency's HR officer would: a unit's records at level 1 for a month."""
    return {"grantee_id": str(grantee), "target": "don-vi", "org_unit_id": "", "people": "", "level": "1",
            "starts_on": day(), "ends_on": day(30), "decision_number": "125/QĐ-SNV", "decision_date": day(-2),
            "issuing_body": "Sở Nội vụ thành phố Hà Nội", **overrides}


async def send_grant(portal: Portal, data: dict[str, Any], scan: tuple[str, bytes, str] | None = SCAN) -> Response:
    shown = await portal.client.get("/cap-quyen/moi")
    assert shown.status_code == 200, shown.text[-2000:]
    return await portal.client.post("/cap-quyen/moi", data={"csrf": csrf_of(shown), **data},
                                    files={"file": scan} if scan else {"file": ("", b"", "application/octet-stream")})


async def grants_of(session: AsyncSession, grantee: uuid.UUID) -> list[AccessGrant]:
    rows = await session.execute(select(AccessGrant).where(AccessGrant.grantee_id == grantee))
    return list(rows.scalars())


class TestGranting:
    async def test_a_grant_made_through_the_form_is_listed(self, session: AsyncSession, portal: Portal) -> None:
        """Điều 8 khoản 3: the agency grants a colleague its unit's records at level 1 on a written decision whose
        scan goes with the form; the list shows who, what, the level by its name, the days, the decision and that
        it works, with a "Thu hồi" button."""
        world = portal.world
        colleague = world.accounts["colleague"]
        await portal.sign_in("agency.admin")
        form = (await portal.client.get("/cap-quyen/moi")).text
        assert f'value="{colleague.id}"' in form and f'value="{world.accounts["agency_admin"].id}"' not in form
        assert 'enctype="multipart/form-data"' in form and 'name="csrf"' in form
        assert "Mức 3 – Hồ sơ chính trị, hồ sơ Đảng" in form  # an agency admin's clearance: the top level
        sent = await send_grant(portal, answers(colleague.id, org_unit_id=str(world.agency.id)))
        assert sent.status_code == 303 and sent.headers["location"] == "/cap-quyen", sent.text[-3000:]
        (grant,) = await grants_of(session, colleague.id)
        assert (grant.org_unit_id, grant.level, grant.decision_number) == (world.agency.id, 1, "125/QĐ-SNV")
        scan = await session.get(GrantDecision, grant.decision_id)
        assert scan is not None and scan.content == SCAN[1] and grant.attachment_id is None
        assert (await session.execute(select(Attachment).where(Attachment.content == SCAN[1]))).first() is None
        listed = (await portal.client.get("/cap-quyen")).text
        assert "Đã cấp quyền xem hồ sơ" in listed  # the flash
        assert "colleague" in listed and "Mức 1 – Bộ phận tổ chức cán bộ" in listed
        assert "Số 125/QĐ-SNV ngày" in listed and "Sở Nội vụ thành phố Hà Nội" in listed
        assert "Đang hiệu lực" in listed and REVOKE_LINK.search(listed)
        assert local_today().strftime("%d/%m/%Y") in listed
        link = DECISION_LINK.search(listed)
        assert link and link.group(1) == f"/cap-quyen/{grant.id}/quyet-dinh" and "Xem quyết định" in listed
        shown = await portal.client.get(link.group(1))
        assert shown.status_code == 200 and shown.content == SCAN[1]
        assert shown.headers["content-type"] == "application/pdf" and "quyet-dinh-125.pdf" in shown.headers[
            "content-disposition"] and shown.headers["x-content-type-options"] == "nosniff"
        # The grantee reads the written basis of their own access (Điều 8 khoản 3), though not the list.
        await switch(portal, "colleague")
        assert (await portal.client.get(link.group(1))).content == SCAN[1]

    async def test_a_unit_without_records_is_granted_too(self, session: AsyncSession, portal: Portal) -> None:
        """Điều 8 khoản 3: the decision rests on no one's record, so a unit that has none yet is granted like any."""
        world = portal.world
        empty = await make_unit(session, parent=world.agency, type="sub_unit", name="Phòng mới lập")
        await portal.sign_in("agency.admin")
        sent = await send_grant(portal, answers(world.accounts["colleague"].id, org_unit_id=str(empty.id)))
        assert sent.status_code == 303, sent.text[-3000:]
        (grant,) = await grants_of(session, world.accounts["colleague"].id)
        assert grant.org_unit_id == empty.id and grant.decision_id is not None

    async def test_named_people_are_found_by_citizen_id(self, session: AsyncSession, portal: Portal) -> None:
        """Điều 8 khoản 3: a grant over named people, typed as HR holds them (their citizen IDs); the list names
        them."""
        world = portal.world
        await portal.sign_in("agency.admin")
        sent = await send_grant(portal, answers(world.accounts["approver"].id, target="nguoi", level="2",
                                                people=f"{citizen_id_of(world.person)}\n"))
        assert sent.status_code == 303, sent.text[-3000:]
        (grant,) = await grants_of(session, world.accounts["approver"].id)
        assert grant.profile_ids == [world.person.id] and grant.org_unit_id is None
        listed = (await portal.client.get("/cap-quyen")).text
        assert "Trần Văn Bình" in listed and "Mức 2 – Thông tin cá nhân" in listed


class TestRefusals:
    async def test_the_forms_errors_are_said_in_vietnamese_beside_their_fields(self, session: AsyncSession,
                                                                                portal: Portal) -> None:
        """What is missing or wrong is said at its field before profile-api is asked: nothing is granted."""
        world = portal.world
        await portal.sign_in("agency.admin")
        empty = await send_grant(portal, dict.fromkeys(answers("x"), ""), scan=None)
        assert empty.status_code == 400
        for said in ("Chọn tài khoản được cấp quyền.", "Chọn cấp quyền xem cả một đơn vị",
                     "Chọn mức độ hạn chế tiếp cận được xem.", "Nhập ngày bắt đầu", "Nhập số văn bản",
                     "Nhập cơ quan ban hành văn bản", "Chọn tệp bản quét văn bản"):
            assert said in empty.text, said
        assert '<a href="#grantee_id">' in empty.text and 'id="grantee_id-error"' in empty.text
        late = await send_grant(portal, answers(world.accounts["colleague"].id, org_unit_id=str(world.agency.id),
                                                starts_on=day(-20), ends_on=day(-1), decision_date=day(1)))
        assert late.status_code == 400
        assert "Ngày kết thúc đã qua" in late.text and "Ngày ban hành văn bản không được sau hôm nay." in late.text
        not_a_scan = await send_grant(portal, answers(world.accounts["colleague"].id,
                                                      org_unit_id=str(world.agency.id)),
                                      scan=("qd.txt", b"just text", "text/plain"))
        assert not_a_scan.status_code == 400 and "Chỉ nhận tệp PDF, JPEG hoặc PNG." in not_a_scan.text
        outsider = await make_profile(session, unit=world.elsewhere, full_name="Ngô Thị Xuân")
        beyond = await send_grant(portal, answers(world.accounts["colleague"].id, target="nguoi",
                                                  people=citizen_id_of(outsider)))
        assert beyond.status_code == 400 and "Không tìm thấy trong phạm vi quản lý của bạn" in beyond.text
        assert await grants_of(session, world.accounts["colleague"].id) == []

    async def test_profile_apis_refusal_is_said_at_its_field(self, session: AsyncSession, portal: Portal) -> None:
        """profile-api is the authority (problem+json): granting oneself (a forged choice) is refused with
        `own-access`, said at the account's field; the scan already sent is kept for the next try."""
        world = portal.world
        admin = world.accounts["agency_admin"]
        await portal.sign_in("agency.admin")
        own = await send_grant(portal, answers(admin.id, org_unit_id=str(world.agency.id)))
        assert own.status_code == 403, own.text[-3000:]
        assert "Không ai tự cấp quyền cho chính mình" in own.text and 'id="grantee_id-error"' in own.text
        assert 'name="decision_id" value="' in own.text  # no second upload needed
        assert await grants_of(session, admin.id) == []

    async def test_levels_above_ones_clearance_are_not_offered(self, session: AsyncSession,
                                                               portal: Portal) -> None:
        """Điều 18 khoản 1: an admin grants up to their own clearance; one whose clearance was lowered to 2 is
        offered levels 0–2 only, and level 3 sent anyway is refused."""
        world = portal.world
        admin = await session.get(Account, world.accounts["agency_admin"].id)
        assert admin is not None
        admin.clearance = 2
        await session.flush()
        await portal.sign_in("agency.admin")
        form = (await portal.client.get("/cap-quyen/moi")).text
        assert "Mức 2 – Thông tin cá nhân" in form and "Mức 3 – Hồ sơ chính trị" not in form
        above = await send_grant(portal, answers(world.accounts["colleague"].id, org_unit_id=str(world.agency.id),
                                                 level="3"))
        assert above.status_code == 400 and "Chọn mức độ hạn chế tiếp cận được xem." in above.text


async def test_a_scan_too_large_is_refused_before_it_is_read(session: AsyncSession, client_for: Any,
                                                             token_issuer: TokenIssuer, world: World) -> None:
    """A scan over the portal's upload limit is refused from the request's declared size (413), said at the file's
    field; nothing is sent on."""
    async for portal in open_portal(client_for, token_issuer, world, portal_max_upload_bytes=1024):
        await portal.sign_in("agency.admin")
        big = ("qd.pdf", b"%PDF-1.7\n" + b"0" * 200_000, "application/pdf")
        refused = await send_grant(portal, answers(world.accounts["colleague"].id,
                                                   org_unit_id=str(world.agency.id)), scan=big)
        assert refused.status_code == 413 and "Tệp lớn hơn mức cho phép" in refused.text
    assert await grants_of(session, world.accounts["colleague"].id) == []


class TestRevoking:
    async def test_a_grant_is_revoked_after_a_confirmation_on_a_written_request(self, session: AsyncSession,
                                                                                portal: Portal) -> None:
        """Điều 18 khoản 1, Điều 19 khoản 4: the confirmation shows the grant and asks for the written request
        (number and date); the grant stops at once and the list shows it revoked, without a button."""
        world = portal.world
        colleague = world.accounts["colleague"]
        await portal.sign_in("agency.admin")
        assert (await send_grant(portal, answers(colleague.id, org_unit_id=str(world.agency.id)))).status_code == 303
        found = REVOKE_LINK.search((await portal.client.get("/cap-quyen")).text)
        assert found
        path = found.group(1).replace("&amp;", "&")
        confirm = await portal.client.get(path)
        assert confirm.status_code == 200 and "Số 125/QĐ-SNV ngày" in confirm.text and "request_no" in confirm.text
        missing = await portal.form(path, {"request_no": "", "request_date": ""})
        assert missing.status_code == 400 and "Nhập số văn bản đề nghị" in missing.text
        done = await portal.form(path, {**written_request(), "request_no": "130/SNV-CCVC"})
        assert done.status_code == 303 and done.headers["location"] == "/cap-quyen", done.text[-2000:]
        (grant,) = await grants_of(session, colleague.id)
        await session.refresh(grant)
        assert grant.revoked_at is not None and grant.revoke_request_no == "130/SNV-CCVC"
        listed = (await portal.client.get("/cap-quyen")).text
        assert "Đã thu hồi quyền xem hồ sơ: hết hiệu lực ngay." in listed
        assert "Đã thu hồi" in listed and "Số 130/SNV-CCVC ngày" in listed and not REVOKE_LINK.search(listed)
        again = await portal.form(path, written_request())
        assert again.status_code == 409 and "Quyền này đã được thu hồi trước đó." in again.text


class TestWhoSeesIt:
    async def test_an_officer_gets_no_link_and_a_plain_403(self, session: AsyncSession, portal: Portal) -> None:
        """Only those who manage access (`accounts:write`: agency and DOHA admins, Điều 18 khoản 1) see the
        screens; an officer's home has no link, and the address answers profile-api's refusal as a plain page."""
        await portal.sign_in("officer")
        home = (await portal.client.get("/")).text
        assert "/cap-quyen" not in home
        for path in ("/cap-quyen", "/cap-quyen/moi"):
            refused = await portal.client.get(path)
            assert refused.status_code == 403 and "Không có quyền" in refused.text, path
        await switch(portal, "agency.admin")
        assert 'href="/cap-quyen"' in (await portal.client.get("/")).text

    async def test_an_agency_never_sees_another_agencys_grants(self, session: AsyncSession,
                                                              portal: Portal) -> None:
        """Two agencies: each admin lists and revokes only the grants over its own subtree; the other's is a 404
        page; DOHA sees both (Điều 19: the province)."""
        world = portal.world
        await make_account(session, unit=world.elsewhere, role="agency_admin", kind="agency", username="admin.b")
        await portal.sign_in("agency.admin")
        assert (await send_grant(portal, answers(world.accounts["colleague"].id,
                                                 org_unit_id=str(world.agency.id)))).status_code == 303
        await switch(portal, "admin.b")
        b_grant = await send_grant(portal, answers(world.accounts["approver_elsewhere"].id,
                                                   org_unit_id=str(world.elsewhere.id), decision_number="77/QĐ-B"))
        assert b_grant.status_code == 303, b_grant.text[-3000:]
        b_list = (await portal.client.get("/cap-quyen")).text
        assert "77/QĐ-B" in b_list and "125/QĐ-SNV" not in b_list
        (a_grant,) = await grants_of(session, world.accounts["colleague"].id)
        a_path = f"/cap-quyen/{a_grant.id}/thu-hoi"
        assert (await portal.client.get(a_path)).status_code == 404
        refused_scan = await portal.client.get(f"/cap-quyen/{a_grant.id}/quyet-dinh")
        assert refused_scan.status_code == 404 and SCAN[1] not in refused_scan.content
        refused = await portal.form(a_path, written_request(), page="/cap-quyen")
        assert refused.status_code == 404
        await session.refresh(a_grant)
        assert a_grant.revoked_at is None
        await switch(portal, "agency.admin")
        a_list = (await portal.client.get("/cap-quyen")).text
        assert "125/QĐ-SNV" in a_list and "77/QĐ-B" not in a_list
        await switch(portal, "doha.admin")
        everyone = (await portal.client.get("/cap-quyen")).text
        assert "125/QĐ-SNV" in everyone and "77/QĐ-B" in everyone
