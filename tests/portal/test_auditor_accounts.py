"""An agency makes an auditor's personal account in the portal (issue 21 item 3: inspection and supervision of its own
subtree, Điều 21 khoản 5): the personal-account form offers the role, and the account reads the audit log only."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from hoso_shared.db.models import Account
from tests.portal.conftest import Portal
from tests.portal.hr import citizen_id_of, hire


async def test_an_agency_makes_an_auditor(session: AsyncSession, portal: Portal) -> None:
    staff = await hire(session, portal)
    await portal.sign_in("agency.admin")
    form = await portal.client.get("/tai-khoan/tao-ca-nhan")
    assert 'value="auditor"' in form.text and "Thanh tra, kiểm tra, giám sát" in form.text
    sent = await portal.form("/tai-khoan/tao-ca-nhan", {
        "citizen_id": citizen_id_of(staff.nurse), "username": "thanh.tra.a", "display_name": "Phạm Minh An",
        "roles": ["auditor"]})
    assert sent.status_code == 201, sent.text[-3000:]
    account = (await session.execute(select(Account).where(Account.username == "thanh.tra.a"))).scalar_one()
    assert account.roles == ["auditor"] and account.org_unit_id == staff.sub_unit.id
