"""Gói tin (QĐ 6187/QĐ-UBND Điều 13; Điều 19 khoản 1: DOHA keeps the connection to the national DB working): the
signed packets sync-gateway sends, their state, every delivery attempt with the national side's answer, the
national side's receipts (records it rejected, with the reason), and sending a dead letter again — one, or all of
them — each confirmed first. sync-gateway decides who may (`sync:operate`); these functions ask it."""

from __future__ import annotations

import uuid
from typing import Any
from urllib.parse import urlencode

from portal.api import ApiProblem, Apis
from portal.i18n import N_
from portal.sessions import PortalSession

PAGE = 50
STATES = {"queued": N_("Đang chờ gửi"), "delivered": N_("Đã gửi, chờ xác nhận"),
          "acknowledged": N_("Đã được xác nhận"), "dead": N_("Gửi không thành công")}
TAGS = {"queued": "pending", "delivered": "pending", "acknowledged": "todo", "dead": "late"}
OUTCOMES = {"accepted": N_("Tiếp nhận toàn bộ"), "partially_rejected": N_("Từ chối một phần"),
            "rejected": N_("Từ chối toàn bộ")}
RECORDS = {"packed": N_("Chờ xác nhận"), "accepted": N_("Được tiếp nhận"), "rejected": N_("Bị từ chối")}
NOT_DEAD = N_("Gói tin này không ở trạng thái gửi không thành công, nên không cần gửi lại.")


def _agency(code: str | None) -> str | None:
    return code if code and len(code) <= 64 else None


async def agencies(apis: Apis, person: PortalSession) -> dict[str, str]:
    """Unit code → name (a packet names its agency by code)."""
    tree = await apis.json(person, "profile", "GET", "/api/v1/org-units")
    return {str(u["code"]): str(u["name"]) for u in tree["items"]}


def query(state: str | None, agency: str | None, **more: str) -> str:
    pairs = {"trang-thai": state or "", "co-quan": agency or "", **more}
    return urlencode({k: v for k, v in pairs.items() if v})


async def list_page(apis: Apis, person: PortalSession, state: str | None, agency: str | None,
                    cursor: str | None) -> dict[str, Any]:
    state, agency = (state if state in STATES else None), _agency(agency)
    params: dict[str, Any] = {"limit": PAGE, **({"state": state} if state else {}),
                              **({"agency_code": agency} if agency else {}), **({"cursor": cursor} if cursor else {})}
    body = await apis.json(person, "sync", "GET", "/api/v1/packets", params=params)
    return {"rows": body["items"], "counts": body["counts"], "names": await agencies(apis, person), "state": state,
            "agency": agency, "states": STATES, "tags": TAGS, "first_page": cursor is None,
            "first": f"/goi-tin?{query(state, agency)}",
            "next": f"/goi-tin?{query(state, agency, tiep=body['next_cursor'])}" if body["next_cursor"] else None}


def rejections(receipts: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The records the national side rejected, with its reason, over every receipt (latest verdict kept)."""
    found: dict[str, dict[str, Any]] = {}
    for receipt in receipts:
        for record in receipt.get("records") or []:
            if record.get("status") == "rejected":
                found[str(record.get("record_id"))] = record
            else:
                found.pop(str(record.get("record_id")), None)
    return list(found.values())


async def packet_page(apis: Apis, person: PortalSession, packet_id: uuid.UUID) -> dict[str, Any]:
    packet = await apis.json(person, "sync", "GET", f"/api/v1/packets/{packet_id}")
    return {"packet": packet, "name": (await agencies(apis, person)).get(packet["agency_code"], ""),
            "rejected": rejections(packet["receipts"]), "states": STATES, "tags": TAGS, "outcomes": OUTCOMES,
            "records": RECORDS}


async def retry(apis: Apis, person: PortalSession, packet_id: uuid.UUID) -> str | None:
    """Send a dead letter again (under its own id: NDXP recognises one it had taken). None, or why not."""
    try:
        await apis.call(person, "sync", "POST", f"/api/v1/packets/{packet_id}/retry")
    except ApiProblem as problem:
        if problem.slug != "packet-not-dead":
            raise
        return NOT_DEAD
    return None


async def dead_count(apis: Apis, person: PortalSession, agency: str | None) -> int:
    params: dict[str, Any] = {"state": "dead", "limit": 1, **({"agency_code": agency} if agency else {})}
    body = await apis.json(person, "sync", "GET", "/api/v1/packets", params=params)
    return int(body["counts"].get("dead", 0))


async def replay(apis: Apis, person: PortalSession, agency: str | None) -> int:
    body = await apis.json(person, "sync", "POST", "/api/v1/packets/replay",
                           json={"agency_code": agency} if agency else {})
    return int(body["requeued"])
