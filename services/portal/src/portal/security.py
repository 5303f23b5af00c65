"""What every response carries, and the CSRF check every state-changing form passes.

- CSP: scripts and styles only from the portal itself (the vendored htmx and portal.js; no inline script, no CDN,
  no third-party font: the data is state-secret); frames only of its own evidence previews.
- CSRF: each session has a random token; every POST carries it (a hidden `csrf` field, or htmx's `X-CSRF-Token`
  header) and it must match, compared in constant time. SameSite=Strict cookies are the second line."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from fastapi import Request, Response

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; frame-src 'self'; "
       "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'self'")
HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "SAMEORIGIN",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
}


async def security_headers(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
    response = await call_next(request)
    for name, value in HEADERS.items():
        response.headers.setdefault(name, value)
    if not request.url.path.startswith("/static/"):
        response.headers["Cache-Control"] = "no-store"  # pages hold personal data: never cached
    return response
