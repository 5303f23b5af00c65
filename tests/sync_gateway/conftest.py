"""sync-gateway on the test's transaction, beside approval-api and profile-api (tests/approval_api's
`apis` and `world`), with a signing key of its own and a stand-in national side: its keys sign the
receipts the tests post, and respx answers the gateway's calls to NDXP."""

from __future__ import annotations

import dataclasses
import json
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pytest
from joserfc import jws
from joserfc.jwk import ECKey
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from hoso_shared.db.models import OutboxRow, Profile
from hoso_shared.web import collaborators_of
from sync_gateway.collaborators import Collaborators
from sync_gateway.returns.client import ApprovalClient
from sync_gateway.runtime import Runtime
from tests.approval_api.conftest import SERVICE, Apis, World, apis, world  # noqa: F401 - fixtures
from tests.conftest import AppClient

NDXP = "http://ndxp.test"
NATIONAL_KEY = ECKey.generate_key("P-256", parameters={"use": "sig", "alg": "ES256"}, auto_kid=True)
GATEWAY_KEY = ECKey.generate_key("P-256", parameters={"use": "sig", "alg": "ES256"}, auto_kid=True)


def national_jwks() -> str:
    public = NATIONAL_KEY.as_dict(private=False)
    return json.dumps({"keys": [{**public, "kid": NATIONAL_KEY.kid}]})


def sign_receipt(payload: dict[str, Any], key: ECKey = NATIONAL_KEY) -> bytes:
    return jws.serialize_compact({"alg": "ES256", "kid": key.kid, "typ": "hoso-receipt+jws"},
                                 json.dumps(payload).encode(), key).encode()


def receipt(packet_id: uuid.UUID | str, verdicts: dict[str, tuple[str, str | None]], *,
            issued_at: datetime | None = None, receipt_id: str | None = None,
            agency_code: str | None = None) -> dict[str, Any]:
    statuses = {status for status, _ in verdicts.values()}
    outcome = "accepted" if statuses <= {"accepted"} else "rejected" if statuses == {"rejected"} else \
        "partially_rejected"
    named = {"agency_code": agency_code} if agency_code is not None else {}  # optional (older receipts)
    return {"receipt_id": receipt_id or str(uuid.uuid4()), "packet_id": str(packet_id), **named,
            "issued_at": (issued_at or datetime.now(UTC)).isoformat(), "outcome": outcome,
            "records": [{"record_id": rid, "status": s, "reason": r} for rid, (s, r) in verdicts.items()]}


@dataclass
class Stack:
    apis: Apis
    gateway: AppClient
    world: World

    @property
    def runtime(self) -> Runtime:
        return collaborators_of(self.gateway.app, Collaborators).runtime


@pytest.fixture
async def stack(client_for: Any, apis: Apis, world: World, token_issuer: Any) -> Stack:  # noqa: F811
    gateway_service = dataclasses.replace(SERVICE, username="svc.sync-gateway",
                                          scopes=frozenset({"change-requests:return"}))

    async def token() -> str:
        return token_issuer.mint(principal=gateway_service, audience="hoso-api")[0]

    # It gives records back to the test's approval-api and hands pulled ones to its profile-api.
    gateway: AppClient = await client_for(
        "sync-gateway", wiring={"approval": ApprovalClient(apis.approval, token), "profile_api": apis.profile},
        signing_key=json.dumps(GATEWAY_KEY.as_dict(private=True)), ndxp_jwks=national_jwks(),
        ndxp_url=NDXP, ndxp_token_url=f"{NDXP}/oauth/token", ndxp_client_secret="s3cret",
        delivery_backoff_base_seconds=0.001)
    return Stack(apis, gateway, world)


# What the world's person lacks for the Đủ rules (make_profile writes the identity items only): a change
# that completes the record, so it passes the rules and travels.
COMPLETE = {
    "items": {"religion_code": "00", "birth_place": {"province": "Hà Nội"}, "home_town": {"province": "Nam Định"},
              "residence": {"commune": "phường Ba Đình", "province": "Hà Nội"}, "salary_step": 3,
              "salary_coefficient": "3.00", "first_recruited_on": "2010-03-01", "highest_qualification": "Đại học"},
    "sections": {"work-history": [{"id": "00000000-0000-4000-8000-000000000001", "from_date": "2010-03-01",
                                   "unit": "Sở Tài chính", "title": "Chuyên viên"}],
                 "training-professional": [{"id": "00000000-0000-4000-8000-000000000002", "from_date": "2003-09-01",
                                            "to_date": "2007-06-01", "institution": "Học viện Tài chính",
                                            "award": "Cử nhân"}]},
}


async def released(session: AsyncSession, stack: Stack, n: int, *, complete: bool = True) -> list[OutboxRow]:
    """`n` approved changes of the world's person, in a batch DOHA approved: released to the gateway. The
    first completes the record (unless `complete` is False: then every record is blocked by a rule); each
    carries its evidence."""
    for i in range(n):
        person = await session.get(Profile, stack.world.person.id, populate_existing=True)
        assert person is not None
        payload = COMPLETE if complete and i == 0 else {"items": {"other_names": f"Tên {i}"}}
        # Each with its document: the gateway judges the record with its change history, and a change without
        # evidence (DU-MINHCHUNG-001) would keep it out.
        request = await stack.world.request(session, payload=payload, base_version=person.version,
                                            attachments=True)
        r = await stack.apis.approval.post(f"/api/v1/change-requests/{request.id}/approve",
                                           headers=stack.world.auth["approver"])
        assert r.status_code == 200 and r.json()["state"] == "applied", r.text
    batch = await stack.apis.approval.post("/api/v1/sync-batches", headers=stack.world.auth["agency_admin"])
    assert batch.status_code == 201, batch.text
    r = await stack.apis.approval.post(f"/api/v1/sync-batches/{batch.json()['id']}/approve",
                                       headers=stack.world.auth["doha_admin"])
    assert r.status_code == 200, r.text
    rows = (await session.scalars(select(OutboxRow).where(OutboxRow.sync_batch_id == uuid.UUID(batch.json()["id"]))
                                  .order_by(OutboxRow.id))).all()
    return list(rows)
