"""Keyset cursors for lists ordered by (time, id): the last row's pair as an opaque string, and back. A cursor
that did not come from a list is the client's error (422), never a 500."""

from __future__ import annotations

import base64
import binascii
import uuid
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import TypeVar

from hoso_shared.problems import ValidationFailed

T = TypeVar("T")


class InvalidCursor(ValidationFailed):
    slug, title = "invalid-cursor", "The cursor is not one this list gave"


def encode(at: datetime, ident: uuid.UUID) -> str:
    return base64.urlsafe_b64encode(f"{at.isoformat()}|{ident}".encode()).decode()


def decode(cursor: str) -> tuple[datetime, uuid.UUID]:
    try:
        at, _, ident = base64.urlsafe_b64decode(cursor.encode()).decode().partition("|")
        return datetime.fromisoformat(at), uuid.UUID(ident)
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise InvalidCursor() from None


def following(found: Sequence[T], limit: int, key: Callable[[T], tuple[datetime, uuid.UUID]]) -> str | None:
    """The cursor of the next page, given a page read with `limit + 1` rows (the extra one says there is more)."""
    return encode(*key(found[limit - 1])) if len(found) > limit else None
