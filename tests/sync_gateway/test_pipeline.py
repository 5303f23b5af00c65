"""From released outbox rows to an acknowledged packet: judged, chained, signed, delivered once,
receipted; with a JOSE library other than ours verifying what we signed."""

from __future__ import annotations

import base64
import hashlib
import json
import uuid
from datetime import UTC, datetime, timedelta

import httpx
import jwt
import pytest
import respx
from sqlalchemy import func, select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncSession

from hoso_shared.db.models import ChangeRequest, Delivery, OutboxRow, Packet, PacketRecord
from tests.sync_gateway.conftest import NDXP, Stack, receipt, released, sign_receipt

TOKEN = {"access_token": "t0k3n", "token_type": "Bearer", "expires_in": 300}


def mock_ndxp(router: respx.MockRouter, *answers: httpx.Response) -> respx.Route:
    router.post(f"{NDXP}/oauth/token").mock(return_value=httpx.Response(200, json=TOKEN))
    return router.post(f"{NDXP}/ndxp/v1/packets").mock(side_effect=list(answers))


async def packets(session: AsyncSession) -> list[Packet]:
    return list((await session.scalars(select(Packet).order_by(Packet.sequence))).all())


class TestBuild:
    async def test_released_rows_become_one_signed_chained_packet(self, session: AsyncSession, stack: Stack) -> None:
        rows = await released(session, stack, 3)
        assert await stack.runtime.build() == 1
        (packet,) = await packets(session)
        assert packet.record_count == 3 and packet.sequence == 1 and packet.prev_hash is None
        # Verified with PyJWT (not joserfc, which signed it) against the JWKS we publish.
        jwks = (await stack.gateway.get("/.well-known/jwks.json")).json()
        key = jwt.PyJWK(next(k for k in jwks["keys"] if k["kid"] == packet.kid))
        payload = jwt.api_jws.decode(packet.jws, key=key.key, algorithms=["ES256"])
        assert payload == packet.body and hashlib.sha256(payload).hexdigest() == packet.body_hash
        doc = json.loads(payload)
        assert [r["record_id"] for r in doc["records"]] == [str(r.id) for r in rows]
        assert doc["format"] == "v1" and doc["records"][0]["record"]["g01_identity"]["full_name"] == "Trần Văn Bình"
        # One byte changed in the payload: the signature no longer verifies.
        head, _, signature = packet.jws.split(".")
        tampered = base64.urlsafe_b64encode(payload.replace(b"Tr", b"Tx", 1)).rstrip(b"=").decode()
        try:
            jwt.api_jws.decode(f"{head}.{tampered}.{signature}", key=key.key, algorithms=["ES256"])
            raise AssertionError("a changed byte verified")
        except jwt.InvalidSignatureError:
            pass
        consumed = (await session.scalars(select(OutboxRow.consumed_at).where(
            OutboxRow.id.in_([r.id for r in rows])))).all()
        assert all(consumed)

    async def test_the_chain_links_each_packet_to_the_previous(self, session: AsyncSession, stack: Stack) -> None:
        await released(session, stack, 1)
        await stack.runtime.build()
        await released(session, stack, 1, complete=False)  # already complete from the first
        await stack.runtime.build()
        first, second = await packets(session)
        assert (first.sequence, second.sequence) == (1, 2)
        assert second.prev_hash == hashlib.sha256(first.body).hexdigest() == first.body_hash
        assert json.loads(second.body)["prev_hash"] == first.body_hash

    async def test_a_record_with_a_rule_error_is_blocked_and_returned(self, session: AsyncSession,
                                                                      stack: Stack) -> None:
        (row,) = await released(session, stack, 1, complete=False)  # the record lacks required items
        assert await stack.runtime.build() == 1
        assert await packets(session) == []
        record = await session.get(PacketRecord, row.id)
        assert record is not None and record.status == "blocked" and "DU-TRUONG-001" in record.findings
        from sync_gateway.returns.service import return_once

        assert await return_once(stack.runtime.sessionmaker, stack.runtime.approval) == 1
        request = await session.get(ChangeRequest, row.change_request_id, populate_existing=True)
        assert request is not None and request.state == "returned"
        assert "DU-TRUONG-001" in (request.national_reason or "")

    async def test_a_signed_packet_cannot_be_altered(self, session: AsyncSession, stack: Stack) -> None:
        await released(session, stack, 1)
        await stack.runtime.build()
        (packet,) = await packets(session)
        with pytest.raises(DBAPIError, match="immutable"):
            async with session.begin_nested():
                await session.execute(text("UPDATE packets SET body = 'x' WHERE id = :id"), {"id": packet.id})


class TestDeliverAndReceipt:
    async def test_delivered_once_then_acknowledged_with_a_rejection_returned(self, session: AsyncSession,
                                                                             stack: Stack) -> None:
        rows = await released(session, stack, 2)
        await stack.runtime.build()
        (packet,) = await packets(session)
        with respx.mock(assert_all_called=True) as router:
            route = mock_ndxp(router, httpx.Response(503, headers={"Retry-After": "0"}),
                              httpx.Response(202, json={"packet_id": str(packet.id), "status": "accepted"}))
            assert await stack.runtime.deliverer("w").deliver_one()
        assert route.call_count == 2
        sent = route.calls.last.request
        assert sent.headers["Idempotency-Key"] == str(packet.id) and sent.headers["Authorization"] == "Bearer t0k3n"
        assert sent.content.decode() == packet.jws
        await session.refresh(packet)
        assert packet.state == "delivered" and packet.attempts == 2
        assert (await session.execute(select(func.count()).select_from(Delivery)
                                      .where(Delivery.packet_id == packet.id))).scalar_one() == 2

        verdicts = {str(rows[0].id): ("accepted", None), str(rows[1].id): ("rejected", "Sai mã ngạch")}
        body = sign_receipt(receipt(packet.id, verdicts))
        r = await stack.gateway.post("/callbacks/ndxp/receipts", content=body,
                                     headers={"Content-Type": "application/jose"})
        assert r.status_code == 200 and r.json()["duplicate"] is False, r.text
        again = await stack.gateway.post("/callbacks/ndxp/receipts", content=body)
        assert again.status_code == 200 and again.json()["duplicate"] is True
        await session.refresh(packet)
        assert packet.state == "acknowledged"
        statuses = {r.outbox_id: r.status for r in (await session.scalars(select(PacketRecord))).all()}
        assert statuses == {rows[0].id: "accepted", rows[1].id: "rejected"}
        from sync_gateway.returns.service import return_once

        assert await return_once(stack.runtime.sessionmaker, stack.runtime.approval) == 1
        request = await session.get(ChangeRequest, rows[1].change_request_id, populate_existing=True)
        assert request is not None and request.state == "returned"
        assert "Sai mã ngạch" in (request.national_reason or "")

    async def test_a_refusal_dead_letters_and_an_operator_replays(self, session: AsyncSession, stack: Stack) -> None:
        await released(session, stack, 1)
        await stack.runtime.build()
        (packet,) = await packets(session)
        with respx.mock() as router:
            mock_ndxp(router, httpx.Response(400, json={"error": "malformed"}))
            await stack.runtime.deliverer("w").deliver_one()
        await session.refresh(packet)
        assert packet.state == "dead" and "400" in (packet.last_error or "")
        doha = stack.world.auth["doha_admin"]
        listed = (await stack.gateway.get("/api/v1/packets", params={"state": "dead"}, headers=doha)).json()
        assert [p["id"] for p in listed["items"]] == [str(packet.id)]
        r = await stack.gateway.post(f"/api/v1/packets/{packet.id}/retry", headers=doha)
        assert r.status_code == 200 and r.json()["state"] == "queued"
        assert (await stack.gateway.post("/api/v1/packets/replay", headers=doha)).json() == {"requeued": 0}
        assert (await stack.gateway.get("/api/v1/packets", headers=stack.world.auth["approver"])).status_code == 403


class TestReceiptsRefused:
    async def _packet(self, session: AsyncSession, stack: Stack) -> Packet:
        await released(session, stack, 1)
        await stack.runtime.build()
        return (await packets(session))[0]

    async def test_forged_stale_replayed_unknown_and_malformed(self, session: AsyncSession, stack: Stack) -> None:
        from joserfc.jwk import ECKey

        packet = await self._packet(session, stack)
        post = stack.gateway.post
        forger = ECKey.generate_key("P-256", auto_kid=True)
        r = await post("/callbacks/ndxp/receipts", content=sign_receipt(receipt(packet.id, {}), key=forger))
        assert r.status_code == 401 and r.json()["type"] == "urn:hoso:problem:bad-receipt-signature"
        old = receipt(packet.id, {}, issued_at=datetime.now(UTC) - timedelta(minutes=6))
        assert (await post("/callbacks/ndxp/receipts", content=sign_receipt(old))).status_code == 409
        first = receipt(packet.id, {}, receipt_id="r-1")
        assert (await post("/callbacks/ndxp/receipts", content=sign_receipt(first))).status_code == 200
        reused = {**first, "outcome": "rejected"}
        r = await post("/callbacks/ndxp/receipts", content=sign_receipt(reused))
        assert r.status_code == 409 and r.json()["type"] == "urn:hoso:problem:receipt-id-reused"
        r = await post("/callbacks/ndxp/receipts", content=sign_receipt(receipt(uuid.uuid4(), {})))
        assert r.status_code == 404 and r.json()["type"] == "urn:hoso:problem:unknown-packet"
        assert (await post("/callbacks/ndxp/receipts", content=b"not a jws")).status_code == 400
        r = await post("/callbacks/ndxp/receipts", content=sign_receipt({"receipt_id": "x"}))
        assert r.status_code == 422
        # One byte of a genuine receipt changed: refused.
        genuine = sign_receipt(receipt(packet.id, {})).decode()
        head, body, sig = genuine.split(".")
        flipped = body[:-2] + ("A" if body[-2] != "A" else "B") + body[-1]
        assert (await post("/callbacks/ndxp/receipts", content=f"{head}.{flipped}.{sig}".encode())).status_code in (
            400, 401)

    async def test_a_receipt_about_another_agency_acknowledges_nothing(self, session: AsyncSession,
                                                                        stack: Stack) -> None:
        """Signed by the national side (Điều 15: it confirms what it received), yet naming another agency's chain
        than its packet's: its verdicts are not this packet's, so the packet stays unacknowledged."""
        packet = await self._packet(session, stack)
        r = await stack.gateway.post("/callbacks/ndxp/receipts", content=sign_receipt(
            receipt(packet.id, {}, agency_code=packet.agency_code + "-khac")))
        assert r.status_code == 409 and r.json()["type"] == "urn:hoso:problem:receipt-for-another-agency", r.text
        await session.refresh(packet)
        assert packet.state != "acknowledged"
        ok = await stack.gateway.post("/callbacks/ndxp/receipts", content=sign_receipt(
            receipt(packet.id, {}, agency_code=packet.agency_code)))
        assert ok.status_code == 200, ok.text

    async def test_an_unknown_kid_never_replaces_the_inline_keys(self, session: AsyncSession, stack: Stack) -> None:
        """The configured (inline) national keys are the only source: a forged `kid` must not make the
        gateway fetch from its default URL, where another key set answers (a simulator left running once
        replaced the keys there, and the genuine receipt that followed was refused as forged)."""
        from joserfc.jwk import ECKey

        packet = await self._packet(session, stack)
        post = stack.gateway.post
        other = ECKey.generate_key("P-256", auto_kid=True)
        forger = ECKey.generate_key("P-256", auto_kid=True)
        from sync_gateway.settings import Settings

        url = Settings.model_fields["ndxp_jwks_url"].default
        with respx.mock(assert_all_called=False) as router:
            elsewhere = router.get(url).mock(return_value=httpx.Response(200, json={"keys": [
                {**other.as_dict(private=False), "kid": other.kid}]}))
            forged = await post("/callbacks/ndxp/receipts", content=sign_receipt(receipt(packet.id, {}), key=forger))
            genuine = await post("/callbacks/ndxp/receipts", content=sign_receipt(receipt(packet.id, {})))
        assert forged.status_code == 401
        assert genuine.status_code == 200, genuine.text
        assert not elsewhere.called
