"""The editable working-day calendar: DOHA sets and removes overrides; the quality rules count with them."""

from __future__ import annotations

from datetime import date

from httpx import AsyncClient
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from hoso_shared.auth import TokenIssuer
from hoso_shared.db.models import AuditEntry
from hoso_shared.deadlines import HANOI_2024
from profile_api.quality.scoring import Basis, with_calendar
from tests.factories import CIPHER, bearer, make_account, make_unit, principal_for

URL = "/api/v1/calendar/overrides"


class TestCalendarOverrides:
    async def test_doha_sets_lists_and_removes(self, session: AsyncSession, profile_api: AsyncClient,
                                               token_issuer: TokenIssuer) -> None:
        root = await make_unit(session, type="province")
        doha = bearer(token_issuer, principal_for(await make_account(session, unit=root, role="doha_admin"), root))
        day_off = await profile_api.put(f"{URL}/2026-11-24", headers=doha,
                                        json={"kind": "holiday", "note": "Ngày Văn hóa Việt Nam (NQ 80-NQ/TW)"})
        assert day_off.status_code == 200, day_off.text
        saturday = await profile_api.put(f"{URL}/2026-08-22", headers=doha,
                                         json={"kind": "working_day", "note": "Làm bù cho thứ Hai 31/8"})
        assert saturday.status_code == 200
        again = await profile_api.put(f"{URL}/2026-11-24", headers=doha,
                                      json={"kind": "holiday", "note": "Sửa ghi chú"})
        assert again.json()["note"] == "Sửa ghi chú"
        listed = (await profile_api.get(f"{URL}?from=2026-01-01&to=2026-12-31", headers=doha)).json()
        assert [(o["day"], o["kind"]) for o in listed] == [("2026-08-22", "working_day"), ("2026-11-24", "holiday")]

        basis = await with_calendar(session, Basis(today=date(2026, 11, 23), policy=HANOI_2024,
                                                   cipher=CIPHER))
        assert basis.calendar.extra_holidays == {date(2026, 11, 24)}
        assert basis.calendar.extra_working_days == {date(2026, 8, 22)}

        assert (await profile_api.delete(f"{URL}/2026-11-24", headers=doha)).status_code == 204
        assert (await profile_api.delete(f"{URL}/2026-11-24", headers=doha)).status_code == 404
        audited = await session.scalar(select(func.count()).select_from(AuditEntry)
                                       .where(AuditEntry.entity == "working_day_override"))
        assert audited == 4

    async def test_only_doha_writes(self, session: AsyncSession, profile_api: AsyncClient,
                                    token_issuer: TokenIssuer) -> None:
        unit = await make_unit(session)
        admin = bearer(token_issuer, principal_for(await make_account(session, unit=unit, role="agency_admin"), unit))
        refused = await profile_api.put(f"{URL}/2026-11-24", headers=admin, json={"kind": "holiday", "note": "x"})
        assert refused.status_code == 403
        assert (await profile_api.get(URL, headers=admin)).status_code == 200
        assert (await profile_api.get(URL)).status_code == 401
        bad = await profile_api.put(f"{URL}/2026-11-24", headers=admin, json={"kind": "weekend", "note": "x"})
        assert bad.status_code in (403, 422)
