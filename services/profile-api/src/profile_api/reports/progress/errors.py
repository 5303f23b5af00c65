from __future__ import annotations

from hoso_shared.problems import NotFound


class ProgressUnitNotFound(NotFound):
    slug, title = "org-unit-not-found", "No such organisation unit (or not in your subtree)"


class ProgressEditionNotFound(NotFound):
    slug, title = "progress-edition-not-found", "Không có bản công bố tiến độ này (no such progress edition)"
