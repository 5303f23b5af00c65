from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Query, Request, Response

from portal.api import ApiProblem
from portal.i18n import LANGUAGES, N_, nfc
from portal.signin import service
from portal.web import Csrf, Visitor, Wiring, redirect, render

router = APIRouter(include_in_schema=False)
Text = Annotated[str, Form(max_length=256)]


def _safe_next(next_path: str | None) -> str:
    """Only a path of this site (no scheme, no host, no `//`): never an open redirect."""
    if next_path and next_path.startswith("/") and not next_path.startswith("//") and "\\" not in next_path:
        return next_path
    return "/"


@router.get("/login")
async def show_sign_in(request: Request, wiring: Wiring, session: Visitor,
                       next: Annotated[str | None, Query(max_length=500)] = None) -> Response:
    if session.signed_in and not session.must_change_password:
        return redirect(request, _safe_next(next))
    return await render(request, wiring, session, "signin/login.html", {"next": _safe_next(next)})


@router.post("/login", dependencies=[Csrf])
async def sign_in(request: Request, wiring: Wiring, session: Visitor, username: Text, password: Text,
                  next: Annotated[str, Form(max_length=500)] = "/") -> Response:
    username = nfc(username).strip().lower()
    try:
        fresh = await service.sign_in(wiring.apis, wiring.sessions, session, username, password, wiring.clock(),
                                      request.client.host if request.client else None)
    except ApiProblem as problem:
        errors = {"password": service.refusal(problem, session.lang)}
        return await render(request, wiring, session, "signin/login.html",
                            {"next": _safe_next(next), "username": username, "errors": errors}, status_code=400)
    request.scope["portal_session"] = fresh
    return redirect(request, "/password" if fresh.must_change_password else _safe_next(next))


@router.post("/logout", dependencies=[Csrf])
async def sign_out(request: Request, wiring: Wiring, session: Visitor) -> Response:
    """The session ends here and now: its cookie is refused from this moment."""
    wiring.sessions.end(session.id)
    request.scope["portal_session"] = None
    return redirect(request, "/login")


@router.get("/password")
async def show_password_change(request: Request, wiring: Wiring, session: Visitor) -> Response:
    if not session.signed_in:
        return redirect(request, "/login")
    return await render(request, wiring, session, "signin/password.html")


@router.post("/password", dependencies=[Csrf])
async def change_password(request: Request, wiring: Wiring, session: Visitor, current_password: Text,
                          new_password: Text, confirm_password: Text) -> Response:
    if not session.signed_in or session.username is None:
        return redirect(request, "/login")
    errors: dict[str, str] = {}
    if new_password != confirm_password:
        errors["confirm_password"] = N_("Mật khẩu nhập lại không khớp.")
    else:
        try:
            await service.change_password(wiring.apis, session, current_password, new_password)
            fresh = await service.sign_in(wiring.apis, wiring.sessions, session, session.username, new_password,
                                          wiring.clock(), request.client.host if request.client else None)
        except ApiProblem as problem:
            field = "current_password" if problem.slug == "invalid-grant" else "new_password"
            errors[field] = service.refusal(problem, session.lang)
        else:
            fresh.flash.append(N_("Đã đổi mật khẩu."))
            request.scope["portal_session"] = fresh
            return redirect(request, "/")
    return await render(request, wiring, session, "signin/password.html", {"errors": errors}, status_code=400)


@router.post("/language", dependencies=[Csrf])
async def set_language(request: Request, session: Visitor, lang: Annotated[str, Form(max_length=5)],
                       back: Annotated[str, Form(max_length=500)] = "/") -> Response:
    if lang in LANGUAGES:
        session.lang = lang
    response = redirect(request, _safe_next(back))
    response.set_cookie("lang", session.lang, httponly=True, samesite="strict", path="/", max_age=365 * 86400)
    return response
