"""Lịch làm việc, DOHA's screen (QĐ 6187/QĐ-UBND; Điều 19: DOHA keeps the software working for everyone): the
working-day calendar a month at a time — Monday to Friday less Vietnam's public holidays, with DOHA's overrides
(an extra day off, a make-up working day) on top — and setting or removing an override, each confirmed first.
profile-api keeps the overrides (`/api/v1/calendar/overrides`, `calendar:write` to change them); every deadline
counted in working days reads them there. The marks here come from the same pure calendar the APIs count with
(`hoso_shared.time.Calendar`), so the page and the deadlines never disagree."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from hoso_shared.time import FIRST_DAY, LAST_DAY, Calendar, public_holidays
from portal.api import ApiProblem, Apis
from portal.i18n import N_, nfc
from portal.sessions import PortalSession

WRITE = "calendar:write"
NOTE_MAX = 500  # profile-api's OverrideWrite.note
KINDS = {"holiday": N_("Ngày nghỉ (thêm ngày nghỉ)"), "working_day": N_("Ngày làm việc (làm bù)")}
MARKS = {"working": N_("Ngày làm việc"), "weekend": N_("Nghỉ cuối tuần"), "public": N_("Nghỉ lễ, Tết"),
         "holiday": N_("Ngày nghỉ do Sở Nội vụ quy định"), "working_day": N_("Ngày làm việc bù do Sở Nội vụ quy định")}
WEEKDAYS = (N_("Thứ Hai"), N_("Thứ Ba"), N_("Thứ Tư"), N_("Thứ Năm"), N_("Thứ Sáu"), N_("Thứ Bảy"), N_("Chủ nhật"))
NEEDS_KIND = N_("Chọn ngày nghỉ hoặc ngày làm việc.")
NEEDS_NOTE = N_("Nhập lý do: văn bản quyết định ngày nghỉ hoặc ngày làm bù.")
NOTE_TOO_LONG = N_("Lý do dài quá 500 ký tự.")
SAVED = N_("Đã lưu điều chỉnh lịch làm việc; các thời hạn tính theo ngày làm việc được tính lại theo lịch mới.")
REMOVED = N_("Đã xóa điều chỉnh; ngày này theo lịch nghỉ lễ, Tết và cuối tuần thông thường.")
NOTHING_TO_REMOVE = N_("Ngày này không có điều chỉnh nào để xóa.")


def require(person: PortalSession, scope: str) -> None:
    """These screens are DOHA's: a person whose token lacks the scope gets the portal's 403 page (the API would
    refuse the change anyway; the calendar itself is readable by all, so the portal says no first)."""
    if scope not in person.scopes:
        raise ApiProblem(403, {"title": "Forbidden"})  # the portal's plain 403 page


def in_range(day: date) -> date:
    """A day the calendar can count from (the APIs' bounds); another is a page that does not exist."""
    if not FIRST_DAY <= day <= LAST_DAY:
        raise ApiProblem(404, {"title": "Not found"})
    return day


def month_of(text: str | None, today: date) -> date:
    """`?thang=2026-11` → its first day; anything else → this month's."""
    try:
        year, month = (int(p) for p in (text or "").split("-"))
        return in_range(date(year, month, 1))
    except (ValueError, ApiProblem):
        return today.replace(day=1)


def _next_month(first: date) -> date:
    return (first + timedelta(days=32)).replace(day=1)


def _mark(day: date, override: dict[str, Any] | None, days: Calendar) -> str:
    if override is not None:
        return str(override["kind"])
    if days.is_working_day(day):
        return "working"
    return "public" if day in public_holidays(day.year) else "weekend"


async def overrides(apis: Apis, person: PortalSession, start: date, end: date) -> dict[date, dict[str, Any]]:
    found = await apis.json(person, "profile", "GET", "/api/v1/calendar/overrides",
                            params={"from": start.isoformat(), "to": end.isoformat()})
    return {date.fromisoformat(o["day"]): o for o in found}


async def month_page(apis: Apis, person: PortalSession, first: date, today: date) -> dict[str, Any]:
    """The month as weeks (Monday first; days of the neighbouring months left blank), each day marked."""
    after = _next_month(first)
    last = after - timedelta(days=1)
    by_day = await overrides(apis, person, first, last)
    days = Calendar(extra_holidays=frozenset(d for d, o in by_day.items() if o["kind"] == "holiday"),
                    extra_working_days=frozenset(d for d, o in by_day.items() if o["kind"] == "working_day"))
    cells: list[dict[str, Any] | None] = [None] * first.weekday()
    day = first
    while day <= last:
        mark = _mark(day, by_day.get(day), days)
        cells.append({"day": day, "mark": mark, "working": days.is_working_day(day), "today": day == today,
                      "override": by_day.get(day)})
        day += timedelta(days=1)
    cells += [None] * (-len(cells) % 7)
    before = (first - timedelta(days=1)).replace(day=1)
    return {"first": first, "weeks": [cells[i:i + 7] for i in range(0, len(cells), 7)], "weekdays": WEEKDAYS,
            "marks": MARKS, "overrides": sorted(by_day.values(), key=lambda o: str(o["day"])),
            "previous": f"/lich?thang={before:%Y-%m}" if before >= FIRST_DAY else None,
            "next": f"/lich?thang={after:%Y-%m}" if after <= LAST_DAY else None,
            "this_month": f"/lich?thang={today:%Y-%m}"}


async def day_page(apis: Apis, person: PortalSession, day: date) -> dict[str, Any]:
    """One day: how it stands now, and its override (if any) as the form's values."""
    override = (await overrides(apis, person, day, day)).get(day)
    days = Calendar(extra_holidays=frozenset({day}) if override and override["kind"] == "holiday" else frozenset(),
                    extra_working_days=frozenset({day}) if override and override["kind"] == "working_day"
                    else frozenset())
    return {"day": day, "override": override, "mark": _mark(day, override, days), "marks": MARKS, "kinds": KINDS,
            "values": {"kind": override["kind"], "note": override["note"]} if override else {},
            "month": f"/lich?thang={day:%Y-%m}"}


@dataclass
class Entry:
    values: dict[str, str] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)


def read_entry(form: Mapping[str, Any]) -> Entry:
    kind = str(form.get("kind") or "")
    note = nfc(str(form.get("note") or "")).strip()
    entry = Entry({"kind": kind, "note": note})
    if kind not in KINDS:
        entry.errors["kind"] = NEEDS_KIND
    if not note:
        entry.errors["note"] = NEEDS_NOTE
    elif len(note) > NOTE_MAX:
        entry.errors["note"] = NOTE_TOO_LONG
    return entry


async def save(apis: Apis, person: PortalSession, day: date, entry: Entry) -> None:
    await apis.call(person, "profile", "PUT", f"/api/v1/calendar/overrides/{day.isoformat()}",
                    json={"kind": entry.values["kind"], "note": entry.values["note"]})


async def remove(apis: Apis, person: PortalSession, day: date) -> str | None:
    """None, or why nothing was removed (the day had no override)."""
    try:
        await apis.call(person, "profile", "DELETE", f"/api/v1/calendar/overrides/{day.isoformat()}")
    except ApiProblem as problem:
        if problem.status != 404:
            raise
        return NOTHING_TO_REMOVE
    return None
