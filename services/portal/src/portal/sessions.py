"""Server-side sessions: the browser holds only a random id (cookie `hoso_session`, HttpOnly, SameSite=Strict);
the person's access token, their CSRF token and language stay here, in this process. An id is rotated at sign-in
(no fixation), and a session ends on sign-out, after `idle` without a request, or when the access token expires.

One process keeps its own sessions: run one portal replica, or route each person to the same one (sticky
sessions); a restart signs everyone out, which loses nothing (every write is in the APIs)."""

from __future__ import annotations

import hmac
import secrets
from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

COOKIE = "hoso_session"


@dataclass
class PortalSession:
    id: str
    csrf: str
    created_at: datetime
    seen_at: datetime
    lang: str
    token: str | None = None  # the person's access token (None: not signed in)
    token_expires_at: datetime | None = None
    username: str | None = None
    roles: frozenset[str] = frozenset()
    scopes: frozenset[str] = frozenset()
    must_change_password: bool = False
    flash: list[str] = field(default_factory=list)  # one-time status messages for the next page
    badge: tuple[int, datetime] | None = None  # the header's task count, and when it was asked
    subject: str | None = None  # the account's id (GET /api/v1/me): whose requests are the person's own
    # Changes being proposed, by draft id, oldest first (portal.changes.drafts keeps at most a few).
    drafts: OrderedDict[str, Any] = field(default_factory=OrderedDict)

    @property
    def signed_in(self) -> bool:
        return self.token is not None

    def csrf_matches(self, given: str | None) -> bool:
        return given is not None and hmac.compare_digest(given.encode(), self.csrf.encode())


class SessionStore:
    def __init__(self, *, idle: timedelta, capacity: int) -> None:
        self._sessions: OrderedDict[str, PortalSession] = OrderedDict()
        self._idle, self._capacity = idle, capacity

    def new(self, now: datetime, lang: str) -> PortalSession:
        session = PortalSession(id=secrets.token_urlsafe(32), csrf=secrets.token_urlsafe(32), created_at=now,
                                seen_at=now, lang=lang)
        self._sessions[session.id] = session
        while len(self._sessions) > self._capacity:
            self._sessions.popitem(last=False)  # the least recently seen
        return session

    def get(self, session_id: str | None, now: datetime) -> PortalSession | None:
        session = self._sessions.get(session_id) if session_id else None
        if session is None:
            return None
        expired = now - session.seen_at > self._idle or (
            session.token_expires_at is not None and now >= session.token_expires_at)
        if expired:
            self.end(session.id)
            return None
        session.seen_at = now
        self._sessions.move_to_end(session.id)
        return session

    def rotate(self, session: PortalSession, now: datetime) -> PortalSession:
        """A new id and CSRF token for the same visitor (at sign-in), the old id forgotten."""
        self.end(session.id)
        fresh = self.new(now, session.lang)
        fresh.flash = session.flash
        return fresh

    def end(self, session_id: str) -> None:
        self._sessions.pop(session_id, None)
