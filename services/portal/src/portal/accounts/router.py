"""Tài khoản (hanoi-2024 Điều 9, Điều 18 khoản 1, Điều 19 khoản 4): the subtree's accounts, one account with its
access history, its access changed on a written request, a new temporary password, and the people who came in
without an account. Creating accounts: portal.accounts.create_router."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request, Response
from starlette.datastructures import FormData

from hoso_shared.time import local_day
from portal.accounts import access, clearance, service
from portal.web import Csrf, Person, Wiring, form_of, redirect, render

router = APIRouter(include_in_schema=False)
Choice = Annotated[str | None, Query(max_length=40)]
Cursor = Annotated[str | None, Query(max_length=200)]
Step = Annotated[str, Path(max_length=20)]
Form = Annotated[FormData, Depends(form_of)]


@router.get("/tai-khoan")
async def list_accounts(request: Request, wiring: Wiring, person: Person, role: Choice = None, state: Choice = None,
                        cursor: Cursor = None, trang: Annotated[int, Query(ge=1, le=100_000)] = 1) -> Response:
    filters = service.Filters.parse(role, state)
    page = await service.accounts_page(wiring.apis, person, filters, cursor, trang if cursor else 1)
    return await render(request, wiring, person, "accounts/list.html", page)


@router.get("/tai-khoan/chua-co")
async def list_people_without_account(request: Request, wiring: Wiring, person: Person,
                                      qua_han: Annotated[str | None, Query(alias="qua-han", max_length=2)] = None,
                                      cursor: Cursor = None) -> Response:
    """Điều 12 khoản 2.2 điểm a: who came in and has no account yet, with the day it is due."""
    page = await service.incoming_page(wiring.apis, person, bool(qua_han), cursor)
    return await render(request, wiring, person, "accounts/incoming.html", page)


@router.get("/tai-khoan/{account_id}")
async def show_account(request: Request, wiring: Wiring, person: Person, account_id: uuid.UUID) -> Response:
    page = await service.account_page(wiring.apis, person, account_id)
    return await render(request, wiring, person, "accounts/detail.html", page)


@router.get("/tai-khoan/{account_id}/mat-khau")
async def show_password_reset(request: Request, wiring: Wiring, person: Person, account_id: uuid.UUID) -> Response:
    account = await access.read_account(wiring.apis, person, account_id)
    return await render(request, wiring, person, "accounts/reset.html", {"account": account})


@router.post("/tai-khoan/{account_id}/mat-khau", dependencies=[Csrf])
async def reset_password(request: Request, wiring: Wiring, person: Person, account_id: uuid.UUID) -> Response:
    """The temporary password is on this answer only (the page is never cached: Cache-Control no-store)."""
    account, password, refusal = await access.reset_password(wiring.apis, person, account_id)
    if password is None:
        return await render(request, wiring, person, "accounts/reset.html", {"account": account, "refusal": refusal},
                            status_code=403)
    return await render(request, wiring, person, "accounts/password.html", {"account": account, "password": password})


@router.get("/tai-khoan/{account_id}/muc-truy-cap")
async def show_clearance(request: Request, wiring: Wiring, person: Person, account_id: uuid.UUID) -> Response:
    """Điều 18 khoản 1, Điều 19 khoản 4: the form to restrict or extend an account's clearance on a written
    request, to those who manage accounts (others: the plain 403 page)."""
    clearance.require_manager(person)
    account = await access.read_account(wiring.apis, person, account_id)
    return await render(request, wiring, person, "accounts/clearance.html",
                        {**clearance.form_page(person, account), "form": {}})


@router.post("/tai-khoan/{account_id}/muc-truy-cap", dependencies=[Csrf])
async def set_clearance(request: Request, wiring: Wiring, person: Person, account_id: uuid.UUID,
                        form: Form) -> Response:
    clearance.require_manager(person)
    sent = {name: str(form.get(name, "")) for name in ("clearance", "request_no", "request_date")}
    outcome = await clearance.set_clearance(wiring.apis, person, account_id, sent, local_day(wiring.clock()))
    if outcome.done:
        person.flash.extend([outcome.done, *([outcome.level] if outcome.level else [])])
        return redirect(request, f"/tai-khoan/{account_id}")
    account = await access.read_account(wiring.apis, person, account_id)
    return await render(request, wiring, person, "accounts/clearance.html", {
        **clearance.form_page(person, account), "form": sent, "errors": outcome.errors, "refusal": outcome.refusal},
        status_code=outcome.status)


@router.get("/tai-khoan/{account_id}/{step}")
async def show_access_change(request: Request, wiring: Wiring, person: Person, account_id: uuid.UUID,
                             step: Step) -> Response:
    action = access.action_of(step)
    account = await access.read_account(wiring.apis, person, account_id)
    return await render(request, wiring, person, "accounts/step.html",
                        {**await access.step_page(wiring.apis, person, account, action), "step": step, "form": {}})


@router.post("/tai-khoan/{account_id}/{step}", dependencies=[Csrf])
async def change_access(request: Request, wiring: Wiring, person: Person, account_id: uuid.UUID, step: Step,
                        form: Form) -> Response:
    action = access.action_of(step)
    sent: dict[str, Any] = {"request_no": form.get("request_no", ""), "request_date": form.get("request_date", ""),
                            "roles": form.getlist("roles"), "org_unit_id": form.get("org_unit_id", "")}
    outcome = await access.change_access(wiring.apis, person, account_id, action, sent, local_day(wiring.clock()))
    if outcome.done:
        person.flash.append(outcome.done)
        return redirect(request, f"/tai-khoan/{account_id}")
    account = await access.read_account(wiring.apis, person, account_id)
    return await render(request, wiring, person, "accounts/step.html", {
        **await access.step_page(wiring.apis, person, account, action), "step": step, "form": sent,
        "errors": outcome.errors,
        "refusal": outcome.refusal}, status_code=outcome.status)
