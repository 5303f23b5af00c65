from __future__ import annotations

from hoso_shared.problems import Conflict, Forbidden, NotFound, ValidationFailed


class AccountNotFound(NotFound):
    slug, title = "account-not-found", "No such account in your subtree"


class OrgUnitNotFound(NotFound):
    slug, title = "org-unit-not-found", "No such unit in your subtree"


class LinkedProfileNotFound(NotFound):
    slug, title = "profile-not-found", "No such profile in your subtree"


class UsernameTaken(Conflict):
    slug, title = "username-taken", "The username is already in use"


class ProfileAlreadyLinked(Conflict):
    slug, title = "profile-already-linked", "The profile already has an account"


class RoleNotGrantable(Forbidden):
    slug, title = "role-not-grantable", "You may not create or manage an account with these roles"


class OwnAccount(Forbidden):
    slug, title = "own-account", "You may not do this to your own account"


class AccountShapeInvalid(ValidationFailed):
    slug, title = "account-shape-invalid", "The kind, roles, scopes and profile do not fit together"


class RequestDateInFuture(ValidationFailed):
    slug, title = "request-date-in-future", "The written request is dated after today"


class AccessUnchanged(ValidationFailed):
    slug, title = "access-unchanged", "The account already has exactly this access"


class DelegateUnfit(ValidationFailed):
    slug, title = "delegate-unfit", "A delegation goes to an enabled personal account working in the unit"


class DelegationExists(Conflict):
    slug, title = "delegation-exists", "The person already holds a delegation: revoke it first"


class DelegationNotFound(NotFound):
    slug, title = "delegation-not-found", "The person holds no delegation in your subtree"


class ServiceClientProtected(Forbidden):
    slug, title = "service-client-protected", "Service clients are managed by operators, not over HTTP"


class LastAdmin(Forbidden):
    slug, title = "last-admin", "The change would leave a unit without an enabled administrator"
