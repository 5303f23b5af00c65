from __future__ import annotations

from typing import Any

from hoso_shared.problems import Problem


class InvalidGrant(Problem):
    """RFC 6749 §5.2 error codes ride along as the `error` member, so OAuth clients understand it."""

    status, slug, title = 400, "invalid-grant", "The credentials are not accepted"

    def __init__(self, detail: str | None = None, **extensions: Any) -> None:
        super().__init__(detail, error="invalid_grant", **extensions)


class AccountLocked(InvalidGrant):
    slug, title = "account-locked", "The account is locked for a while after repeated failures"


class InvalidClient(Problem):
    status, slug, title = 401, "invalid-client", "The client credentials are not accepted"

    def __init__(self, detail: str | None = None, **extensions: Any) -> None:
        super().__init__(detail, error="invalid_client", **extensions)
        self.headers = {"WWW-Authenticate": 'Basic realm="hoso-gateway"'}


class UnsupportedGrantType(Problem):
    status, slug, title = 400, "unsupported-grant-type", "The grant type is not supported"

    def __init__(self, detail: str | None = None, **extensions: Any) -> None:
        super().__init__(detail, error="unsupported_grant_type", **extensions)


class WeakPassword(Problem):
    status, slug, title = 422, "weak-password", "The new password is not acceptable"


class InvalidScope(Problem):
    status, slug, title = 400, "invalid-scope", "A requested scope is not granted"

    def __init__(self, detail: str | None = None, **extensions: Any) -> None:
        super().__init__(detail, error="invalid_scope", **extensions)


class TooManyAttempts(Problem):
    """Answered before any password is checked: no oracle, and no hashing cost for whoever is guessing."""

    status, slug, title = 429, "too-many-attempts", "Too many failed attempts"

    def __init__(self, retry_after: int) -> None:
        super().__init__(f"Đăng nhập sai quá nhiều lần; vui lòng thử lại sau {retry_after} giây. "
                         f"Too many failed attempts; try again in {retry_after} seconds.",
                         retry_after=retry_after)
        self.headers = {"Retry-After": str(retry_after)}
