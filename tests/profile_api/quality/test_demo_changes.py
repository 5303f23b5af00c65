"""The demo (`make run`) shows the workflow as QĐ 6187/QĐ-UBND wires it: officers' changes waiting for approval,
each with its scan, one of them entered late — and the scorecard counts it."""

from __future__ import annotations

from httpx import AsyncClient
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from hoso_devstack import demo
from hoso_shared.auth import TokenIssuer
from hoso_shared.db.models import ChangeRequest, OrgUnit
from tests.factories import CIPHER, bearer, make_account, principal_for


async def test_the_demo_has_a_late_change_the_scorecard_counts(session: AsyncSession, profile_api: AsyncClient,
                                                                token_issuer: TokenIssuer) -> None:
    """Điều 6 khoản 3: 5 working days from the change, with its document. The demo's officer of Sở Tài chính
    entered a change of Fri 13 Feb 2026 on Tue 3 Mar (across Tết): 2 working days late, counted by
    SONG-CHANGE-001 in the unit's scorecard; every demo change carries its scan."""
    assert await demo.load(session, CIPHER) is not None
    # Its updates (the demo's pending new record has a create request too: hanoi-2024 Điều 7).
    requests = (await session.scalars(select(ChangeRequest).where(ChangeRequest.kind == "update"))).all()
    assert requests and all(r.attachment_ids and r.occurred_on for r in requests)
    assert sorted(r.late_working_days or 0 for r in requests) == [0, 2]
    stc = (await session.scalars(select(OrgUnit).where(OrgUnit.code == "01.STC"))).one()
    admin = await make_account(session, unit=stc, role="agency_admin")
    card = await profile_api.get(f"/api/v1/quality/scorecards/{stc.id}",
                                 headers=bearer(token_issuer, principal_for(admin, stc)))
    assert card.status_code == 200, card.text
    [late] = [r for r in card.json()["rules"] if r["code"] == "SONG-CHANGE-001"]
    assert (late["records"], late["findings"]) == (1, 1)
