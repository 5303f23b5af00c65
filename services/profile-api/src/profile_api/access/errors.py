"""The refusals of grants and clearances, as RFC 9457 problems (details Vietnamese first)."""

from __future__ import annotations

from hoso_shared.problems import Conflict, Forbidden, NotFound, ValidationFailed


class GrantNotFound(NotFound):
    slug, title = "access-grant-not-found", "No such access grant over your subtree"


class GranteeNotFound(NotFound):
    slug, title = "grantee-not-found", "No such account to grant access to"


class TargetNotFound(NotFound):
    slug, title = "grant-target-not-found", "The unit or people granted are not in your subtree"


class EvidenceNotFound(NotFound):
    slug, title = "evidence-not-found", "No such scanned decision in your subtree"


class AboveClearance(Forbidden):
    slug, title = "above-clearance", "You may not give a level above your own clearance"


class OwnAccess(Forbidden):
    slug, title = "own-access", "You may not grant or set your own access"


class GrantInvalid(ValidationFailed):
    slug, title = "access-grant-invalid", "The grant's dates or decision do not fit together"


class GrantRevoked(Conflict):
    slug, title = "access-grant-revoked", "The grant is already revoked"
