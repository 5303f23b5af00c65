from __future__ import annotations

from hoso_shared.problems import NotFound


class ProgressUnitNotFound(NotFound):
    slug, title = "org-unit-not-found", "No such organisation unit (or not in your subtree)"
