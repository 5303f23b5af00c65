"""The monthly sync in the portal (QĐ 6187/QĐ-UBND Điều 14, 15) and DOHA's side of it (Điều 14 khoản 2, Điều 13,
Điều 19 khoản 1): the agency sees what it applied and has not synced, submits the month's batch in its window, and
follows the batch to the national receipt; DOHA approves or returns it seeing its records' findings, and watches
the packets, sending a dead letter again after a confirmation. Also a person pulled in from the national DB (Điều
12 khoản 2.2 điểm b). Real APIs and gateway on the test's transaction; NDXP faked."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from hoso_shared.db.models import ChangeRequest, OutboxRow, Profile
from tests.approval_api.conftest import OUT_OF_WINDOW, apis  # noqa: F401 - the stack's fixture
from tests.factories import make_account
from tests.portal.conftest import Portal, csrf_of
from tests.portal.national import acknowledged, delivered, ndxp, open_national_portal, the_packet
from tests.sync_gateway.conftest import COMPLETE, NDXP, Stack, released, stack  # noqa: F401
from tests.sync_gateway.test_national_calls import national_record, new_citizen_id

ERROR = {"code": "DU-TRUONG-001", "criterion": "Đủ", "severity": "error", "field": "rank_code",
         "params": {"label_vi": "Mã ngạch", "label_en": "Rank code", "category_vi": "công chức",
                    "category_en": "civil servant"}}


@pytest.fixture
async def portal(stack: Stack) -> AsyncIterator[Portal]:  # noqa: F811 - the gateway's fixture
    async for made in open_national_portal(stack):
        yield made


async def applied(session: AsyncSession, stack: Stack, n: int) -> list[str]:  # noqa: F811
    """`n` approved changes of the world's person, applied and awaiting a batch (the first completes the record,
    so the gateway packs it): their request ids."""
    made = []
    for i in range(n):
        person = await session.get(Profile, stack.world.person.id, populate_existing=True)
        assert person is not None
        request = await stack.world.request(session, payload=COMPLETE if i == 0 else {"items": {
            "other_names": f"Tên {i}"}}, base_version=person.version)
        r = await stack.apis.approval.post(f"/api/v1/change-requests/{request.id}/approve",
                                           headers=stack.world.auth["approver"])
        assert r.status_code == 200 and r.json()["state"] == "applied", r.text
        made.append(str(request.id))
    return made


async def switch(portal: Portal, username: str) -> None:
    await portal.form("/logout", {}, page="/")
    assert (await portal.sign_in(username)).status_code == 303


async def submitted(portal: Portal) -> str:
    """The agency (signed in) submits its batch through the confirmation page: the batch's id."""
    sent = await portal.form("/dong-bo/gui", {})
    assert sent.status_code == 303, sent.text[:2000]
    return str(sent.headers["location"].rsplit("/", 1)[1])


def stage(page: str) -> str:
    found = re.search(r'<p id="batch-stage"><strong>[^<]*</strong> ([^<]+)</p>', page)
    assert found, page[:3000]
    return found.group(1).strip()


class TestMonthlySync:
    async def test_the_agency_sees_what_awaits_and_submits_the_months_batch(
            self, session: AsyncSession, portal: Portal, stack: Stack) -> None:  # noqa: F811
        """Điều 14 khoản 1, Điều 15 khoản 1: in the month's last 5 days the agency account sees each approved change
        not yet synced, by the person's name, and submits them as the month's batch after a confirmation; the
        batch then waits for DOHA."""
        await applied(session, stack, 2)
        await portal.sign_in("agency.admin")
        page = (await portal.client.get("/dong-bo")).text
        assert "Thay đổi chờ đồng bộ (2)" in page and "Trần Văn Bình" in page
        assert "Đang trong thời gian đồng bộ." in page
        assert 'href="/dong-bo/gui"' in page
        confirm = (await portal.client.get("/dong-bo/gui")).text
        assert "Lần đồng bộ này gồm 2 thay đổi" in confirm
        batch_id = await submitted(portal)
        page = (await portal.client.get(f"/dong-bo/lo/{batch_id}")).text
        assert "Đã gửi dữ liệu đồng bộ" in page and stage(page) == "Đã gửi Sở Nội vụ"
        assert "Trần Văn Bình" in page and "/phe-duyet" not in page  # an agency does not decide its batch
        overview = (await portal.client.get("/dong-bo")).text
        assert "Thay đổi chờ đồng bộ (0)" in overview and f'href="/dong-bo/lo/{batch_id}"' in overview

    async def test_outside_the_window_the_refusal_is_said(self, session: AsyncSession, portal: Portal,
                                                           stack: Stack) -> None:  # noqa: F811
        """Điều 14 khoản 1: outside the last 5 days (and any window DOHA opened) nothing is submitted."""
        await applied(session, stack, 1)
        await portal.sign_in("agency.admin")
        stack.apis.at(OUT_OF_WINDOW)
        assert "Ngoài thời gian đồng bộ." in (await portal.client.get("/dong-bo")).text
        refused = await portal.form("/dong-bo/gui", {})
        assert refused.status_code == 409 and "Ngoài thời gian đồng bộ: theo Điều 14 khoản 1" in refused.text

    async def test_doha_sees_the_findings_and_returns_the_batch_with_its_reason(
            self, session: AsyncSession, portal: Portal, stack: Stack) -> None:  # noqa: F811
        """Điều 14 khoản 2: DOHA decides each agency's batch seeing what the Đúng–Đủ–Sạch–Sống rules found in its
        records; a return needs its reason, which the agency then reads."""
        (request_id,) = await applied(session, stack, 1)
        stored = await session.get(ChangeRequest, request_id)
        assert stored is not None
        stored.findings = [ERROR]
        await session.flush()
        await portal.sign_in("agency.admin")
        batch_id = await submitted(portal)
        await switch(portal, "doha.admin")
        listed = (await portal.client.get("/dong-bo/lo")).text
        assert f'href="/dong-bo/lo/{batch_id}"' in listed and stack.world.agency.name in listed
        page = (await portal.client.get(f"/dong-bo/lo/{batch_id}")).text
        assert "DU-TRUONG-001" in page and "Thiếu Mã ngạch" in page and "1 thay đổi có lỗi" in page
        assert f'href="/dong-bo/lo/{batch_id}/phe-duyet"' in page and f'href="/dong-bo/lo/{batch_id}/tra-lai"' in page
        await portal.form("/language", {"lang": "en", "back": "/"}, page="/")
        assert "Return the sync batch" in (await portal.client.get(f"/dong-bo/lo/{batch_id}/tra-lai")).text
        await portal.form("/language", {"lang": "vi", "back": "/"}, page="/")
        empty = await portal.form(f"/dong-bo/lo/{batch_id}/tra-lai", {"comment": " "})
        assert empty.status_code == 400 and 'id="comment-error"' in empty.text
        returned = await portal.form(f"/dong-bo/lo/{batch_id}/tra-lai", {"comment": "Bổ sung mã ngạch"})
        assert returned.status_code == 303
        assert "Sở Nội vụ trả lại" in (await portal.client.get(f"/dong-bo/lo/{batch_id}")).text
        await switch(portal, "agency.admin")
        overview = (await portal.client.get("/dong-bo")).text
        assert "Bổ sung mã ngạch" in overview and "Thay đổi chờ đồng bộ (1)" in overview

    async def test_doha_approves_and_the_agency_follows_it_to_the_national_receipt(
            self, session: AsyncSession, portal: Portal, stack: Stack) -> None:  # noqa: F811
        """Điều 14 khoản 2 and Điều 13: DOHA approves the batch; the agency follows it delivered, then acknowledged
        by the national side, and reads why the national side rejected a record."""
        await applied(session, stack, 2)
        await portal.sign_in("agency.admin")
        batch_id = await submitted(portal)
        await switch(portal, "doha.admin")
        confirm = await portal.client.get(f"/dong-bo/lo/{batch_id}/phe-duyet")
        assert confirm.status_code == 200 and "Phê duyệt dữ liệu đồng bộ" in confirm.text
        approved = await portal.form(f"/dong-bo/lo/{batch_id}/phe-duyet", {})
        assert approved.status_code == 303, approved.text[:2000]
        await switch(portal, "agency.admin")
        path = f"/dong-bo/lo/{batch_id}"
        assert stage((await portal.client.get(path)).text) == "Sở Nội vụ đã phê duyệt"
        await stack.runtime.build()
        packet = await the_packet(session)
        await delivered(stack, packet)
        assert stage((await portal.client.get(path)).text) == "Đã gửi đến Cơ sở dữ liệu quốc gia"
        first, second = sorted(await stack_rows(session, batch_id))
        await acknowledged(stack, packet, {str(first): ("accepted", None), str(second): ("rejected", "Sai mã ngạch")})
        page = (await portal.client.get(path)).text
        assert stage(page) == "Cơ sở dữ liệu quốc gia đã xác nhận"
        assert "1 thay đổi bị Cơ sở dữ liệu quốc gia từ chối" in page
        rejected = (await portal.client.get(path, params={"ket-qua": "rejected"})).text
        assert "Sai mã ngạch" in rejected and "Cơ sở dữ liệu quốc gia từ chối" in rejected

    async def test_only_doha_decides_and_another_agency_sees_nothing(
            self, session: AsyncSession, portal: Portal, stack: Stack) -> None:  # noqa: F811
        """Điều 14 khoản 2 (DOHA decides) and no screen shows another agency's data: the agency cannot approve its
        own batch, and an agency at neither end cannot open it."""
        await applied(session, stack, 1)
        await make_account(session, unit=stack.world.elsewhere, role="agency_admin", kind="agency",
                           username="elsewhere.admin")
        await portal.sign_in("agency.admin")
        batch_id = await submitted(portal)
        assert (await portal.client.get(f"/dong-bo/lo/{batch_id}/phe-duyet")).status_code == 409  # not offered
        shown = await portal.client.get(f"/dong-bo/lo/{batch_id}")
        posted = await portal.client.post(f"/dong-bo/lo/{batch_id}/phe-duyet", data={"csrf": csrf_of(shown)})
        assert posted.status_code == 403
        await switch(portal, "elsewhere.admin")
        assert (await portal.client.get(f"/dong-bo/lo/{batch_id}")).status_code == 404
        assert batch_id not in (await portal.client.get("/dong-bo/lo?trang-thai=tat-ca")).text


class TestInEnglish:
    async def test_every_screen_reads_in_english(self, session: AsyncSession, portal: Portal,
                                                 stack: Stack) -> None:  # noqa: F811
        """Vietnamese first, English available: after the language switch the sync, packet and transfer screens
        speak English (their catalogues, sync.po and transfers.po)."""
        rows = await released(session, stack, 1)
        await stack.runtime.build()
        packet = await the_packet(session)
        await portal.sign_in("doha.admin")
        await portal.form("/language", {"lang": "en", "back": "/"}, page="/")
        batch = str(rows[0].sync_batch_id)
        expected = {"/dong-bo/lo?trang-thai=tat-ca": "sync batches</h1>", f"/dong-bo/lo/{batch}": "Approved by DOHA",
                    "/goi-tin": "Sync packets", f"/goi-tin/{packet.id}": "Delivery attempts",
                    f"/goi-tin/{packet.id}/gui-lai": "Send the packet again",
                    "/goi-tin/gui-lai-tat-ca": "Send the dead letters again", "/dieu-chuyen": "Transfers of staff",
                    "/dieu-chuyen/moi": "Find a person in your unit"}
        for path, words in expected.items():
            page = await portal.client.get(path)
            assert page.status_code == 200 and words in page.text and '<html lang="en">' in page.text, path


async def stack_rows(session: AsyncSession, batch_id: str) -> list[int]:
    """The batch's outbox rows (the record ids the national receipt names)."""
    return list((await session.scalars(select(OutboxRow.id).where(OutboxRow.sync_batch_id == batch_id))).all())


class TestPackets:
    async def test_doha_sees_a_dead_letter_with_the_national_answer_and_sends_it_again(
            self, session: AsyncSession, portal: Portal, stack: Stack) -> None:  # noqa: F811
        """Điều 13 and Điều 19 khoản 1: a packet the national side refused is shown with its answer, and DOHA sends
        it again after a confirmation (one, then all); nobody else reads the queue."""
        await released(session, stack, 1)
        await stack.runtime.build()
        packet = await the_packet(session)
        await delivered(stack, packet, 400)
        await portal.sign_in("doha.admin")
        listed = (await portal.client.get("/goi-tin", params={"trang-thai": "dead"})).text
        assert f'href="/goi-tin/{packet.id}"' in listed and "Gửi không thành công" in listed
        page = (await portal.client.get(f"/goi-tin/{packet.id}")).text
        assert "Trả lời gần nhất của phía quốc gia" in page and "400" in page
        confirm = (await portal.client.get(f"/goi-tin/{packet.id}/gui-lai")).text
        assert "với chính mã của nó" in confirm
        retried = await portal.form(f"/goi-tin/{packet.id}/gui-lai", {})
        assert retried.status_code == 303
        assert "Đang chờ gửi" in (await portal.client.get(f"/goi-tin/{packet.id}")).text
        again = await portal.form(f"/goi-tin/{packet.id}/gui-lai", {}, page=f"/goi-tin/{packet.id}")
        assert again.status_code == 409 and "không cần gửi lại" in again.text
        await delivered(stack, packet, 400)
        assert "1 gói tin gửi không thành công" in (await portal.client.get("/goi-tin/gui-lai-tat-ca")).text
        replayed = await portal.form("/goi-tin/gui-lai-tat-ca", {"agency": ""})
        assert replayed.status_code == 303
        await switch(portal, "agency.admin")
        assert (await portal.client.get("/goi-tin")).status_code == 403

    async def test_the_receipt_names_the_rejected_records(self, session: AsyncSession, portal: Portal,
                                                          stack: Stack) -> None:  # noqa: F811
        rows = await released(session, stack, 1)
        await stack.runtime.build()
        packet = await the_packet(session)
        await delivered(stack, packet)
        await acknowledged(stack, packet, {str(rows[0].id): ("rejected", "Thiếu quá trình đào tạo")})
        await portal.sign_in("doha.admin")
        page = (await portal.client.get(f"/goi-tin/{packet.id}")).text
        assert "Đã được xác nhận" in page and "Thiếu quá trình đào tạo" in page and "Từ chối toàn bộ" in page


class TestIncoming:
    async def pull(self, portal: Portal, **values: Any) -> httpx.Response:
        form = {"citizen_id": "", "org_unit_id": str(portal.world.agency.id), "category": "cong_chuc",
                "incoming_on": "20/11/2026", **values}
        return await portal.form("/dieu-chuyen/tiep-nhan", form)

    async def test_a_person_is_pulled_and_the_pending_record_shows_what_the_national_db_held(
            self, portal: Portal) -> None:
        """Điều 12 khoản 2.2 điểm b: the receiving agency names the citizen ID; the national record becomes a pending
        record of its unit, shown at once; khoản 2.2 điểm a: its account is due within 10 working days."""
        cid = new_citizen_id()
        await portal.sign_in("agency.admin")
        form = (await portal.client.get("/dieu-chuyen/tiep-nhan")).text
        assert "10 ngày làm việc" in form and 'name="citizen_id"' in form
        with ndxp() as national:
            national.get(f"{NDXP}/cbccvc/v1/profiles/{cid}").mock(
                return_value=httpx.Response(200, json=national_record(cid)))
            pulled = await self.pull(portal, citizen_id=cid)
        assert pulled.status_code == 303, pulled.text[:2000]
        record = await portal.client.get(pulled.headers["location"])
        assert record.status_code == 200 and "Võ Thị Hạnh" in record.text
        assert "Đã lấy hồ sơ từ Cơ sở dữ liệu quốc gia" in record.text

    async def test_not_in_the_national_db_and_what_is_missing_are_said_on_their_fields(
            self, portal: Portal) -> None:
        cid = new_citizen_id()
        await portal.sign_in("agency.admin")
        missing = await self.pull(portal, citizen_id="12345", category="", incoming_on="")
        assert missing.status_code == 400
        for field in ("citizen_id", "category", "incoming_on"):
            assert f'<a href="#{field}">' in missing.text, field
        with ndxp() as national:
            national.get(f"{NDXP}/cbccvc/v1/profiles/{cid}").mock(return_value=httpx.Response(404))
            absent = await self.pull(portal, citizen_id=cid)
        assert absent.status_code == 400 and "không có hồ sơ của số định danh này" in absent.text

    async def test_an_officer_cannot_pull(self, portal: Portal) -> None:
        """Điều 19 khoản 7: someone who may not pull learns nothing of who is in the national DB."""
        await portal.sign_in("officer")
        with ndxp():
            refused = await self.pull(portal, citizen_id=new_citizen_id())
        assert refused.status_code in (400, 403)
        assert "không có hồ sơ của số định danh này" not in refused.text
