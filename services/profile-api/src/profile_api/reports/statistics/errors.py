from __future__ import annotations

from hoso_shared.problems import NotFound, ValidationFailed


class OrgUnitNotFound(NotFound):
    slug, title = "org-unit-not-found", "No such organisation unit, or not in your subtree"


class InvalidPeriod(ValidationFailed):
    slug, title = "invalid-period", "The period is reversed"
