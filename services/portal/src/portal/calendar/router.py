"""Lịch (QĐ 6187/QĐ-UBND Điều 7, Điều 14 khoản 1, Điều 19), DOHA's screens: the working-day calendar a month at a
time with setting or removing a day's override, and the extraordinary approval windows, listed and opened — each
change on a confirmation page of its own before anything is sent."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query, Request, Response

from hoso_shared.time import local_day
from portal.calendar import days, windows
from portal.web import Csrf, Person, Wiring, form_of, redirect, render

router = APIRouter(include_in_schema=False)
Cursor = Annotated[str | None, Query(alias="tiep", max_length=200)]


def _today(wiring: Wiring) -> date:
    return local_day(wiring.clock())


@router.get("/lich")
async def show_calendar(request: Request, wiring: Wiring, person: Person,
                        thang: Annotated[str | None, Query(max_length=20)] = None) -> Response:
    days.require(person, days.WRITE)
    today = _today(wiring)
    page = await days.month_page(wiring.apis, person, days.month_of(thang, today), today)
    return await render(request, wiring, person, "calendar/month.html", page)


@router.get("/lich/ngay/{day}")
async def show_day(request: Request, wiring: Wiring, person: Person, day: date) -> Response:
    days.require(person, days.WRITE)
    page = await days.day_page(wiring.apis, person, days.in_range(day))
    return await render(request, wiring, person, "calendar/day.html", page)


@router.post("/lich/ngay/{day}", dependencies=[Csrf])
async def check_day(request: Request, wiring: Wiring, person: Person, day: date) -> Response:
    """The form read: its errors on the form again, or the confirmation (nothing saved yet)."""
    days.require(person, days.WRITE)
    entry = days.read_entry(await form_of(request))
    page = await days.day_page(wiring.apis, person, days.in_range(day))
    if entry.errors:
        return await render(request, wiring, person, "calendar/day.html",
                            {**page, "values": entry.values, "errors": entry.errors}, status_code=400)
    return await render(request, wiring, person, "calendar/confirm.html", {**page, "values": entry.values})


@router.post("/lich/ngay/{day}/luu", dependencies=[Csrf])
async def set_day(request: Request, wiring: Wiring, person: Person, day: date) -> Response:
    days.require(person, days.WRITE)
    entry = days.read_entry(await form_of(request))
    if entry.errors:  # a confirmation page altered by hand: back to the form, which says what is wrong
        page = await days.day_page(wiring.apis, person, days.in_range(day))
        return await render(request, wiring, person, "calendar/day.html",
                            {**page, "values": entry.values, "errors": entry.errors}, status_code=400)
    await days.save(wiring.apis, person, days.in_range(day), entry)
    person.flash.append(days.SAVED)
    return redirect(request, f"/lich?thang={day:%Y-%m}")


@router.get("/lich/ngay/{day}/xoa")
async def show_removal(request: Request, wiring: Wiring, person: Person, day: date) -> Response:
    days.require(person, days.WRITE)
    page = await days.day_page(wiring.apis, person, days.in_range(day))
    return await render(request, wiring, person, "calendar/remove.html", page)


@router.post("/lich/ngay/{day}/xoa", dependencies=[Csrf])
async def remove_day(request: Request, wiring: Wiring, person: Person, day: date) -> Response:
    days.require(person, days.WRITE)
    refusal = await days.remove(wiring.apis, person, days.in_range(day))
    if refusal is not None:
        page = await days.day_page(wiring.apis, person, day)
        return await render(request, wiring, person, "calendar/remove.html", {**page, "refusal": refusal},
                            status_code=409)
    person.flash.append(days.REMOVED)
    return redirect(request, f"/lich?thang={day:%Y-%m}")


@router.get("/lich/cua-so")
async def list_windows(request: Request, wiring: Wiring, person: Person, tiep: Cursor = None,
                       trang_thai: Annotated[str | None, Query(alias="trang-thai", max_length=20)] = None) -> Response:
    windows.require(person)
    page = await windows.list_page(wiring.apis, person, windows.state_of(trang_thai), tiep)
    return await render(request, wiring, person, "calendar/windows.html", page)


@router.get("/lich/cua-so/mo")
async def show_window_form(request: Request, wiring: Wiring, person: Person) -> Response:
    windows.require(person)
    today = _today(wiring)
    values = {"opens_on": f"{today:%d/%m/%Y}", "closes_on": "", "reason": "", "unit": []}
    return await render(request, wiring, person, "calendar/open.html",
                        {"units": await windows.units(wiring.apis, person), "values": values})


@router.post("/lich/cua-so/mo", dependencies=[Csrf])
async def check_window(request: Request, wiring: Wiring, person: Person) -> Response:
    windows.require(person)
    asked = windows.read_request(await form_of(request), _today(wiring))
    units = await windows.units(wiring.apis, person)
    template = "calendar/open.html" if asked.errors else "calendar/open_confirm.html"
    return await render(request, wiring, person, template, {"units": units, "values": asked.values, "asked": asked,
                                                             "errors": asked.errors},
                        status_code=400 if asked.errors else 200)


@router.post("/lich/cua-so/mo/xac-nhan", dependencies=[Csrf])
async def open_window(request: Request, wiring: Wiring, person: Person) -> Response:
    windows.require(person)
    asked = windows.read_request(await form_of(request), _today(wiring))
    refusal = None if asked.errors else await windows.open_windows(wiring.apis, person, asked)
    if asked.errors or refusal:
        units = await windows.units(wiring.apis, person)
        return await render(request, wiring, person, "calendar/open.html", {
            "units": units, "values": asked.values, "errors": asked.errors, "refusal": refusal},
            status_code=400 if asked.errors else 409)
    person.flash.append(windows.OPENED)
    return redirect(request, "/lich/cua-so")
