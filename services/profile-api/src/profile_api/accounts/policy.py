"""Who may create, and then manage, which accounts: pure rules that the service applies.

- doha_admin creates agency accounts (agency_admin, approver, doha_admin), personal accounts of
  any person role, and the system clients (hr_system, service) with explicitly listed scopes from
  a narrow list per client role, anywhere in its subtree (the province) (Điều 9 khoản 1).
- agency_admin creates agency accounts (agency_admin, approver) for the units *below* its own (its
  sub-units: never a peer at its own unit) and personal accounts (officer, approver) anywhere in its
  subtree (Điều 9 khoản 2).
- Either creates auditors' personal accounts (auditor: reads the audit log, never a record) in its subtree, for
  the inspection and supervision DOHA (Điều 19 khoản 6) and each agency (Điều 21 khoản 5) carry out.
- A person an admin delegated to (ủy quyền tạo lập, Điều 9 khoản 2) creates officers' personal
  accounts in the delegation's subtree (`profile_api.accounts.delegation`).
- Nobody else holds `accounts:create`, so nobody else creates anything.

Managing an existing account (disable, enable, change its roles, reset its password, move it) takes
the same right as creating it, where it sits: otherwise an agency admin could reset a fellow admin's
password and log in as them.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from hoso_shared.auth import ROLE_SCOPES, Role

CLIENT_ROLES = frozenset({Role.hr_system.value, Role.service.value})
PERSON_ROLES = frozenset({Role.officer.value, Role.approver.value, Role.agency_admin.value,
                          Role.doha_admin.value, Role.auditor.value})

GRANTABLE: dict[str, dict[str, frozenset[str]]] = {
    Role.doha_admin.value: {
        "agency": frozenset({Role.agency_admin.value, Role.approver.value, Role.doha_admin.value}),
        "person": PERSON_ROLES,
        "client": CLIENT_ROLES,
    },
    Role.agency_admin.value: {
        "agency": frozenset({Role.agency_admin.value, Role.approver.value}),
        "person": frozenset({Role.officer.value, Role.approver.value, Role.auditor.value}),
    },
}
# The kinds a granter may give only to units strictly below its own (never at its own unit).
BELOW_ONLY: dict[str, frozenset[str]] = {Role.agency_admin.value: frozenset({"agency"})}
# What a delegate (ủy quyền tạo lập tài khoản cá nhân) may create.
DELEGATED_KIND, DELEGATED_ROLES = "person", frozenset({Role.officer.value})

# The most a client of each role may be given; each client lists the subset it needs.
CLIENT_SCOPES: dict[str, frozenset[str]] = {
    Role.hr_system.value: ROLE_SCOPES[Role.hr_system],
    Role.service.value: frozenset({"profiles:read", "profiles:apply", "org-units:read", "change-requests:read",
                                   "change-requests:return"}),
}


def grantable_roles(granter_roles: Iterable[str], kind: str, *, at_own_unit: bool = False) -> frozenset[str]:
    """The roles the granter may give an account of `kind`; `at_own_unit`: placed at the granter's own unit."""
    found: set[str] = set()
    for role in granter_roles:
        if at_own_unit and kind in BELOW_ONLY.get(role, frozenset()):
            continue
        found |= GRANTABLE.get(role, {}).get(kind, frozenset())
    return frozenset(found)


def may_grant(granter_roles: Iterable[str], kind: str, roles: Iterable[str], *, at_own_unit: bool = False) -> bool:
    wanted = set(roles)
    return bool(wanted) and wanted <= grantable_roles(granter_roles, kind, at_own_unit=at_own_unit)


def may_delegate(granter_roles: Iterable[str]) -> bool:
    """Only someone who may create officers' personal accounts can lend that power."""
    return may_grant(granter_roles, DELEGATED_KIND, DELEGATED_ROLES)


def delegated(kind: str, roles: Iterable[str]) -> bool:
    """Is this an account a delegate may create?"""
    return kind == DELEGATED_KIND and set(roles) == DELEGATED_ROLES


def shape_problem(kind: str, roles: Sequence[str], scopes: Sequence[str], *, has_profile: bool) -> str | None:
    """Why kind, roles, scopes and profile link do not fit together; None when they do."""
    if kind == "client":
        return _client_problem(roles, scopes, has_profile=has_profile)
    if set(roles) & CLIENT_ROLES:
        return "hr_system and service are roles of clients (kind client)."
    if scopes:
        return "People and agencies get their roles' scopes; list none."
    if Role.officer.value in roles and kind != "person":
        return "An officer's account is a personal one (kind person)."
    if has_profile and kind != "person":
        return "Only a personal account is linked to a profile."
    return None


def _client_problem(roles: Sequence[str], scopes: Sequence[str], *, has_profile: bool) -> str | None:
    if len(roles) != 1 or roles[0] not in CLIENT_ROLES:
        return "A client has exactly one role: hr_system or service."
    if not scopes:
        return "A client gets exactly the scopes listed for it; list at least one."
    refused = set(scopes) - CLIENT_SCOPES[roles[0]]
    if refused:
        return f"Not for a {roles[0]} client: {', '.join(sorted(refused))}."
    if has_profile:
        return "A client is not linked to a profile."
    return None
