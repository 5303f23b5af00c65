"""Clearance: the highest degree of access restriction (hoso_shared.form.levels, Quy chế Hà Nội 2024 Điều 4
khoản 3) an account reads in its own subtree. By default it follows the account's roles; an admin may set it per
account within their subtree, up to their own (Điều 18 khoản 1), and the token carries it. Beyond that, written
grants (access_grants, Điều 8 khoản 3) add reach and level, checked on every request. Why each default:
docs/access-levels.md."""

from __future__ import annotations

from hoso_shared.auth.principal import Principal
from hoso_shared.auth.scopes import Role

# Party and political records (level 3) are for the agency's and DOHA's admins, who keep the records (Điều 18
# khoản 1), and for the unit's approvers, who approve every new or changed item of its records (Điều 7) and so must
# read what they approve; clients holding `profiles:sensitive` keep level 2.
ROLE_CLEARANCE: dict[str, int] = {
    Role.doha_admin: 3, Role.agency_admin: 3, Role.approver: 3, Role.hr_system: 1, Role.officer: 0, Role.service: 0,
}
SENSITIVE_SCOPE, READ_SCOPE = "profiles:sensitive", "profiles:read"
OWN_RECORD = 3  # the person always reads their whole record


def role_clearance(roles: frozenset[str] | list[str], scopes: frozenset[str] | set[str]) -> int:
    """The default: the best of the roles', and never below what the scopes read today (a client or a lent sight
    holding `profiles:sensitive` reads level 2, one holding `profiles:read` level 1)."""
    by_role = max((ROLE_CLEARANCE.get(r, 0) for r in roles), default=0)
    by_scope = 2 if SENSITIVE_SCOPE in scopes else 1 if READ_SCOPE in scopes else 0
    return max(by_role, by_scope)


def clearance_of(principal: Principal) -> int:
    """The caller's clearance in their own subtree: the one set on their account, else their roles' default."""
    if principal.clearance is not None:
        return principal.clearance
    return role_clearance(principal.roles, principal.scopes)
