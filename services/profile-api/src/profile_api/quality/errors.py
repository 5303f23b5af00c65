from __future__ import annotations

from hoso_shared.problems import NotFound, ValidationFailed


class ProfileNotFound(NotFound):
    slug, title = "profile-not-found", "No such profile, or not yours to see"


class OrgUnitNotFound(NotFound):
    slug, title = "org-unit-not-found", "No such organisation unit, or not in your subtree"


class InvalidPeriod(ValidationFailed):
    slug, title = "invalid-period", "The period is reversed or too long"
