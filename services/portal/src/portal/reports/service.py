"""Báo cáo thống kê đội ngũ (workforce statistics) of any unit of the caller's subtree on a day, as profile-api
counts them (`/api/v1/reports/workforce`: its table here, its xlsx and signed PDF passed through), and the public
progress page (no login, aggregates only) with DOHA's refresh of it. Which units may be counted is the API's to say:
it answers 404 for a unit outside the caller's subtree, shown as a plain page."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from typing import Any
from urllib.parse import urlencode

from portal.api import ApiProblem, Apis
from portal.dates import parse_day, shown
from portal.i18n import N_
from portal.reports.labels import DIMENSIONS, value_name
from portal.sessions import PortalSession

FILES = {"xlsx": "xlsx", "pdf": "pdf"}  # the downloads the API offers, by the portal's extension
REFRESHED = N_("Đã cập nhật trang tiến độ công khai.")
BAD_DAY = N_("Nhập ngày theo dạng ngày/tháng/năm, ví dụ 01/12/2026.")
BAD_PERIOD = N_("Ngày bắt đầu kỳ phải trước ngày kết thúc.")
REFUSALS = {
    "invalid-period": BAD_PERIOD,
    "org-unit-not-found": N_("Không có đơn vị này, hoặc đơn vị không thuộc phạm vi bạn quản lý."),
}


@dataclass(frozen=True)
class Query:
    unit: str | None = None
    as_of: date | None = None
    first: date | None = None
    last: date | None = None

    @classmethod
    def parse(cls, unit: str | None, as_of: str | None, first: str | None,
              last: str | None) -> tuple[Query, dict[str, str]]:
        """The form's fields, and each one's error (a wrong field is left out of the query, not guessed)."""
        errors: dict[str, str] = {}
        try:
            unit_id = str(uuid.UUID(unit)) if unit else None
        except ValueError:
            unit_id = None
        days: dict[str, date | None] = {}
        for name, text in (("ngay", as_of), ("tu", first), ("den", last)):
            try:
                days[name] = parse_day(text)
            except ValueError:
                days[name], errors[name] = None, BAD_DAY
        if days["tu"] and days["den"] and days["tu"] > days["den"]:
            errors["den"] = BAD_PERIOD
        return cls(unit_id, days["ngay"], days["tu"], days["den"]), errors

    def params(self) -> dict[str, str]:
        pairs = {"org_unit_id": self.unit, "as_of": self.as_of, "from": self.first, "to": self.last}
        return {k: str(v) for k, v in pairs.items() if v is not None}

    def query(self) -> str:
        pairs = {"don-vi": self.unit, "ngay": self.as_of, "tu": self.first, "den": self.last}
        return urlencode({k: str(v) for k, v in pairs.items() if v is not None})


async def units(apis: Apis, person: PortalSession) -> list[dict[str, Any]]:
    """The caller's subtree today, by path (the API's order): the units a report may be asked of."""
    tree = await apis.json(person, "profile", "GET", "/api/v1/org-units")
    return [{"id": str(u["id"]), "name": u["name"], "code": u["code"], "depth": u["path"].count(".")}
            for u in tree["items"]]


def tables(stats: dict[str, Any]) -> list[dict[str, Any]]:
    """One table per dimension, in the report's order, each value with its name and share of the total."""
    total = int(stats["total"])
    made = []
    for dimension, counts in stats["by"].items():
        rows = [{"value": value, "name": value_name(dimension, value), "count": count,
                 "share": f"{100 * count / total:.1f}" if total else None} for value, count in counts.items()]
        made.append({"dimension": dimension, "title": DIMENSIONS.get(dimension, dimension), "rows": rows})
    return made


async def workforce_page(apis: Apis, person: PortalSession, query: Query,
                         errors: dict[str, str]) -> dict[str, Any]:
    page: dict[str, Any] = {"units": await units(apis, person), "query": query, "errors": errors, "stats": None,
                            "tables": [], "refusal": None, "status": 400 if errors else 200,
                            "doha": "doha_admin" in person.roles,
                            "values": {"don-vi": query.unit or "", "ngay": shown(query.as_of),
                                       "tu": shown(query.first), "den": shown(query.last)}}
    if errors:
        return page
    try:
        stats = await apis.json(person, "profile", "GET", "/api/v1/reports/workforce", params=query.params())
    except ApiProblem as problem:
        if problem.status not in (404, 422):
            raise
        page["refusal"], page["status"] = REFUSALS.get(problem.slug) or problem.detail, problem.status
        return page
    page["stats"], page["tables"] = stats, tables(stats)
    page["download"] = query.query()
    return page


def file_path(query: Query, file_format: str) -> str:
    return "/api/v1/reports/workforce?" + urlencode({**query.params(), "format": FILES[file_format]})


async def refresh_progress(apis: Apis, person: PortalSession) -> None:
    """Renders the province's public progress page again now (DOHA; the API refuses anyone else)."""
    await apis.call(person, "profile", "POST", "/api/v1/reports/progress/refresh")
