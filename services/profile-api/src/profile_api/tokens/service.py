"""Token issuance: the password grant for people, client credentials for systems; throttling (`throttle`) and
the last-resort account lock; the forced change of a default password."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from hoso_shared.auth import CHANGE_PASSWORD, DELEGATED_SCOPES, Principal, Role, TokenIssuer, scopes_for_roles
from hoso_shared.auth.passwords import hash_secret, hash_secret_sync, verify_secret
from hoso_shared.db.models import Account
from hoso_shared.problems import Problem
from profile_api.tokens import queries
from profile_api.tokens.errors import (
    AccountLocked,
    InvalidClient,
    InvalidGrant,
    InvalidScope,
    WeakPassword,
)
from profile_api.tokens.schemas import TokenResponse
from profile_api.tokens.throttle import Throttle

MIN_PASSWORD_LENGTH = 10
CLIENT_ROLES = {Role.hr_system.value, Role.service.value}
# Verified against when the username is unknown, so both paths cost the same time.
_DUMMY_HASH = hash_secret_sync("not a real password")


@dataclass(frozen=True)
class LoginPolicy:
    """The account-wide lock: the last resort against a slow guess spread over many addresses, high enough that
    nobody locks an owner out by accident (the per-account-and-address limit of `throttle` comes long before)."""

    max_failures: int = 50
    lockout: timedelta = timedelta(minutes=15)


def _principal(account: Account, org_path: str, scopes: set[str]) -> Principal:
    return Principal(subject=account.id, username=account.username, roles=frozenset(account.roles),
                     scopes=frozenset(scopes), org_unit_id=account.org_unit_id, org_path=org_path,
                     profile_id=account.profile_id,
                     client_id=account.username if account.kind == "client" else None,
                     clearance=account.clearance)  # set by an admin; None: the roles' default


def _respond(issuer: TokenIssuer, principal: Principal, audience: str, *, change: bool) -> TokenResponse:
    token, ttl = issuer.mint(principal=principal, audience=audience)
    return TokenResponse(access_token=token, token_type="Bearer", expires_in=ttl,  # noqa: S106
                         scope=" ".join(sorted(principal.scopes)), password_change_required=change)


@dataclass(frozen=True)
class Guard:
    """Where an attempt comes from and when, and the throttle that counts it."""

    throttle: Throttle
    source: str
    now: datetime


async def password_grant(session: AsyncSession, issuer: TokenIssuer, *, username: str, password: str,
                         audience: str, policy: LoginPolicy, guard: Guard) -> TokenResponse | Problem:
    """Returns (never raises) a Problem on failure, so the failure counts are committed with it."""
    attempt = guard.throttle.password(username, guard.source)
    if refused := await guard.throttle.refusal(session, attempt, guard.now):
        return refused
    result = await _password_grant(session, issuer, username=username, password=password, audience=audience,
                                   policy=policy, now=guard.now)
    if isinstance(result, InvalidGrant):
        await guard.throttle.failed(session, attempt, guard.now)
    elif isinstance(result, TokenResponse):
        await guard.throttle.succeeded(session, attempt)
    return result


async def _password_grant(session: AsyncSession, issuer: TokenIssuer, *, username: str, password: str,
                          audience: str, policy: LoginPolicy, now: datetime) -> TokenResponse | Problem:
    found = await queries.account_by_username(session, username)
    if found is None or found[0].kind == "client":
        await verify_secret(_DUMMY_HASH, password)
        return InvalidGrant("Wrong username or password.")
    account, org_path = found
    if account.disabled_at is not None:
        return InvalidGrant("The account is disabled.")
    if account.locked_until is not None and account.locked_until > now:
        return AccountLocked("Too many failed attempts; try again later.",
                             locked_until=account.locked_until.isoformat())
    if not await verify_secret(account.secret_hash, password):
        failed = account.failed_logins + 1
        locked = now + policy.lockout if failed >= policy.max_failures else None
        await queries.record_login(session, account, failed=0 if locked else failed, locked_until=locked)
        if locked:
            return AccountLocked("Too many failed attempts; the account is locked for a while.",
                                 locked_until=locked.isoformat())
        return InvalidGrant("Wrong username or password.")
    await queries.record_login(session, account, failed=0, locked_until=None)
    if account.must_change_password:
        scopes = {CHANGE_PASSWORD}
    else:
        scopes = scopes_for_roles(account.roles) | {CHANGE_PASSWORD}
        if await queries.holds_delegation(session, account.id):  # ủy quyền tạo lập tài khoản (Điều 9 khoản 2)
            scopes |= DELEGATED_SCOPES
    return _respond(issuer, _principal(account, org_path, scopes), audience,
                    change=account.must_change_password)


async def client_credentials_grant(session: AsyncSession, issuer: TokenIssuer, *, client_id: str,
                                   client_secret: str, requested: set[str] | None, audience: str,
                                   guard: Guard) -> TokenResponse | Problem:
    attempt = guard.throttle.client(client_id, guard.source)
    if refused := await guard.throttle.refusal(session, attempt, guard.now):
        return refused
    result = await _client_credentials_grant(session, issuer, client_id=client_id, client_secret=client_secret,
                                             requested=requested, audience=audience)
    if isinstance(result, InvalidClient):
        await guard.throttle.failed(session, attempt, guard.now)
    elif isinstance(result, TokenResponse):
        await guard.throttle.succeeded(session, attempt)
    return result


async def _client_credentials_grant(session: AsyncSession, issuer: TokenIssuer, *, client_id: str,
                                    client_secret: str, requested: set[str] | None,
                                    audience: str) -> TokenResponse | Problem:
    found = await queries.account_by_username(session, client_id)
    if found is None or found[0].kind != "client" or found[0].disabled_at is not None:
        await verify_secret(_DUMMY_HASH, client_secret)
        return InvalidClient("Unknown client or wrong secret.")
    account, org_path = found
    if not await verify_secret(account.secret_hash, client_secret):
        return InvalidClient("Unknown client or wrong secret.")
    if not set(account.roles) <= CLIENT_ROLES:
        return InvalidClient("This account may not use the client-credentials grant.")
    allowed = set(account.scopes)
    granted = allowed if requested is None else allowed & requested
    if requested is not None and requested - allowed:
        return InvalidScope("A requested scope is not granted to this client.",
                            refused=sorted(requested - allowed))
    return _respond(issuer, _principal(account, org_path, granted), audience, change=False)


async def change_password(session: AsyncSession, principal: Principal, *, current: str, new: str) -> None:
    account = await queries.account_by_id(session, principal.subject)
    if account is None or account.kind == "client":
        raise InvalidGrant("This account has no password to change.")
    if not await verify_secret(account.secret_hash, current):
        raise InvalidGrant("The current password is wrong.")
    if len(new) < MIN_PASSWORD_LENGTH or new == current or new.lower() == account.username:
        raise WeakPassword(f"Use at least {MIN_PASSWORD_LENGTH} characters, different from the old "
                           "password and the username.")
    await queries.set_secret(session, account, await hash_secret(new))
