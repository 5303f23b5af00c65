"""Chuyển giao, tiếp nhận in the portal (QĐ 6187/QĐ-UBND Điều 12): an agency sends one of its people to another
agency with the decision and its scan, the receiving agency sees the proposal — never the record — until it
accepts, then the record is its own and the person has a re-check task; a refusal and a withdrawal move nothing; a
move out of the city becomes a change request for approval; DOHA records a central body's national hand-over.
Two agencies, through the portal's URLs (the API's IDOR matrix, as a person meets it)."""

from __future__ import annotations

import re
import uuid
from datetime import date
from typing import Any

from httpx import Response
from sqlalchemy.ext.asyncio import AsyncSession

from hoso_shared.db.models import ChangeRequest, Transfer
from tests.approval_api.conftest import World
from tests.factories import make_account, make_unit
from tests.portal.conftest import Portal, csrf_of

SCAN = ("quyet-dinh-dieu-dong.pdf", b"%PDF-1.7\n% the decision\n", "application/pdf")
DECISION = {"effective_on": "01/01/2027", "decision_number": "215/QĐ-UBND", "decision_issued_on": "20/11/2026",
            "decision_issuer": "UBND thành phố Hà Nội", "comment": "Điều động theo nhu cầu công tác"}


async def switch(portal: Portal, username: str) -> None:
    await portal.form("/logout", {}, page="/")
    signed = await portal.sign_in(username)
    assert signed.status_code == 303, signed.text


async def receiving_agency(session: AsyncSession, world: World) -> None:
    """The other agency of the province (world.elsewhere) gets its agency account, `elsewhere.admin`."""
    await make_account(session, unit=world.elsewhere, role="agency_admin", kind="agency", username="elsewhere.admin")


async def send(portal: Portal, profile_id: str, data: dict[str, Any], *, path: str = "/dieu-chuyen/moi",
               upload: tuple[str, bytes, str] | None = SCAN) -> Response:
    page = await portal.client.get(f"{path}?ho_so={profile_id}")
    assert page.status_code == 200, page.text[:500]
    files = {"file": upload or ("", b"", "application/octet-stream")}
    return await portal.client.post(f"{path}?ho_so={profile_id}", data={"csrf": csrf_of(page), **data}, files=files)


async def step(portal: Portal, transfer_id: str, name: str, **data: str) -> Response:
    return await portal.form(f"/dieu-chuyen/{transfer_id}/{name}", data)


async def sent(portal: Portal, session: AsyncSession) -> str:
    """agency.admin (signed in) sends Lê Thị Hoa (world's colleague) to the other agency: the transfer's id."""
    world = portal.world
    colleague = world.accounts["colleague"].profile_id
    answer = await send(portal, str(colleague), {"to_org_unit_id": str(world.elsewhere.id), **DECISION})
    assert answer.status_code == 303, answer.text[:3000]
    transfer_id = answer.headers["location"].rsplit("/", 1)[1]
    return str(uuid.UUID(transfer_id))


class TestSendTransfer:
    async def test_sent_with_the_decision_and_its_scan(self, session: AsyncSession, portal: Portal) -> None:
        """Điều 12 khoản 1 điểm a: the sending agency finds its person, names the receiving unit by the code that
        agency reads on its own page, the decision (số, ngày, cơ quan ban hành) and its scan; the proposal waits
        for the receiver, the record still the sender's."""
        await receiving_agency(session, portal.world)
        await portal.sign_in("agency.admin")
        found = await portal.client.get("/dieu-chuyen/moi", params={"tim": "Lê Thị"})
        assert found.status_code == 200 and "Lê Thị Hoa" in found.text
        transfer_id = await sent(portal, session)
        page = (await portal.client.get(f"/dieu-chuyen/{transfer_id}")).text
        assert "Đã gửi đề nghị điều chuyển." in page and "Chờ tiếp nhận" in page and "215/QĐ-UBND" in page
        assert f'href="/dieu-chuyen/{transfer_id}/huy"' in page and "/tiep-nhan" not in page
        stored = await session.get(Transfer, uuid.UUID(transfer_id))
        assert stored is not None and stored.decision_issuer == "UBND thành phố Hà Nội"
        assert len(stored.attachment_ids) == 1  # the scan, on the record
        listed = (await portal.client.get("/dieu-chuyen", params={"huong": "di"})).text
        assert f'href="/dieu-chuyen/{transfer_id}"' in listed

    async def test_each_missing_answer_is_said_on_its_field(self, portal: Portal) -> None:
        """WCAG 3.3.1: what is missing is said in Vietnamese, linked from the summary to its field; nothing sent."""
        await portal.sign_in("agency.admin")
        colleague = portal.world.accounts["colleague"].profile_id
        answer = await send(portal, str(colleague), {"to_org_unit_id": "not-a-code"}, upload=None)
        assert answer.status_code == 400
        for field in ("to_org_unit_id", "effective_on", "decision_number", "decision_issued_on", "decision_issuer",
                      "file"):
            assert f'<a href="#{field}">' in answer.text and f'id="{field}-error"' in answer.text, field
        assert "Cơ quan tiếp nhận không hợp lệ" in answer.text

    async def test_a_unit_of_its_own_subtree_is_refused_and_the_scan_kept(self, session: AsyncSession,
                                                                           portal: Portal) -> None:
        """Inside its own subtree a move is no hand-over (profile-api's invalid-receiver): said on the field; the
        scan already uploaded stays named on the form, so it is not sent twice."""
        await portal.sign_in("agency.admin")
        colleague = portal.world.accounts["colleague"].profile_id
        answer = await send(portal, str(colleague), {"to_org_unit_id": str(portal.world.agency.id), **DECISION})
        assert answer.status_code == 400, answer.text[:2000]
        assert 'id="to_org_unit_id-error"' in answer.text and "Đã tải lên: quyet-dinh-dieu-dong.pdf" in answer.text
        kept = re.search(r'name="attachment_id" value="([0-9a-f-]{36})"', answer.text)
        assert kept is not None

    async def test_a_person_outside_the_subtree_is_not_found(self, session: AsyncSession, portal: Portal) -> None:
        """No screen shows a person outside the viewer's subtree: the other agency's admin cannot open the form
        for this agency's person, nor find them."""
        await receiving_agency(session, portal.world)
        await portal.sign_in("elsewhere.admin")
        colleague = portal.world.accounts["colleague"].profile_id
        assert (await portal.client.get(f"/dieu-chuyen/moi?ho_so={colleague}")).status_code == 404
        found = await portal.client.get("/dieu-chuyen/moi", params={"tim": "Lê Thị"})
        assert "Lê Thị Hoa" not in found.text


class TestReceiveTransfer:
    async def test_the_receiver_sees_the_proposal_not_the_record_until_it_accepts(
            self, session: AsyncSession, portal: Portal) -> None:
        """Điều 12 khoản 1 điểm a and b: the receiving agency sees who is proposed and by which decision, but not
        the record; it accepts, the record and the account become its own, and the person has a re-check task."""
        await receiving_agency(session, portal.world)
        await portal.sign_in("agency.admin")
        transfer_id = await sent(portal, session)
        profile_id = str(portal.world.accounts["colleague"].profile_id)
        await switch(portal, "elsewhere.admin")
        listed = (await portal.client.get("/dieu-chuyen", params={"huong": "den"})).text
        assert "Lê Thị Hoa" in listed and "Chờ bạn trả lời" in listed
        page = (await portal.client.get(f"/dieu-chuyen/{transfer_id}")).text
        assert "Hạn tiếp nhận hoặc từ chối" in page and f'href="/ho-so/{profile_id}"' not in page
        assert (await portal.client.get(f"/ho-so/{profile_id}")).status_code == 404
        confirm = (await portal.client.get(f"/dieu-chuyen/{transfer_id}/tiep-nhan")).text
        assert "Điều 12 khoản 1 điểm b" in confirm
        accepted = await step(portal, transfer_id, "tiep-nhan")
        assert accepted.status_code == 303, accepted.text[:2000]
        page = (await portal.client.get(f"/dieu-chuyen/{transfer_id}")).text
        assert "Đã tiếp nhận." in page and f'href="/ho-so/{profile_id}"' in page
        assert (await portal.client.get(f"/ho-so/{profile_id}")).status_code == 200
        await switch(portal, "colleague")
        home = (await portal.client.get("/")).text
        assert f'href="/ho-so/{profile_id}/kiem-tra"' in home

    async def test_a_refusal_needs_its_reason_and_moves_nothing(self, session: AsyncSession,
                                                                portal: Portal) -> None:
        await receiving_agency(session, portal.world)
        await portal.sign_in("agency.admin")
        transfer_id = await sent(portal, session)
        await switch(portal, "elsewhere.admin")
        empty = await step(portal, transfer_id, "tu-choi", text="  ")
        assert empty.status_code == 400 and 'id="text-error"' in empty.text
        refused = await step(portal, transfer_id, "tu-choi", text="Không còn biên chế")
        assert refused.status_code == 303
        page = (await portal.client.get(f"/dieu-chuyen/{transfer_id}")).text
        assert "Bị từ chối" in page and "Không còn biên chế" in page and "/tiep-nhan" not in page
        assert (await step(portal, transfer_id, "tiep-nhan")).status_code == 409  # nothing left to accept
        await switch(portal, "agency.admin")
        assert "Không còn biên chế" in (await portal.client.get(f"/dieu-chuyen/{transfer_id}")).text

    async def test_the_sender_withdraws_and_only_the_receiver_accepts(self, session: AsyncSession,
                                                                      portal: Portal) -> None:
        await receiving_agency(session, portal.world)
        await portal.sign_in("agency.admin")
        transfer_id = await sent(portal, session)
        assert (await portal.client.get(f"/dieu-chuyen/{transfer_id}/tiep-nhan")).status_code == 409
        cancelled = await step(portal, transfer_id, "huy")
        assert cancelled.status_code == 303
        assert "Đã hủy" in (await portal.client.get(f"/dieu-chuyen/{transfer_id}")).text

    async def test_a_third_agency_sees_nothing_of_it(self, session: AsyncSession, portal: Portal) -> None:
        """The IDOR matrix through the portal: an agency at neither end reads no transfer and no record."""
        await receiving_agency(session, portal.world)
        third = await make_unit(session, parent=portal.world.root)
        await make_account(session, unit=third, role="agency_admin", kind="agency", username="third.admin")
        await portal.sign_in("agency.admin")
        transfer_id = await sent(portal, session)
        await switch(portal, "third.admin")
        assert (await portal.client.get(f"/dieu-chuyen/{transfer_id}")).status_code == 404
        assert transfer_id not in (await portal.client.get("/dieu-chuyen")).text
        posted = await portal.client.post(f"/dieu-chuyen/{transfer_id}/tiep-nhan",
                                          data={"csrf": csrf_of(await portal.client.get("/dieu-chuyen"))})
        assert posted.status_code == 404


class TestLeaving:
    async def test_a_move_to_a_central_body_is_a_change_request(self, session: AsyncSession,
                                                                 portal: Portal) -> None:
        """Điều 12 khoản 2.1: a move out of the city (here to a central body, which DOHA hands over nationally) is
        proposed with its decision and scan, and waits for approval like any change."""
        await portal.sign_in("agency.admin")
        colleague = portal.world.accounts["colleague"].profile_id
        missing = await send(portal, str(colleague), {"destination": ""}, path="/dieu-chuyen/ra-ngoai", upload=None)
        assert missing.status_code == 400 and 'href="#destination_kind"' in missing.text
        answer = await send(portal, str(colleague), {"destination_kind": "central", "destination": "Bộ Tài chính",
                                                     **DECISION}, path="/dieu-chuyen/ra-ngoai")
        assert answer.status_code == 303, answer.text[:3000]
        request_id = answer.headers["location"].rsplit("/", 1)[1]
        stored = await session.get(ChangeRequest, uuid.UUID(request_id))
        assert stored is not None and stored.state == "submitted"
        assert stored.payload["event"] == "transfer_out" and stored.payload["to_central_body"] is True
        assert stored.occurred_on is not None and stored.occurred_on.isoformat() == "2026-11-20"


class TestDohaHandOver:
    async def test_doha_records_the_national_hand_over(self, session: AsyncSession, portal: Portal) -> None:
        """Điều 12 khoản 2.1 điểm b: DOHA hands a central body's person over nationally and records its reference."""
        world = portal.world
        reported = Transfer(kind="to_central_body", state="reported", profile_id=world.person.id,
                            from_org_unit_id=world.agency.id, destination="Bộ Tài chính",
                            effective_on=date(2027, 1, 1), decision_number="9/QĐ", decision_issued_on=date(2026, 11, 2),
                            decision_issuer="UBND thành phố", proposed_by=world.accounts["agency_admin"].id)
        session.add(reported)
        await session.flush()
        await portal.sign_in("doha.admin")
        page = (await portal.client.get(f"/dieu-chuyen/{reported.id}")).text
        assert f'href="/dieu-chuyen/{reported.id}/chuyen-giao"' in page
        done = await step(portal, str(reported.id), "chuyen-giao", text="CV 12/BNV-CSDL")
        assert done.status_code == 303
        assert "CV 12/BNV-CSDL" in (await portal.client.get(f"/dieu-chuyen/{reported.id}")).text
        await switch(portal, "agency.admin")
        assert "/chuyen-giao" not in (await portal.client.get(f"/dieu-chuyen/{reported.id}")).text
