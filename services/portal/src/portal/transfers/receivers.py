"""Cơ quan tiếp nhận (issue 16, item 3): the sender chooses the receiving agency from a searchable directory
(`GET /api/v1/transfers/receivers`: current agencies outside the sender's subtree, names and codes only) instead of
typing its id. No JavaScript: a GET search narrows the list the proposal form's select offers, and the search
travels with the form, so a refused proposal shows the same list with the same choice."""

from __future__ import annotations

from typing import Any

from portal.api import Apis
from portal.i18n import nfc
from portal.sessions import PortalSession

LIMIT = 100  # agencies a select offers; a search narrows the rest


async def directory(apis: Apis, person: PortalSession, typed: str | None) -> dict[str, Any]:
    search = nfc(typed or "").strip()
    params: dict[str, Any] = {"limit": LIMIT, **({"q": search} if search else {})}
    body = await apis.json(person, "profile", "GET", "/api/v1/transfers/receivers", params=params)
    return {"receivers": [(str(u["id"]), f"{u['name']} ({u['code']})") for u in body["items"]],
            "more_receivers": body["next_cursor"] is not None, "receiver_search": search}
