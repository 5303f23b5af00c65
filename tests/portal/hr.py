"""The agency HR console's world for tests/portal/test_people.py and test_accounts*.py: tests.approval_api's world (an
agency and another agency under the province, DOHA at the root) with a sub-unit under the agency, more people in
it, a person of the other agency and an archived one, so that what each reader sees can be told apart."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from httpx import Response
from sqlalchemy.ext.asyncio import AsyncSession

from hoso_shared import records
from hoso_shared.db.models import OrgUnit, Profile
from hoso_shared.time import local_today
from tests.factories import CIPHER, make_profile, make_unit
from tests.portal.conftest import Portal

ACCOUNT_ID = re.compile(r'href="/tai-khoan/([0-9a-f-]{36})"')
PASSWORD_SHOWN = re.compile(r'<code class="number password">([^<]+)</code>')


@dataclass
class Staff:
    sub_unit: OrgUnit
    school: Profile  # in the sub-unit
    nurse: Profile  # in the sub-unit, a viên chức
    retired: Profile  # archived (nghỉ hưu): listed only on request
    outsider: Profile  # in the other agency: never shown to the agency


async def hire(session: AsyncSession, portal: Portal) -> Staff:
    world = portal.world
    sub_unit = await make_unit(session, parent=world.agency, name="Phòng Tổ chức cán bộ")
    school = await make_profile(session, unit=sub_unit, full_name="Đặng Thu Giang", rank_code="01.002")
    nurse = await make_profile(session, unit=sub_unit, full_name="Phạm Minh An", category="vien_chuc",
                               rank_code="06.031")
    retired = await make_profile(session, unit=world.agency, full_name="Vũ Văn Cường", status="retired",
                                 archived_at=datetime(2026, 6, 30, tzinfo=UTC))
    outsider = await make_profile(session, unit=world.elsewhere, full_name="Ngô Thị Xuân")
    return Staff(sub_unit, school, nurse, retired, outsider)


def citizen_id_of(profile: Profile) -> str:
    """The person's 12-digit citizen ID, as their agency's HR holds it on paper and in spreadsheets."""
    return str(records.read_items(profile, CIPHER, sensitive=True)["citizen_id"])


def written_request(days_ago: int = 3) -> dict[str, str]:
    """A written request (văn bản đề nghị, Điều 19 khoản 4) dated a few days ago, as a person types it."""
    day: date = local_today() - timedelta(days=days_ago)
    return {"request_no": "125/SNV-CCVC", "request_date": day.strftime("%d/%m/%Y")}


def password_on(page: Response) -> list[str]:
    return PASSWORD_SHOWN.findall(page.text)


async def switch(portal: Portal, username: str) -> None:
    await portal.form("/logout", {}, page="/")
    await portal.sign_in(username)
