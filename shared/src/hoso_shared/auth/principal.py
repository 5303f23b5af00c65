"""Who is calling, what they may do (scopes) and where (their org subtree)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Principal:
    subject: uuid.UUID  # the account id
    username: str
    roles: frozenset[str]
    scopes: frozenset[str]
    org_unit_id: uuid.UUID
    org_path: str  # "/<root id>/…/<own unit id>/": the subtree this principal may act in
    profile_id: uuid.UUID | None = None
    client_id: str | None = field(default=None)
    # The account's clearance in its subtree (max degree of access restriction it reads, 0–3); None: its roles'
    # default (`auth.clearance.clearance_of`). Carried by the token, so it is refreshed at each login.
    clearance: int | None = field(default=None)

    def has_scopes(self, *needed: str) -> bool:
        return all(s in self.scopes for s in needed)

    def covers(self, org_path: str) -> bool:
        """True when a unit with `org_path` lies inside this principal's subtree."""
        return org_path.startswith(self.org_path)
