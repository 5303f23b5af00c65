"""How the portal answers what goes wrong: a person who must sign in (again) or change their password is sent
there; an API's refusal or absence becomes a page in the person's language that never shows data."""

from __future__ import annotations

from fastapi import FastAPI, Request, Response
from fastapi.exceptions import RequestValidationError

from hoso_shared.logging import get_logger
from portal.api import ApiDown, ApiProblem, SignedOut
from portal.collaborators import Collaborators
from portal.i18n import N_
from portal.web import CsrfRefused, NeedsNewPassword, NeedsSignIn, redirect, render, sign_in_path, visitor

log = get_logger("portal")
# An API's refusal as the person reads it: (heading, message) by status.
PROBLEMS = {
    403: (N_("Không có quyền"), N_("Tài khoản của bạn không được làm việc này.")),
    404: (N_("Không tìm thấy"), N_("Không có trang hoặc hồ sơ này, hoặc bạn không được xem.")),
    409: (N_("Không thực hiện được"), N_("Việc này không còn thực hiện được ở trạng thái hiện tại.")),
}


def install_handlers(app: FastAPI, wiring: Collaborators) -> None:
    async def page(request: Request, heading: str, message: str, status: int, detail: str | None = None) -> Response:
        return await render(request, wiring, await visitor(request), "error.html",
                            {"heading": heading, "message": message, "detail": detail}, status_code=status)

    @app.exception_handler(NeedsSignIn)
    async def sign_in_first(request: Request, exc: NeedsSignIn) -> Response:
        return redirect(request, sign_in_path(exc.next_path))

    @app.exception_handler(NeedsNewPassword)
    async def new_password_first(request: Request, exc: NeedsNewPassword) -> Response:
        return redirect(request, "/password")

    @app.exception_handler(SignedOut)
    async def signed_out(request: Request, exc: SignedOut) -> Response:
        session = await visitor(request)
        wiring.sessions.end(session.id)
        request.scope["portal_session"] = None
        return redirect(request, sign_in_path(request.url.path))

    @app.exception_handler(CsrfRefused)
    async def csrf_refused(request: Request, exc: CsrfRefused) -> Response:
        return await page(request, N_("Phiên làm việc không hợp lệ"),
                          N_("Biểu mẫu đã cũ hoặc không gửi từ trang này. Hãy mở lại trang và thử lại."), 403)

    @app.exception_handler(ApiDown)
    async def api_down(request: Request, exc: ApiDown) -> Response:
        log.warning("api_down", reason=str(exc))
        return await page(request, N_("Hệ thống đang bận"),
                          N_("Chưa thực hiện được, không có gì bị thay đổi. Vui lòng thử lại sau ít phút."), 503)

    @app.exception_handler(RequestValidationError)
    async def not_understood(request: Request, exc: RequestValidationError) -> Response:
        """A malformed address (a record id that is no id) is a page that does not exist; a malformed form, a
        request this page cannot take. Never FastAPI's JSON."""
        if any(error.get("loc", ("",))[0] == "path" for error in exc.errors()):
            return await page(request, *PROBLEMS[404], 404)
        return await page(request, N_("Không thực hiện được"), N_("Yêu cầu không hợp lệ."), 400)

    @app.exception_handler(ApiProblem)
    async def api_problem(request: Request, exc: ApiProblem) -> Response:
        heading, message = PROBLEMS.get(exc.status, (N_("Không thực hiện được"), N_("Yêu cầu không hợp lệ.")))
        return await page(request, heading, message, exc.status, exc.detail)

