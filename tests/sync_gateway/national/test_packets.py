"""Every packet the builder makes from demo-like records (tools/devstack's demo province, released by its
agencies' batches) carries its format version in the signed body and validates, record by record, against the
schema the gateway publishes for that version."""

from __future__ import annotations

import json
from typing import Any

import jwt
from jsonschema import Draft202012Validator  # type: ignore[import-untyped]
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from hoso_devstack.pipeline import load_released
from hoso_shared.db.models import Packet
from hoso_shared.web import collaborators_of
from sync_gateway.collaborators import Collaborators
from tests.conftest import AppClient
from tests.factories import CIPHER
from tests.sync_gateway.conftest import GATEWAY_KEY


class TestDemoPackets:
    async def test_every_packet_of_the_demo_validates_against_the_published_schema(
            self, session: AsyncSession, client_for: Any) -> None:
        released = await load_released(session, CIPHER, records=60)
        gateway: AppClient = await client_for("sync-gateway", signing_key=json.dumps(GATEWAY_KEY.as_dict(private=True)),
                                              packet_size=25)
        runtime = collaborators_of(gateway.app, Collaborators).runtime
        while await runtime.build():
            pass
        packets = (await session.scalars(select(Packet))).all()
        assert len(packets) >= 4 and sum(p.record_count for p in packets) > released // 2
        schema = (await gateway.get("/api/v1/national/schema/v1")).json()
        validator = Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)
        jwks = (await gateway.get("/.well-known/jwks.json")).json()
        key = jwt.PyJWK(next(k for k in jwks["keys"] if k["kid"] == GATEWAY_KEY.kid))
        for packet in packets:
            body = json.loads(jwt.api_jws.decode(packet.jws, key=key.key, algorithms=["ES256"]))  # the signed bytes
            assert body["format"] == "v1"
            for record in body["records"]:
                assert [e.message for e in validator.iter_errors(record["record"])] == [], record["record_id"]
                assert record["record"]["g01_identity"]["citizen_id"] == record["citizen_id"]
