from __future__ import annotations

from hoso_shared.problems import Conflict, NotFound


class ChangeRequestNotFound(NotFound):
    slug, title = "change-request-not-found", "No such change request, or not yours to see"


class ChangeRequestIdReused(Conflict):
    slug, title = "change-request-id-reused", "That id belongs to a different change request"
