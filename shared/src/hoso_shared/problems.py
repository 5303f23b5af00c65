"""RFC 9457 problem details: domain errors carry their status; one renderer writes them.

Database errors map by SQLSTATE (never by message text). The catch-all never leaks a trace:
the body names the correlation id, and the log holds the rest.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import DBAPIError
from starlette.exceptions import HTTPException as StarletteHTTPException

from hoso_shared.logging import correlation_id, get_logger

MEDIA_TYPE = "application/problem+json"
TYPE_PREFIX = "urn:hoso:problem:"
log = get_logger("hoso.problems")


class Problem(Exception):
    """Base of every domain error. Subclasses set `status`, `slug` and `title`."""

    status: ClassVar[int] = 400
    slug: ClassVar[str] = "bad-request"
    title: ClassVar[str] = "Bad request"
    headers: Mapping[str, str] | None = None

    def __init__(self, detail: str | None = None, **extensions: Any) -> None:
        super().__init__(detail or self.title)
        self.detail = detail
        self.extensions = extensions

    def body(self) -> dict[str, Any]:
        body: dict[str, Any] = {"type": TYPE_PREFIX + self.slug, "title": self.title,
                                "status": self.status}
        if self.detail:
            body["detail"] = self.detail
        body.update(self.extensions)
        cid = correlation_id.get()
        if cid:
            body["correlation_id"] = cid
        return body

    @classmethod
    def openapi(cls) -> dict[int | str, dict[str, Any]]:
        """An entry for a route's `responses=`."""
        return {cls.status: {"description": cls.title,
                             "content": {MEDIA_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}}}}


class NotFound(Problem):
    status, slug, title = 404, "not-found", "Not found"


class MethodNotAllowed(Problem):
    status, slug, title = 405, "method-not-allowed", "Method not allowed"


class ValidationFailed(Problem):
    status, slug, title = 422, "validation-failed", "The request is not valid"


class Unauthorized(Problem):
    status, slug, title = 401, "unauthorized", "Authentication required"

    def __init__(self, detail: str | None = None, **extensions: Any) -> None:
        super().__init__(detail, **extensions)
        self.headers = {"WWW-Authenticate": 'Bearer error="invalid_token"'}


class Forbidden(Problem):
    status, slug, title = 403, "forbidden", "Not allowed"


class Conflict(Problem):
    status, slug, title = 409, "conflict", "Conflicts with the current state"


class PayloadTooLarge(Problem):
    status, slug, title = 413, "payload-too-large", "Request body too large"


class ServiceUnavailable(Problem):
    status, slug, title = 503, "service-unavailable", "Service unavailable"


class InternalError(Problem):
    status, slug, title = 500, "internal-error", "Internal error"


def problem_response(problem: Problem) -> JSONResponse:
    return JSONResponse(problem.body(), status_code=problem.status, media_type=MEDIA_TYPE,
                        headers=dict(problem.headers or {}))


_STATUS_PROBLEMS: dict[int, type[Problem]] = {404: NotFound, 405: MethodNotAllowed, 401: Unauthorized,
                                              403: Forbidden, 413: PayloadTooLarge}


def _from_http_exception(exc: StarletteHTTPException) -> Problem:
    cls = _STATUS_PROBLEMS.get(exc.status_code)
    if cls is None:
        problem = Problem(str(exc.detail))
        problem.status = exc.status_code  # type: ignore[misc]
        return problem
    given = None if exc.detail is None else str(exc.detail)
    detail = None if given is None or given.lower() == cls.title.lower() else given
    problem = cls(detail)
    problem.headers = {**(problem.headers or {}), **(exc.headers or {})}
    return problem


UNREACHABLE = "The database is not reachable; retry shortly."
# SQLSTATE classes and codes that are the client's fault, by the standard's numbers.
_SQLSTATE: dict[str, tuple[type[Problem], str]] = {
    "23505": (Conflict, "A record with the same unique value already exists."),
    "23503": (Conflict, "The record refers to, or is referred to by, another record."),
    "23514": (ValidationFailed, "A value breaks a rule of the data."),
    "23502": (ValidationFailed, "A required value is missing."),
    "40001": (Conflict, "A concurrent change conflicted; retry the request."),
    "40P01": (Conflict, "A concurrent change conflicted; retry the request."),
    "55P03": (Conflict, "The record is locked by another change; retry the request."),
}


def sqlstate_of(exc: DBAPIError) -> str | None:
    orig = getattr(exc, "orig", None)
    for candidate in (orig, getattr(orig, "__cause__", None)):
        code = getattr(candidate, "sqlstate", None) or getattr(candidate, "pgcode", None)
        if isinstance(code, str):
            return code
    return None


def problem_from_db_error(exc: DBAPIError) -> Problem | None:
    code = sqlstate_of(exc)
    if code is None:
        # A pooled connection the server closed (a restart) fails with no SQLSTATE; SQLAlchemy marks it invalidated.
        return ServiceUnavailable(UNREACHABLE) if exc.connection_invalidated else None
    if code in _SQLSTATE:
        cls, detail = _SQLSTATE[code]
        return cls(detail, sqlstate=code)
    if code.startswith("22"):  # data exception: bad value for the column
        return ValidationFailed("A value is not acceptable for the database.", sqlstate=code)
    if code.startswith("08") or code in ("57P01", "57P02", "57P03"):
        return ServiceUnavailable(UNREACHABLE)
    return None


def _validation_errors(exc: RequestValidationError) -> list[dict[str, Any]]:
    return [{"loc": list(e.get("loc", ())), "msg": e.get("msg", ""), "type": e.get("type", "")}
            for e in exc.errors()]


async def _on_problem(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, Problem)
    return problem_response(exc)


async def _on_validation(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    return problem_response(ValidationFailed(errors=_validation_errors(exc)))


async def _on_http(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    return problem_response(_from_http_exception(exc))


async def _on_db_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, DBAPIError)
    problem = problem_from_db_error(exc)
    if problem is None:
        log.error("database_error", path=request.url.path, sqlstate=sqlstate_of(exc), exc_info=exc)
        problem = InternalError()
    return problem_response(problem)


async def _on_unreachable(request: Request, exc: Exception) -> JSONResponse:
    """The driver's connect refused or reset (the database down or restarting) arrives as a bare ConnectionError,
    not a DBAPIError: outbound HTTP raises httpx's own errors, so in a request this is the database."""
    log.warning("database_unreachable", path=request.url.path, error=type(exc).__name__)
    return problem_response(ServiceUnavailable(UNREACHABLE))


def install_problem_handlers(app: FastAPI) -> None:
    app.add_exception_handler(Problem, _on_problem)
    app.add_exception_handler(RequestValidationError, _on_validation)
    app.add_exception_handler(StarletteHTTPException, _on_http)
    app.add_exception_handler(DBAPIError, _on_db_error)
    app.add_exception_handler(ConnectionError, _on_unreachable)
