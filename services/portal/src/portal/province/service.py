"""Bảng theo dõi của Sở Nội vụ (QĐ 6187/QĐ-UBND Điều 19; Điều 14 khoản 2; Điều 7; Điều 21 khoản 6): per agency
(each direct unit of DOHA's root, counting its whole subtree), this month's records updated, approved, synced and
acknowledged nationally, the share passing each quality criterion, the approval backlog and how much of it is
overdue, whether the quarter's review went in (on time, late, or not yet), and the people taken in whose account is
overdue (Điều 12 khoản 2.2 điểm a). One call per source, each answering for the whole province: sync-gateway's sync
progress, profile-api's progress page (its latest quality snapshot per unit), approval-api's backlog, profile-api's
review roster; the org tree rolls deep units up to their agency. The overdue accounts are a list of people, not
counts: it is read a few pages at most (`INCOMING_PAGES`), and a count past them shows as "at least"."""

from __future__ import annotations

from datetime import date
from typing import Any
from urllib.parse import urlencode

from portal.api import ApiProblem, Apis
from portal.i18n import N_
from portal.sessions import PortalSession

SCOPE = "sync-batches:decide"  # DOHA's alone: it decides every agency's sync (Điều 14 khoản 2)
CRITERIA = ("Đúng", "Đủ", "Sạch", "Sống")
STAGES = {"changed_this_month": N_("Cập nhật trong tháng"), "approved": N_("Được phê duyệt"),
          "synced": N_("Đã gửi về Cơ sở dữ liệu quốc gia"), "acknowledged": N_("Được xác nhận")}
COLOURS = {"changed_this_month": "#1d70b8", "approved": "#00703c", "synced": "#7a4d00", "acknowledged": "#4c2c92"}
BAR, GAP, LABEL_WIDTH, CHART_WIDTH = 10, 14, 300, 800
NAME_MAX = 44  # characters of an agency's name the chart's label column holds (the table has it whole)
INCOMING_PAGES, INCOMING_LIMIT = 5, 200  # overdue accounts read at most (normally a handful in a province)
ROSTER_PAGES, ROSTER_LIMIT = 20, 500  # the review roster read whole, a page at a time


def require(person: PortalSession) -> None:
    if SCOPE not in person.scopes:
        raise ApiProblem(403, {"title": "Forbidden"})  # the portal's plain 403 page


def quarter_of(day: date) -> str:
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}"


def _agency_of(paths: dict[str, str], agencies: dict[str, str]) -> dict[str, str]:
    """Every unit id → the id of the agency (direct unit of the root) whose subtree holds it."""
    by_path = {path: unit_id for unit_id, path in agencies.items()}
    found = {}
    for unit_id, path in paths.items():
        for prefix, agency in by_path.items():
            if path == prefix or path.startswith(prefix + "."):
                found[unit_id] = agency
                break
    return found


def _quality(row: dict[str, Any] | None) -> dict[str, Any] | None:
    snapshot = (row or {}).get("quality")
    if not snapshot or not snapshot.get("records"):
        return None
    records = int(snapshot["records"])
    return {"day": snapshot["day"], "records": records,
            "shares": {c: round(100 * int(snapshot["passing"].get(c, 0)) / records) for c in CRITERIA}}


def _links(agency: dict[str, Any]) -> dict[str, str]:
    """Each figure → the portal list behind it (a figure without such a list has no link)."""
    unit, code = str(agency["org_unit_id"]), str(agency["org_unit_code"])
    return {"total": f"/nhan-su?{urlencode({'unit': unit})}",
            "synced": f"/goi-tin?{urlencode({'co-quan': code})}",
            "acknowledged": f"/goi-tin?{urlencode({'co-quan': code, 'trang-thai': 'acknowledged'})}",
            "backlog": f"/duyet?{urlencode({'unit': unit})}",
            "overdue": f"/duyet?{urlencode({'unit': unit, 'overdue': '1'})}",
            "quality": f"/chat-luong?{urlencode({'don-vi': unit})}", "reviews": "/ra-soat",
            "accounts": "/tai-khoan/chua-co?qua-han=1"}


async def dashboard(apis: Apis, person: PortalSession, today: date) -> dict[str, Any]:
    """Every source asked at once (each answers for the whole province, none needs another's answer): the page
    costs its slowest call, not their sum."""
    quarter = quarter_of(today)
    progress, tree, page, backlog, roster, incoming = await apis.gather(
        apis.json(person, "sync", "GET", "/api/v1/sync-progress"),
        apis.json(person, "profile", "GET", "/api/v1/org-units"),
        apis.json(person, "profile", "GET", "/api/v1/reports/progress/page.json"),
        apis.json(person, "approval", "GET", "/api/v1/change-requests/backlog"),
        _roster(apis, person, quarter), _overdue_incoming(apis, person))
    root, *units = progress["units"]
    paths = {str(u["id"]): str(u["path"]) for u in tree["items"]}
    agencies = {str(u["org_unit_id"]): paths.get(str(u["org_unit_id"]), "") for u in units}
    agency_of = _agency_of(paths, {k: v for k, v in agencies.items() if v})
    quality_rows = {str(r["code"]): r for s in page.get("sections", []) for r in s.get("rows", [])}
    waiting: dict[str, dict[str, int]] = {}
    for row in backlog["rows"]:
        agency = agency_of.get(str(row["org_unit_id"]))
        if agency is not None and row["state"] == "submitted":
            tally = waiting.setdefault(agency, {"backlog": 0, "overdue": 0})
            tally["backlog"] += int(row["count"])
            tally["overdue"] += int(row["overdue"])
    reviews: dict[str, dict[str, int]] = {}
    for entry in roster["units"]:
        agency = agency_of.get(str(entry["org_unit_id"]))
        if agency is not None:
            tally = reviews.setdefault(agency, {"submitted": 0, "late": 0, "not_submitted": 0, "overdue": 0})
            tally[str(entry["status"])] += 1
            tally["overdue"] += int(bool(entry["overdue"]))
    accounts: dict[str, int] = {}
    for item in incoming["items"]:
        agency = agency_of.get(str(item["org_unit_id"]))
        if agency is not None:
            accounts[agency] = accounts.get(agency, 0) + 1
    rows = [{**u, "quality": _quality(quality_rows.get(str(u["org_unit_code"]))),
             "waiting": waiting.get(str(u["org_unit_id"]), {"backlog": 0, "overdue": 0}),
             "reviews": reviews.get(str(u["org_unit_id"])), "accounts": accounts.get(str(u["org_unit_id"]), 0),
             "links": _links(u)} for u in units]
    return {"month": progress["month"], "root": root, "rows": rows, "stages": STAGES, "criteria": CRITERIA,
            "quarter": quarter, "deadline": roster["deadline"], "policy": backlog["policy"],
            "accounts_complete": incoming["complete"], "chart": chart(rows)}


async def _roster(apis: Apis, person: PortalSession, quarter: str) -> dict[str, Any]:
    """The quarter's review roster, every page (`ROSTER_PAGES` at most: a province has a few hundred units that
    review): its deadline and its units."""
    units: list[dict[str, Any]] = []
    cursor = None
    for _ in range(ROSTER_PAGES):
        params: dict[str, Any] = {"quarter": quarter, "limit": ROSTER_LIMIT, **({"cursor": cursor} if cursor else {})}
        body = await apis.json(person, "profile", "GET", "/api/v1/reports/reviews", params=params)
        units += body["units"]
        cursor = body["next_cursor"]
        if cursor is None:
            break
    return {"deadline": body["deadline"], "units": units}


async def _overdue_incoming(apis: Apis, person: PortalSession) -> dict[str, Any]:
    """People taken in without an account past their 10 working days; `complete` False when more remained after
    `INCOMING_PAGES` pages."""
    items: list[dict[str, Any]] = []
    cursor = None
    for _ in range(INCOMING_PAGES):
        params: dict[str, Any] = {"limit": INCOMING_LIMIT, **({"cursor": cursor} if cursor else {})}
        body = await apis.json(person, "profile", "GET", "/api/v1/accounts/overdue-incoming", params=params)
        items += body["items"]
        cursor = body["next_cursor"]
        if cursor is None:
            return {"items": items, "complete": True}
    return {"items": items, "complete": False}


def chart(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """A grouped horizontal bar chart drawn on the server (no script): per agency one bar per stage, scaled to the
    largest figure. Its figures are the table's, which is its accessible equivalent."""
    top = max((int(r[s]) for r in rows for s in STAGES), default=0) or 1
    span = CHART_WIDTH - LABEL_WIDTH - 40
    groups, y = [], GAP
    for row in rows:
        bars = []
        for i, stage in enumerate(STAGES):
            value = int(row[stage])
            bars.append({"y": y + i * BAR, "width": max(1, round(span * value / top)) if value else 0,
                         "value": value, "colour": COLOURS[stage]})
        name = str(row["org_unit_name"])
        label = name if len(name) <= NAME_MAX else name[:NAME_MAX - 1] + "…"
        groups.append({"name": label, "y": y, "label_y": y + 2 * BAR + 4, "bars": bars})
        y += len(STAGES) * BAR + GAP
    legend = [{"x": 10 + (i % 2) * CHART_WIDTH // 2, "y": y + 8 + (i // 2) * 18, "label": label,
               "colour": COLOURS[stage]} for i, (stage, label) in enumerate(STAGES.items())]
    return {"groups": groups, "height": y + 48, "width": CHART_WIDTH, "left": LABEL_WIDTH, "legend": legend}
