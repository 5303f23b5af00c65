from __future__ import annotations

from hoso_shared.problems import Conflict, Forbidden, NotFound, Problem, ValidationFailed


class ProfileNotFound(NotFound):
    slug, title = "profile-not-found", "No such profile, or not yours to see"


class OrgUnitNotFound(NotFound):
    slug, title = "org-unit-not-found", "No such organisation unit, or not in your subtree"


class VersionNotFound(NotFound):
    slug, title = "version-not-found", "No such version of this profile"


class InvalidCursor(Problem):
    status, slug, title = 400, "invalid-cursor", "The page cursor is not valid"


class CitizenIdTaken(Conflict):
    slug, title = "citizen-id-taken", "A profile with this citizen ID already exists"


class InvalidSection(ValidationFailed):
    slug, title = "invalid-section", "A repeating table is unknown or one of its rows is not valid"


class LegacyNotMappable(ValidationFailed):
    slug, title = "legacy-not-mappable", "The legacy record cannot be mapped into the current form"


class LevelWithheld(Forbidden):
    slug, title = "level-withheld", "Above the degree of access restriction you may read"
