"""Who read the sensitive parts of my record (issue 21 item 4): profile-api's `GET /api/v1/me/record-reads`, the
person's own record only, shaped for the page — each read's time, the parts in the form's words, the reader's role
in the account screens' words and unit. Never the reader's name: the API does not give it."""

from __future__ import annotations

from typing import Any

from hoso_shared.form import layout
from portal.accounts.labels import ROLES
from portal.api import Apis
from portal.i18n import N_
from portal.sessions import PortalSession

SYSTEM = N_("Hệ thống (tự động)")
YOU = N_("Chính bạn")


def reader_roles(roles: list[str]) -> list[str]:
    """The reader's roles as the account screens name them (msgids: the page translates them)."""
    return [SYSTEM if r == "system" else ROLES.get(r, r) for r in roles]


async def reads_page(apis: Apis, person: PortalSession, cursor: str | None) -> dict[str, Any]:
    params: dict[str, Any] = {"limit": 50}
    if cursor:
        params["cursor"] = cursor
    page = await apis.json(person, "profile", "GET", "/api/v1/me/record-reads", params=params)
    reads = [{"at": r["at"], "parts": [layout.label_of(p) for p in r["parts"]], "by_you": r["by_you"],
              "roles": reader_roles(r["reader_roles"]), "unit": r["reader_unit_name"]} for r in page["items"]]
    return {"reads": reads, "next_cursor": page["next_cursor"], "first": cursor is None, "you": YOU}
