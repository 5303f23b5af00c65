"""Đề nghị cập nhật (issue 16, item 5): from the worst records, HR asks the person whose record it is to fix what
one rule finds in it. A confirmation page first (who, which rule, what it finds now: the record's own quality
report), then `POST /api/v1/quality/fix-requests`, which makes it a task of that person (`fix_record` on their
home page), due as a self-update (Điều 6 khoản 1) and closed by itself once the rule no longer fails. The API
decides who may ask and about whom (404 outside the subtree); the portal only hides the button from tokens
without the scope."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from portal.api import ApiProblem, Apis
from portal.i18n import N_
from portal.sessions import PortalSession

SCOPE = "profiles:write"  # who may correct the record may ask its person to correct it (the API's rule)
ASKED = ("error", "warning")
SENT = N_("Đã gửi đề nghị cập nhật. Người có hồ sơ thấy việc này trong danh sách việc cần làm của mình.")
ALREADY = N_("Đề nghị cập nhật này đã được gửi trước đó và vẫn đang chờ người có hồ sơ sửa.")


def may_ask(person: PortalSession) -> bool:
    return SCOPE in person.scopes


def require(person: PortalSession) -> None:
    if not may_ask(person):
        raise ApiProblem(403, {"title": "Forbidden"})


@dataclass(frozen=True)
class Asked:
    due_on: str
    created: bool

    @property
    def message(self) -> str:
        return SENT if self.created else ALREADY


async def confirmation(apis: Apis, person: PortalSession, profile_id: str, rule_code: str) -> dict[str, Any]:
    """Who and what: the record's name from the subtree's list (no sensitive read), and what the rule finds in it
    now. A record outside the subtree is the API's 404, shown as such."""
    report = await apis.json(person, "profile", "GET", f"/api/v1/profiles/{profile_id}/quality")  # 404 outside
    findings = [f for f in report["findings"] if f["code"] == rule_code and f["severity"] in ASKED]
    return {"profile_id": profile_id, "full_name": await _name(apis, person, profile_id), "rule_code": rule_code,
            "findings": findings}


async def _name(apis: Apis, person: PortalSession, profile_id: str) -> str:
    """The person's name from the subtree's list (no sensitive read); the record itself if the list has it not."""
    listed = await apis.json(person, "profile", "GET", "/api/v1/profiles", params={"ids": profile_id, "limit": 1})
    found = [p for p in listed["items"] if str(p["id"]) == profile_id]
    if found:
        return str(found[0]["full_name"])
    record = await apis.json(person, "profile", "GET", f"/api/v1/profiles/{profile_id}")
    return str(record["items"].get("full_name", ""))


async def ask(apis: Apis, person: PortalSession, profile_id: str, rule_code: str) -> Asked:
    response = await apis.call(person, "profile", "POST", "/api/v1/quality/fix-requests",
                               json={"profile_id": profile_id, "rule_code": rule_code})
    body = response.json()
    return Asked(due_on=str(body["due_on"]), created=response.status_code == 201)
