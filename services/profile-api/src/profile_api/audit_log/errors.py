from __future__ import annotations

from hoso_shared.cursors import InvalidCursor
from hoso_shared.problems import NotFound, ValidationFailed

__all__ = ["AuditProfileNotFound", "InvalidCursor", "InvalidRange", "NoOwnRecord"]


class AuditProfileNotFound(NotFound):
    slug, title = "profile-not-found", "No such record in your subtree"


class InvalidRange(ValidationFailed):
    slug, title = "invalid-range", "The range is empty, reversed or too long"


class NoOwnRecord(NotFound):
    slug, title = "no-own-record", "This account is not linked to a record of its own"
