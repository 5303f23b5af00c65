"""Signing in through profile-api's token endpoint (the password grant), changing the password, signing out.
The portal keeps the token in the server-side session; the browser never sees it."""

from __future__ import annotations

from datetime import datetime, timedelta

from portal.api import ApiProblem, Apis
from portal.i18n import N_
from portal.sessions import PortalSession, SessionStore

# profile-api's refusals, in words a person understands (the API's own English detail is kept for English).
REFUSALS = {
    "invalid-grant": N_("Tên đăng nhập hoặc mật khẩu không đúng."),
    "account-locked": N_("Tài khoản tạm khóa do nhập sai mật khẩu nhiều lần. Vui lòng thử lại sau ít phút."),
    "account-disabled": N_("Tài khoản đã bị khóa. Liên hệ bộ phận tổ chức cán bộ của cơ quan."),
    "too-many-attempts": N_("Đăng nhập sai quá nhiều lần từ nơi này. Vui lòng đợi ít phút rồi thử lại."),
    "weak-password": N_("Mật khẩu mới chưa đủ mạnh: dùng ít nhất 10 ký tự và khác mật khẩu cũ."),
}


def refusal(problem: ApiProblem, lang: str) -> str:
    said = REFUSALS.get(problem.slug)
    if lang == "vi" and said:
        return said
    return problem.detail or N_("Không thực hiện được. Vui lòng thử lại.")


async def sign_in(apis: Apis, store: SessionStore, session: PortalSession, username: str, password: str,
                  now: datetime, client_ip: str | None = None) -> PortalSession:
    """A fresh session holding the person's token (the old id forgotten: no fixation). Raises ApiProblem.
    The person's own address goes along (`X-Forwarded-For`), so profile-api throttles failures per browser, not
    per portal: list the portal in profile-api's HOSO_TRUSTED_PROXIES."""
    token = await apis.json(None, "profile", "POST", "/api/v1/auth/token",
                            headers={"X-Forwarded-For": client_ip} if client_ip else None,
                            data={"grant_type": "password", "username": username, "password": password})
    fresh = store.rotate(session, now)
    fresh.token = token["access_token"]
    fresh.token_expires_at = now + timedelta(seconds=int(token["expires_in"]))
    fresh.username = username
    fresh.scopes = frozenset(token["scope"].split())
    fresh.must_change_password = bool(token["password_change_required"])
    if not fresh.must_change_password:
        me = await apis.json(fresh, "profile", "GET", "/api/v1/me")
        fresh.roles = frozenset(me["roles"])
        fresh.subject = str(me["subject"])
    return fresh


async def change_password(apis: Apis, session: PortalSession, current: str, new: str) -> None:
    await apis.call(session, "profile", "POST", "/api/v1/auth/password",
                    json={"current_password": current, "new_password": new})
