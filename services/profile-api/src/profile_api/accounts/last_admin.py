"""Issue 20's guard rail: no unit loses, through the API, the last enabled administrator who covers it.

An admin role (doha_admin, agency_admin) held by an enabled account covers the account's unit and everything below
it. A change that takes one away (disabling the account, dropping the role, moving the account anywhere but above
its unit) is refused unless another enabled account still covers the unit with that role or one that gives it
(doha_admin gives agency_admin): otherwise the province could be left without a doha_admin, which no route can make
again. Nobody changes their own account (`own-account`), so nobody removes their own admin rights either.

A caller manages only accounts it could have created where they sit, so its own account normally covers the unit;
the rule bites when that account was disabled or re-roled after its token was issued (tokens live 15 minutes) or
when two admins remove each other at once: `queries.queue_admin_changes` orders them, the second sees the first.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy.ext.asyncio import AsyncSession

from hoso_shared.auth import Role
from hoso_shared.db.models import Account
from profile_api.accounts import policy, queries
from profile_api.accounts.errors import LastAdmin

ADMIN_ROLES = (Role.doha_admin.value, Role.agency_admin.value)

RULE = ("Never the caller's own account (403 `own-account`: nobody removes their own admin rights), and never the "
        "last admin of a unit (403 `last-admin`): disabling an enabled account, taking away its doha_admin or "
        "agency_admin role, or moving it anywhere but above its unit is refused when no other enabled account "
        "holding that role, or one that gives it (doha_admin for agency_admin), sits at the account's unit or above.")


def covering_roles(role: str) -> frozenset[str]:
    """The roles that keep a unit administered for `role`: itself and every role that may give it."""
    givers = {granter for granter, kinds in policy.GRANTABLE.items() if any(role in given for given in kinds.values())}
    return frozenset({role, *givers})


def removed(roles_before: Iterable[str], roles_after: Iterable[str]) -> list[str]:
    """The admin roles held before that nothing held after still covers for."""
    before, after = set(roles_before), set(roles_after)
    return [role for role in ADMIN_ROLES if role in before and not covering_roles(role) & after]


async def keep_covered(session: AsyncSession, account: Account, roles_after: Iterable[str] = ()) -> None:
    """Refuses (403 `last-admin`) a change leaving `account` (locked, at its current unit) with `roles_after` (none:
    it is disabled or moves away) when a role it loses covered its unit and no other enabled account still does."""
    if account.disabled_at is not None:
        return  # a disabled account covers nothing
    path = await queries.unit_path(session, account.org_unit_id)
    for role in removed(account.roles, roles_after):
        if path is None or not await queries.admin_covers(session, path, covering_roles(role), besides=account.id):
            raise LastAdmin(f"{account.username} is the last enabled {role} of its unit and the units above it: "
                            f"give another account that role there first.", role=role,
                            org_unit_id=str(account.org_unit_id))
