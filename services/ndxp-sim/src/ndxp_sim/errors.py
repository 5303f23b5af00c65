"""Errors of the national-facing routes. They imitate the national side (docs/ndxp.md), so their
body is the plain `{"error": "<code>"}` the contract names, not our problem+json; the admin routes
keep problem+json."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

from hoso_shared.problems import ValidationFailed, problem_response

# Paths that play the national side; everything else is ours (admin, ops).
NATIONAL_PREFIXES = ("/oauth/", "/lgsp/", "/ndxp/", "/population/", "/cbccvc/")


class NdxpError(Exception):
    def __init__(self, status: int, error: str, *, headers: Mapping[str, str] | None = None,
                 **extra: Any) -> None:
        super().__init__(error)
        self.status, self.error, self.headers, self.extra = status, error, dict(headers or {}), extra

    def response(self) -> JSONResponse:
        return JSONResponse({"error": self.error, **self.extra}, status_code=self.status, headers=self.headers)


def error_schema(description: str) -> dict[str, Any]:
    """A `responses=` entry for a plain national error."""
    return {"description": description, "content": {"application/json": {"schema": {
        "type": "object", "properties": {"error": {"type": "string"}}, "required": ["error"]}}}}


# What the injected faults answer, on every national data route.
FAULT_RESPONSES: dict[int | str, dict[str, Any]] = {
    500: error_schema("injected fault: internal_error"),
    503: error_schema("injected fault: unavailable (Retry-After: 1)"),
    504: error_schema("injected fault: timeout, after hanging `timeout_seconds`"),
}


async def _on_ndxp_error(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, NdxpError)
    return exc.response()


async def _on_validation(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = [{"loc": list(e.get("loc", ())), "msg": e.get("msg", ""), "type": e.get("type", "")}
              for e in exc.errors()]
    if request.url.path.startswith(NATIONAL_PREFIXES):
        return NdxpError(400, "malformed", detail=errors).response()
    return problem_response(ValidationFailed(errors=errors))


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(NdxpError, _on_ndxp_error)
    app.add_exception_handler(RequestValidationError, _on_validation)  # replaces the shared one
