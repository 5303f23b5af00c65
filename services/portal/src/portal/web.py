"""What every page is given and how it answers: the collaborators (provided by the app factory as a dependency
override: no state reads), the visitor's session, the CSRF check, and rendering in the visitor's language."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import Depends, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse
from starlette.datastructures import FormData

from portal.api import ApiProblem, Apis
from portal.collaborators import Collaborators
from portal.i18n import pick_language
from portal.sessions import COOKIE, PortalSession

BADGE_TTL = timedelta(seconds=60)


async def collaborators() -> Collaborators:
    raise RuntimeError("the portal's collaborators are provided by create_app")  # replaced there


Wiring = Annotated[Collaborators, Depends(collaborators)]


async def apis(wiring: Wiring) -> Apis:
    return wiring.apis


Api = Annotated[Apis, Depends(apis)]


def session_middleware(wiring: Collaborators) -> Callable[[Request, Callable[[Request], Awaitable[Response]]],
                                                           Awaitable[Response]]:
    """Loads the visitor's session (a new anonymous one when none is valid) before the page, and sets its cookie
    after when the id is new or was rotated."""

    async def middleware(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        if request.url.path.startswith("/static/") or request.url.path in ("/healthz", "/readyz"):
            return await call_next(request)
        now = wiring.clock()
        sent = request.cookies.get(COOKIE)
        session = wiring.sessions.get(sent, now)
        if session is None:
            lang = pick_language(request.cookies.get("lang"), request.headers.get("accept-language"),
                                 wiring.settings.portal_default_language)
            session = wiring.sessions.new(now, lang)
        request.scope["portal_session"] = session
        response = await call_next(request)
        current: PortalSession | None = request.scope.get("portal_session")
        if current is None:  # signed out: the cookie goes too
            response.delete_cookie(COOKIE, path="/")
        elif current.id != sent:
            response.set_cookie(COOKIE, current.id, httponly=True, secure=wiring.settings.secure_cookies,
                                samesite="strict", path="/")
        return response

    return middleware


async def visitor(request: Request) -> PortalSession:
    session: PortalSession = request.scope["portal_session"]
    return session


Visitor = Annotated[PortalSession, Depends(visitor)]


class NeedsSignIn(Exception):
    def __init__(self, next_path: str) -> None:
        self.next_path = next_path


class NeedsNewPassword(Exception):
    pass


class CsrfRefused(Exception):
    pass


async def signed_in(request: Request, session: Visitor) -> PortalSession:
    """A page for signed-in people; a default password is changed before anything else."""
    if not session.signed_in:
        raise NeedsSignIn(request.url.path + (f"?{request.url.query}" if request.url.query else ""))
    if session.must_change_password:
        raise NeedsNewPassword()
    return session


Person = Annotated[PortalSession, Depends(signed_in)]


async def form_of(request: Request) -> FormData:
    return await request.form()


async def csrf_checked(request: Request, session: Visitor) -> None:
    """Every state-changing request carries the session's CSRF token (form field or htmx header)."""
    given = request.headers.get("x-csrf-token")
    if given is None and request.headers.get("content-type", "").startswith(
            ("application/x-www-form-urlencoded", "multipart/form-data")):
        given_value = (await request.form()).get("csrf")
        given = given_value if isinstance(given_value, str) else None
    if not session.csrf_matches(given):
        raise CsrfRefused()


Csrf = Depends(csrf_checked)


def redirect(request: Request, path: str) -> Response:
    """303 to `path`; for an htmx request, the header that makes htmx navigate there."""
    if request.headers.get("hx-request"):
        return Response(status_code=204, headers={"HX-Redirect": path})
    return RedirectResponse(path, status_code=303)


def sign_in_path(next_path: str) -> str:
    return f"/login?next={quote(next_path, safe='/')}"


async def badge(wiring: Collaborators, session: PortalSession) -> int | None:
    """How many tasks the person has (the header's badge), asked of the API at most once a minute."""
    now = wiring.clock()
    if session.badge is not None and now - session.badge[1] < BADGE_TTL:
        return session.badge[0]
    try:
        body = await wiring.apis.json(session, "profile", "GET", "/api/v1/tasks", params={"limit": 0})
    except ApiProblem:
        return None
    total = sum(int(c["total"]) for c in body["counts"])
    session.badge = (total, now)
    return total


async def render(request: Request, wiring: Collaborators, session: PortalSession, template: str,
                 context: dict[str, Any] | None = None, *, status_code: int = 200) -> HTMLResponse:
    env = wiring.templates[session.lang]
    tasks = await badge(wiring, session) if session.signed_in and not session.must_change_password else None
    flash, session.flash = session.flash, []
    html = env.get_template(template).render(
        request=request, session=session, csrf=session.csrf, badge=tasks, flash=flash, path=request.url.path,
        **(context or {}))
    return HTMLResponse(html, status_code=status_code)
