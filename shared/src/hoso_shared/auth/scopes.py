"""Roles and the scopes each role's token carries. Scopes name what; the org subtree names where."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    doha_admin = "doha_admin"
    agency_admin = "agency_admin"
    approver = "approver"
    officer = "officer"
    hr_system = "hr_system"
    service = "service"


# The only scope a token carries while its account still has a default password.
CHANGE_PASSWORD = "account:password"  # noqa: S105 - a scope name, not a secret

ROLE_SCOPES: dict[Role, frozenset[str]] = {
    Role.doha_admin: frozenset({
        "profiles:read", "profiles:write", "profiles:sensitive", "org-units:read", "org-units:write",
        "accounts:read", "accounts:write", "change-requests:read", "change-requests:decide",
        "sync-batches:read", "sync-batches:decide", "sync:operate", "reports:read", "quality:read",
        "approval-windows:write",
    }),
    Role.agency_admin: frozenset({
        "profiles:read", "profiles:write", "profiles:sensitive", "org-units:read", "accounts:read",
        "accounts:write", "change-requests:read", "change-requests:write", "sync-batches:read",
        "sync-batches:submit", "reports:read", "quality:read",
    }),
    Role.approver: frozenset({
        "profiles:read", "profiles:sensitive", "org-units:read", "change-requests:read",
        "change-requests:decide", "sync-batches:read", "quality:read",
    }),
    # An officer's reads and writes are narrowed further to their own record.
    Role.officer: frozenset({"profiles:read:self", "change-requests:write:self", "account:password"}),
    Role.hr_system: frozenset({"profiles:read", "profiles:write", "org-units:read", "change-requests:write"}),
    Role.service: frozenset(),  # a service client gets exactly the scopes on its account
}


def scopes_for_roles(roles: list[str]) -> set[str]:
    granted: set[str] = set()
    for name in roles:
        granted |= ROLE_SCOPES.get(Role(name), frozenset())
    return granted
