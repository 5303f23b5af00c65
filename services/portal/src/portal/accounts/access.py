"""Changing an account's access (hanoi-2024 Điều 18 khoản 1: cấp, hạn chế, mở rộng hoặc hủy quyền truy cập; Điều 19
khoản 4: on a written request): disable, enable, new roles, each with the written request's number and date, which
profile-api stores with the change. And a new temporary password (Điều 9 khoản 1 điểm b: managing the accounts),
shown once on the answer and kept nowhere."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from portal.accounts import forms, refusals
from portal.accounts.labels import ROLES, offered_roles
from portal.api import ApiProblem, Apis
from portal.i18n import N_
from portal.people.units import read_units
from portal.sessions import PortalSession

FIELDS = {"roles": "roles", "delegation": "org_unit_id"}  # the field a step's form has besides the request
# A confirmation page's path segment → profile-api's action (the path after the account's).
STEPS = {"khoa": "disable", "mo-khoa": "enable", "quyen": "roles", "uy-quyen": "delegation",
         "thu-hoi-uy-quyen": "delegation/revoke"}
TITLES = {"disable": N_("Khóa tài khoản"), "enable": N_("Mở lại tài khoản"),
          "roles": N_("Thay đổi quyền của tài khoản"), "delegation": N_("Ủy quyền tạo lập tài khoản cá nhân"),
          "delegation/revoke": N_("Thu hồi ủy quyền tạo lập tài khoản cá nhân")}
SUBMITS = {"disable": N_("Khóa tài khoản"), "enable": N_("Mở lại tài khoản"), "roles": N_("Lưu quyền mới"),
           "delegation": N_("Giao ủy quyền"), "delegation/revoke": N_("Thu hồi ủy quyền")}
DONE = {"disable": N_("Đã khóa tài khoản: tài khoản không đăng nhập được nữa."),
        "enable": N_("Đã mở lại tài khoản."), "roles": N_("Đã thay đổi quyền: có hiệu lực từ lần đăng nhập sau."),
        "delegation": N_("Đã ủy quyền tạo lập tài khoản cá nhân: có hiệu lực từ lần đăng nhập sau của người được ủy quyền."),  # noqa: E501
        "delegation/revoke": N_("Đã thu hồi ủy quyền tạo lập tài khoản cá nhân: có hiệu lực ngay.")}


def not_found() -> ApiProblem:
    """A step this page does not know: the portal's 404 page."""
    return ApiProblem(404, {"title": "Not found"})


def action_of(step: str) -> str:
    if step not in STEPS:
        raise not_found()
    return STEPS[step]


async def read_account(apis: Apis, person: PortalSession, account_id: uuid.UUID) -> dict[str, Any]:
    """One account of the caller's subtree; any other is the API's 404."""
    account: dict[str, Any] = await apis.json(person, "profile", "GET", f"/api/v1/accounts/{account_id}")
    return account


async def step_page(apis: Apis, person: PortalSession, account: dict[str, Any], action: str) -> dict[str, Any]:
    """What the step's form offers: new roles, or the units a delegation may cover (the delegate works there)."""
    units = (await read_units(apis, person)).choices if action == "delegation" else []
    return {"account": account, "action": action, "title": TITLES[action], "submit": SUBMITS[action],
            "offered": offered_roles(person.roles, account["kind"]) if action == "roles" else [],
            "roles_labels": ROLES, "units": units}


def _unit(value: str) -> str | None:
    try:
        return str(uuid.UUID(value)) if value else None
    except ValueError:
        return None


@dataclass
class Outcome:
    done: str | None = None
    errors: dict[str, str] = field(default_factory=dict)
    refusal: str | None = None
    status: int = 400


def _roles_body(account: dict[str, Any], roles: list[str], person: PortalSession) -> tuple[dict[str, Any],
                                                                                          dict[str, str]]:
    chosen = sorted(set(roles))
    if not chosen or not set(chosen) <= set(offered_roles(person.roles, account["kind"])):
        return {}, {"roles": forms.NO_ROLE}
    if chosen == sorted(account["roles"]):
        return {}, {"roles": refusals.REFUSALS["access-unchanged"][1]}
    return {"roles": chosen}, {}


async def change_access(apis: Apis, person: PortalSession, account_id: uuid.UUID, action: str,
                        form: dict[str, Any], today: date) -> Outcome:
    """POST …/disable | enable | roles with the written request; a refusal (the guard rails: own account, last
    administrator, a service client) comes back as the page says it."""
    account = await read_account(apis, person, account_id)
    request, errors = forms.check_request(str(form.get("request_no", "")), str(form.get("request_date", "")), today)
    body: dict[str, Any] = request.body()
    if action == "roles":
        roles, role_errors = _roles_body(account, [str(r) for r in form.get("roles", [])], person)
        body, errors = {**body, **roles}, {**role_errors, **errors}
    if action == "delegation":
        body["org_unit_id"] = _unit(str(form.get("org_unit_id", ""))) or account["org_unit_id"]
    if errors:
        return Outcome(errors=errors)
    try:
        await apis.call(person, "profile", "POST", f"/api/v1/accounts/{account_id}/{action}", json=body)
    except ApiProblem as problem:
        if problem.status == 404:
            raise
        where = refusals.field_of(problem)
        if where is not None and where in {"request_no", "request_date", FIELDS.get(action)}:
            return Outcome(errors={where: refusals.said(problem)}, status=problem.status)
        return Outcome(refusal=refusals.said(problem), status=problem.status)
    return Outcome(done=DONE[action])


async def reset_password(apis: Apis, person: PortalSession, account_id: uuid.UUID) -> tuple[dict[str, Any],
                                                                                             str | None, str | None]:
    """(the account, its temporary password, the refusal): POST …/reset-password, which also unlocks it; the holder
    sets their own password at the next sign-in."""
    try:
        answer = await apis.json(person, "profile", "POST", f"/api/v1/accounts/{account_id}/reset-password")
    except ApiProblem as problem:
        if problem.status == 404:
            raise
        return await read_account(apis, person, account_id), None, refusals.said(problem)
    return answer["account"], str(answer["temporary_password"]), None
