"""GET /api/v1/profiles/{id}/quality: the engine's findings for one record, visible like the record."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest
from httpx import AsyncClient
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from hoso_shared.auth import TokenIssuer
from hoso_shared.db.models import AuditEntry
from hoso_shared.time import ZONE as VN
from hoso_shared.validation import RULES, Criterion, Fix, Hit, Rule, Severity
from tests.profile_api.quality.helpers import cccd_findings, cccd_report, passed, province


def _path(profile_id: Any) -> str:
    return f"/api/v1/profiles/{profile_id}/quality"


class TestFindings:
    async def test_a_known_defect_is_reported_as_the_engine_finds_it(
        self, session: AsyncSession, profile_api: AsyncClient, token_issuer: TokenIssuer
    ) -> None:
        world = await province(session, token_issuer)
        defective, clean = world.people["a1"][0], world.people["a1"][1]
        response = await profile_api.get(_path(defective.id), headers=world.auth["agency_admin"])
        assert response.status_code == 200, response.text
        body = response.json()
        today = datetime.now(VN).date()
        expected = await cccd_report(session, defective, today)
        assert [f["code"] for f in cccd_findings(body)] == ["DUNG-CCCD-003"]
        assert cccd_findings(body) == [f.as_dict() for f in expected.findings]
        finding = cccd_findings(body)[0]
        assert finding["severity"] == "error" and finding["field"] == "citizen_id"
        assert "(0)" in finding["message_en"] and "expected 1" in finding["message_en"]
        assert body["blocking"] is True and body["errors"] >= 1
        assert passed(body)[Criterion.DUNG.value] is False
        assert set(passed(body)) == {c.value for c in Criterion}
        assert body["as_of"] == today.isoformat() and body["policy"] == "hanoi-2024"

        fine = (await profile_api.get(_path(clean.id), headers=world.auth["agency_admin"])).json()
        assert cccd_findings(fine) == [] and not (await cccd_report(session, clean, today)).findings

    async def test_every_finding_is_reported_with_its_rule_text(
        self, session: AsyncSession, profile_api: AsyncClient, token_issuer: TokenIssuer
    ) -> None:
        world = await province(session, token_issuer)
        body = (await profile_api.get(_path(world.people["a2"][0].id), headers=world.auth["doha_admin"])).json()
        for finding in body["findings"]:
            rule = RULES[finding["code"]]
            assert (finding["criterion"], finding["severity"]) == (rule.criterion.value, rule.severity.value)
        errors = sum(f["severity"] == "error" for f in body["findings"])
        assert body["errors"] == errors and body["blocking"] is (errors > 0)


def _fixing_rule() -> Rule:
    """A stand-in rule suggesting a value for a sensitive item (no real rule does yet)."""
    def check(record: dict[str, Any], _: Any) -> list[Hit]:
        return [Hit("phone", fix=Fix("phone", "0912345678"))]

    return Rule("SACH-QTEST-901", Criterion.SACH, Severity.WARNING, "Số điện thoại chưa chuẩn.",
                "The phone number is not normalised.", ("phone",), check)


class TestVisibility:
    async def test_the_record_s_readers_and_no_one_else(
        self, session: AsyncSession, profile_api: AsyncClient, token_issuer: TokenIssuer
    ) -> None:
        world = await province(session, token_issuer)
        mine, colleague = world.people["a1"][0], world.people["a1"][1]
        in_b, in_c = world.people["b"][0], world.people["c"][0]
        for role in ("doha_admin", "agency_admin", "approver", "hr_system"):
            assert (await profile_api.get(_path(mine.id), headers=world.auth[role])).status_code == 200, role
        assert (await profile_api.get(_path(in_b.id), headers=world.auth["agency_admin"])).status_code == 404
        assert (await profile_api.get(_path(in_c.id), headers=world.auth["doha_admin"])).status_code == 404
        assert (await profile_api.get(_path(in_b.id), headers=world.auth["agency_admin_b"])).status_code == 200
        officer = world.auth["officer"]
        assert (await profile_api.get(_path(mine.id), headers=officer)).status_code == 200
        refused = await profile_api.get(_path(colleague.id), headers=officer)
        assert refused.status_code == 404 and colleague.full_name not in refused.text
        assert (await profile_api.get(_path(mine.id), headers=world.auth["service"])).status_code == 403

    async def test_401_without_a_token(self, session: AsyncSession, profile_api: AsyncClient,
                                       token_issuer: TokenIssuer) -> None:
        world = await province(session, token_issuer)
        for path in (_path(world.people["a1"][0].id), f"/api/v1/quality/scorecards/{world.a.id}",
                     f"/api/v1/quality/scorecards/{world.a.id}/history"):
            response = await profile_api.get(path)
            assert response.status_code == 401, path
            assert response.headers["content-type"].startswith("application/problem+json")

    async def test_sensitive_fixes_are_hidden_from_who_may_not_see_them(
        self, session: AsyncSession, profile_api: AsyncClient, token_issuer: TokenIssuer,
        monkeypatch: pytest.MonkeyPatch,
    ) -> None:
        world = await province(session, token_issuer)
        monkeypatch.setitem(RULES, "SACH-QTEST-901", _fixing_rule())
        target = world.people["a1"][0]

        async def fix_seen_by(role: str) -> Any:
            body = (await profile_api.get(_path(target.id), headers=world.auth[role])).json()
            return next(f["fix"] for f in body["findings"] if f["code"] == "SACH-QTEST-901")

        async def audited() -> int:
            rows = await session.execute(select(AuditEntry.id).where(
                AuditEntry.entity_id == str(target.id), AuditEntry.action == "read_sensitive"))
            return len(rows.all())

        assert await fix_seen_by("hr_system") == {"field": "phone", "value": "[sensitive]"}  # no profiles:sensitive
        assert await audited() == 0
        assert await fix_seen_by("agency_admin") == {"field": "phone", "value": "0912345678"}
        assert await fix_seen_by("officer") == {"field": "phone", "value": "0912345678"}  # their own record
        assert await audited() == 2
