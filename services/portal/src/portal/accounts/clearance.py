"""An account's clearance (mức truy cập: the highest độ hạn chế tiếp cận, hanoi-2024 Điều 4 khoản 3, it reads in its
own subtree; docs/access-levels.md), shown on its page and changed there (Điều 18 khoản 1: the managing level
restricts or extends access; Điều 19 khoản 4: on a written request; Điều 9: admins manage accounts in the software)
through `PUT /api/v1/accounts/{id}/clearance`. The levels offered are those up to the viewer's own (the grants
screen's rule, reused); profile-api decides, and its refusal is said beside the field it concerns."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from portal.access_grants.granting import offered_levels
from portal.access_grants.labels import level_name
from portal.accounts import forms, refusals
from portal.api import ApiProblem, Apis
from portal.i18n import N_
from portal.sessions import PortalSession

DEFAULT = "mac-dinh"  # the form's value for "back to the roles' default" (the API's null)
ROLE_DEFAULT = N_("Mặc định theo vai trò")
NO_LEVEL = N_("Chọn mức truy cập của tài khoản.")
NOT_VALID = N_("Giá trị này không hợp lệ.")
DONE = N_("Đã đổi mức truy cập của tài khoản: có hiệu lực từ lần đăng nhập sau của tài khoản đó.")
# profile-api's refusals of a clearance (the slug → the form's field, or None for the page; what the person reads).
REFUSALS: dict[str, tuple[str | None, str]] = {
    "above-clearance": ("clearance", N_("Bạn không được đặt mức cao hơn mức truy cập của chính mình.")),
    "own-access": (None, N_("Không ai tự đặt mức truy cập của chính mình: hãy nhờ một quản trị viên khác.")),
    "request-date-in-future": ("request_date", refusals.REFUSALS["request-date-in-future"][1]),
    "forbidden": (None, refusals.REFUSALS["forbidden"][1]),
}
BODY_FIELDS = {"clearance": "clearance", "request_no": "request_no", "request_date": "request_date"}


def require_manager(person: PortalSession) -> None:
    """Only whoever may change accounts (`accounts:write`) gets the form; anyone else the plain 403 page before any
    call. profile-api stays the authority: an account outside the viewer's subtree is its 404."""
    if "accounts:write" not in person.scopes:
        raise ApiProblem(403, {"title": "Forbidden"})


def shown(account: dict[str, Any]) -> str:
    """The account's clearance as its page says it (a msgid): a level's name, or the roles' default when none is
    set."""
    value = account.get("clearance")
    return ROLE_DEFAULT if value is None else level_name(int(value))


def form_page(person: PortalSession, account: dict[str, Any]) -> dict[str, Any]:
    return {"account": account, "levels": [(str(level), level_name(level)) for level in offered_levels(person)],
            "default": DEFAULT, "default_label": ROLE_DEFAULT, "current": shown(account)}


@dataclass
class Outcome:
    done: str | None = None
    level: str | None = None  # the level now set (a msgid), said under the notice
    errors: dict[str, str] = field(default_factory=dict)
    refusal: str | None = None
    status: int = 400


def _chosen(value: str, person: PortalSession) -> tuple[int | None, str | None]:
    """(the API's value, the error): a level offered to this viewer, or the roles' default."""
    if value == DEFAULT:
        return None, None
    if value.isdigit() and int(value) in offered_levels(person):
        return int(value), None
    return None, NO_LEVEL


def _refused(problem: ApiProblem) -> Outcome:
    if problem.slug == "validation-failed":
        for error in problem.body.get("errors") or []:
            where = next((BODY_FIELDS[str(p)] for p in reversed(error.get("loc") or []) if str(p) in BODY_FIELDS),
                         None)
            if where:
                return Outcome(errors={where: NOT_VALID}, status=problem.status)
    where, said = REFUSALS.get(problem.slug, (None, problem.detail or refusals.UNKNOWN))
    if where is None:
        return Outcome(refusal=said, status=problem.status)
    return Outcome(errors={where: said}, status=problem.status)


async def set_clearance(apis: Apis, person: PortalSession, account_id: uuid.UUID, form: dict[str, str],
                        today: date) -> Outcome:
    """PUT the chosen level with its written request; the form's own checks first, nothing sent if they fail. A
    404 (not in the viewer's subtree) is the portal's 404 page."""
    request, errors = forms.check_request(form.get("request_no", ""), form.get("request_date", ""), today)
    level, level_error = _chosen(form.get("clearance", ""), person)
    if level_error:
        errors = {"clearance": level_error, **errors}
    if errors:
        return Outcome(errors=errors)
    try:
        answer = await apis.json(person, "profile", "PUT", f"/api/v1/accounts/{account_id}/clearance",
                                 json={**request.body(), "clearance": level})
    except ApiProblem as problem:
        if problem.status == 404:
            raise
        return _refused(problem)
    set_to = answer.get("clearance")
    return Outcome(done=DONE, level=ROLE_DEFAULT if set_to is None else level_name(int(set_to)))
