"""A scan is as restricted as what it proves (issue 21; QĐ 6187 Điều 4 khoản 3: data by its degree of access
restriction): the evidence for a change to the family table (level 2) is withheld from a reader cleared to level 1,
absent from the list and a 404 to download, as the table is absent from the record; the evidence for a level-1
item stays; the person sees all of their own."""

from __future__ import annotations

import dataclasses
import uuid

from httpx import AsyncClient
from sqlalchemy.ext.asyncio import AsyncSession

from hoso_shared.auth import TokenIssuer
from hoso_shared.db.models import Attachment, ChangeRequest
from hoso_shared.db.models.change_requests import outline
from tests.factories import bearer, make_account, principal_for
from tests.profile_api.attachments.helpers import PDF, auth, office, url


async def _evidence(session: AsyncSession, who: uuid.UUID, profile_id: uuid.UUID, org_unit_id: uuid.UUID,
                    payload: dict[str, object]) -> Attachment:
    scan = Attachment(profile_id=profile_id, filename="minh-chung.pdf", content_type="application/pdf",
                      size=len(PDF), sha256="0" * 64, content=PDF, uploaded_by=who)
    session.add(scan)
    await session.flush()
    session.add(ChangeRequest(profile_id=profile_id, org_unit_id=org_unit_id, base_version=1, requested_by=who,
                              payload=payload, outline=outline(payload), attachment_ids=[str(scan.id)]))
    await session.flush()
    return scan


async def test_a_scan_is_withheld_below_the_level_of_what_it_proves(
        session: AsyncSession, profile_api: AsyncClient, token_issuer: TokenIssuer) -> None:
    o = await office(session)
    family = await _evidence(session, o.officer.id, o.mine.id, o.a.id,
                             {"sections": {"family": [{"relation": "Mẹ", "full_name": "Nguyễn Thị Mai"}]}})
    name = await _evidence(session, o.officer.id, o.mine.id, o.a.id, {"items": {"other_names": "Bình An"}})
    hr = await make_account(session, unit=o.a, role="approver")
    lowered = bearer(token_issuer, dataclasses.replace(principal_for(hr, o.a), clearance=1))

    listed = (await profile_api.get(url(o.mine), headers=lowered)).json()
    assert {a["id"] for a in listed} == {str(name.id)}
    assert (await profile_api.get(f"{url(o.mine)}/{family.id}", headers=lowered)).status_code == 404
    assert (await profile_api.get(f"{url(o.mine)}/{name.id}", headers=lowered)).status_code == 200
    for whole in (auth(token_issuer, o.officer, o.a), auth(token_issuer, o.admin_a, o.a)):
        assert {a["id"] for a in (await profile_api.get(url(o.mine), headers=whole)).json()} == {
            str(family.id), str(name.id)}
        assert (await profile_api.get(f"{url(o.mine)}/{family.id}", headers=whole)).status_code == 200
