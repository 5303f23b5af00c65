from __future__ import annotations

from hoso_shared.problems import NotFound, ValidationFailed


class OrgUnitNotFound(NotFound):
    slug, title = "org-unit-not-found", "No such organisation unit, or not in your subtree"


class InvalidPeriod(ValidationFailed):
    slug, title = "invalid-period", "The period is reversed"


class NotSignable(ValidationFailed):
    slug, title = "format-not-signable", "Only format=json is signed on request; the PDF is always signed"
