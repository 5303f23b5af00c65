"""Roles and the scopes each role's token carries. Scopes name what; the org subtree names where.

Who does what (Quy chế Hà Nội 2024):
- doha_admin (Sở Nội vụ, sitting at the province's root): the whole province. Creates agency accounts (Điều 9
  khoản 1), keeps the organisation tree and the working-day calendar, decides sync batches (Điều 14 khoản 2).
- agency_admin (an agency account, tài khoản cơ quan): its own subtree. Creates agency accounts for its sub-units
  and personal accounts for its people, or delegates the latter to named HR staff (Điều 9 khoản 2); restricts,
  extends or revokes their access (Điều 18 khoản 1); records the restructuring of its subtree (Điều 21 khoản 2);
  submits its monthly sync batch (Điều 15 khoản 1); proposes moving its people to another agency with the
  decision, and accepts or refuses the people other agencies send it (Điều 12 khoản 1 điểm a).
- DOHA's own unit syncs like any sở: through an agency account (agency_admin) at that unit. doha_admin holds no
  `sync-batches:submit`, so the account that submits a batch is never the one that decides it.
- auditor (thanh tra, kiểm tra, giám sát: DOHA's for the province, Điều 19 khoản 6; an agency's for its subtree,
  Điều 21 khoản 5): reads the audit log of its subtree (who saw and changed what) and verifies its hash chain
  (`GET /api/v1/audit`, `/api/v1/audit/verify`). No `profiles:read`: the auditor sees who read a record, never
  the record itself. A personal account, created by DOHA or an agency admin in their subtree like any other.
"""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    doha_admin = "doha_admin"
    agency_admin = "agency_admin"
    approver = "approver"
    officer = "officer"
    hr_system = "hr_system"
    service = "service"
    auditor = "auditor"


# The only scope a token carries while its account still has a default password.
CHANGE_PASSWORD = "account:password"  # noqa: S105 - a scope name, not a secret
# Creating accounts. An admin's role carries it; a person holding an active delegation to create personal
# accounts (ủy quyền tạo lập, Điều 9 khoản 2) gets it on their token too (profile-api checks the delegation again
# on every use, so a revoked delegation stops at once).
CREATE_ACCOUNTS = "accounts:create"
DELEGATED_SCOPES = frozenset({CREATE_ACCOUNTS})

ROLE_SCOPES: dict[Role, frozenset[str]] = {
    Role.doha_admin: frozenset({
        "profiles:read", "profiles:write", "profiles:sensitive", "org-units:read", "org-units:write",
        "accounts:read", "accounts:create", "accounts:write", "change-requests:read", "change-requests:decide",
        "sync-batches:read", "sync-batches:decide", "sync:operate", "reports:read", "quality:read",
        "approval-windows:write", "calendar:write", "transfers:write", "transfers:decide", "transfers:national",
    }),
    Role.agency_admin: frozenset({
        "profiles:read", "profiles:write", "profiles:sensitive", "org-units:read", "org-units:write",
        "accounts:read", "accounts:create", "accounts:write", "change-requests:read", "change-requests:write",
        "sync-batches:read", "sync-batches:submit", "reports:read", "quality:read", "transfers:write",
        "transfers:decide",
    }),
    Role.approver: frozenset({
        "profiles:read", "profiles:sensitive", "org-units:read", "change-requests:read",
        "change-requests:decide", "sync-batches:read", "quality:read",
    }),
    # An officer's reads and writes are narrowed further to their own record.
    Role.officer: frozenset({"profiles:read:self", "change-requests:write:self", "account:password"}),
    Role.hr_system: frozenset({"profiles:read", "profiles:write", "org-units:read", "change-requests:write"}),
    Role.service: frozenset(),  # a service client gets exactly the scopes on its account
    Role.auditor: frozenset({"audit:read", "org-units:read"}),
}


def scopes_for_roles(roles: list[str]) -> set[str]:
    granted: set[str] = set()
    for name in roles:
        granted |= ROLE_SCOPES.get(Role(name), frozenset())
    return granted
