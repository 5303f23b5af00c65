from __future__ import annotations

from hoso_shared.problems import NotFound, Problem


class ProfileNotFound(NotFound):
    slug, title = "profile-not-found", "No such profile, or not yours to see"


class InvalidCursor(Problem):
    status, slug, title = 400, "invalid-cursor", "The page cursor is not valid"
