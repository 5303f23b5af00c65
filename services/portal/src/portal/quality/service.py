"""Chất lượng dữ liệu (hanoi-2024 Điều 17: each unit answers for the accuracy of what it keeps; Điều 18: the agency
keeps its people's data correct, complete and current): a unit's Đúng–Đủ–Sạch–Sống scorecard over its subtree
(`GET /api/v1/quality/scorecards/{unit}`), its daily history (`…/history`, drawn by `chart`), and the records
that fail most, each with the rules it fails and the way to its record. profile-api judges; the portal arranges.

Each failing rule of a worst record has its "Đề nghị cập nhật" (ask the person to fix it: `fixes`), shown to
tokens that may correct records; the record's page is where HR reads every finding and corrects it itself."""

from __future__ import annotations

import uuid
from typing import Any

from portal.api import ApiProblem, Apis
from portal.i18n import N_
from portal.quality import chart
from portal.sessions import PortalSession

SCOPE = "quality:read"
WORST = 20
CRITERIA = {"Đúng": N_("Đúng: dữ liệu chính xác, hợp lệ"), "Đủ": N_("Đủ: có đủ các mục bắt buộc"),
            "Sạch": N_("Sạch: không trùng lặp, không mâu thuẫn"), "Sống": N_("Sống: được cập nhật kịp thời")}
SEVERITIES = {"error": N_("Lỗi"), "warning": N_("Cảnh báo"), "info": N_("Lưu ý")}


def require(person: PortalSession) -> None:
    if SCOPE not in person.scopes:
        raise ApiProblem(403, {"title": "Forbidden"})


def chosen_unit(units: list[dict[str, Any]], own: str, asked: str | None) -> str:
    """The unit asked for when it is one of the reader's subtree (the API's tree), else the reader's own."""
    try:
        wanted = str(uuid.UUID(asked)) if asked else own
    except ValueError:
        return own
    return wanted if any(str(u["id"]) == wanted for u in units) else own


async def scorecard_page(apis: Apis, person: PortalSession, asked: str | None) -> dict[str, Any]:
    me = await apis.json(person, "profile", "GET", "/api/v1/me")
    tree = await apis.json(person, "profile", "GET", "/api/v1/org-units")
    units = list(tree["items"])
    unit = chosen_unit(units, str(me["org_unit_id"]), asked)
    card = await apis.json(person, "profile", "GET", f"/api/v1/quality/scorecards/{unit}", params={"worst": WORST})
    history = await apis.json(person, "profile", "GET", f"/api/v1/quality/scorecards/{unit}/history")
    rules = {r["code"]: r for r in card["rules"]}
    points = list(history["points"])
    return {
        "card": card, "unit": unit, "units": units, "criteria_names": CRITERIA, "severities": SEVERITIES,
        "shares": [{"criterion": c["criterion"], "passing": c["passing"], "percent": chart.percent(c["share"])}
                   for c in card["criteria"]],
        "worst": [{**w, "rules": [rules.get(code, {"code": code, "criterion": "", "severity": "",
                                                   "persons_to_fix": True})
                                  for code in w["codes"]]} for w in card["worst"]],
        "chart": chart.chart(points), "strokes": chart.STROKES, "history": history,
        "rows": [{"day": p["day"], "records": p["records"], "blocking": p["blocking"],
                  "shares": {c["criterion"]: chart.percent(c["share"]) for c in p["criteria"]}}
                 for p in reversed(points)],
        "criteria": chart.CRITERIA,
    }
