"""Chuyển giao, tiếp nhận (QĐ 6187/QĐ-UBND Điều 12): the transfers an agency sent and those addressed to it, one
transfer set out for its receiver (the proposal: who, from where, by which decision — never the record until it is
accepted), and the receiver's acceptance or refusal, the sender's withdrawal, DOHA's national hand-over. profile-api
decides who sees and does what (`/api/v1/transfers`); these functions ask it and shape its answers for the pages."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from portal.api import ApiProblem, Apis
from portal.i18n import N_, nfc
from portal.sessions import PortalSession

PAGE = 25
STATES = {"proposed": N_("Chờ tiếp nhận"), "accepted": N_("Đã tiếp nhận"), "refused": N_("Bị từ chối"),
          "cancelled": N_("Đã hủy"), "reported": N_("Chờ Sở Nội vụ chuyển giao"),
          "handed_over": N_("Đã chuyển giao về Cơ sở dữ liệu quốc gia")}
TAGS = {"proposed": "pending", "reported": "pending", "refused": "late", "cancelled": "todo", "accepted": "todo",
        "handed_over": "todo"}
KINDS = {"between_agencies": N_("Điều chuyển sang cơ quan khác trong thành phố"),
         "to_central_body": N_("Chuyển công tác về cơ quan trung ương")}
# The list's address says "den" (addressed to us) or "di" (sent by us); profile-api's words for them.
DIRECTIONS = {"den": "incoming", "di": "outgoing"}
# The steps' path segment → profile-api's action.
STEPS = {"tiep-nhan": "accept", "tu-choi": "refuse", "huy": "cancel", "chuyen-giao": "hand-over"}
TITLES = {"accept": N_("Tiếp nhận người được điều chuyển đến"), "refuse": N_("Từ chối tiếp nhận"),
          "cancel": N_("Hủy đề nghị điều chuyển"), "hand-over": N_("Ghi nhận đã chuyển giao dữ liệu")}
DONE = {"accept": N_("Đã tiếp nhận. Hồ sơ và tài khoản của người này đã chuyển về đơn vị của bạn."),
        "refuse": N_("Đã từ chối tiếp nhận; cơ quan gửi sẽ thấy lý do."),
        "cancel": N_("Đã hủy đề nghị điều chuyển; hồ sơ vẫn thuộc đơn vị của bạn."),
        "hand-over": N_("Đã ghi nhận việc chuyển giao dữ liệu về Cơ sở dữ liệu quốc gia.")}
NEEDS = {"refuse": N_("Nhập lý do từ chối, để cơ quan gửi biết."),
         "hand-over": N_("Nhập số hiệu văn bản hoặc mã giao dịch chuyển giao.")}
REFUSALS = {
    "transfer-not-open": N_("Đề nghị này đã được xử lý, không còn chờ bước này."),
    "not-the-receiver": N_("Chỉ cơ quan tiếp nhận (hoặc Sở Nội vụ) mới tiếp nhận hoặc từ chối."),
    "not-the-sender": N_("Chỉ cơ quan gửi (hoặc Sở Nội vụ) mới hủy đề nghị."),
    "invalid-receiver": N_("Chọn đơn vị được đề nghị hoặc một đơn vị trực thuộc đơn vị đó."),
    "profile-archived": N_("Hồ sơ này đã lưu trữ, không chuyển được nữa."),
}
FIELDS = {"invalid-receiver": "org_unit_id"}
UNKNOWN = N_("Không thực hiện được. Vui lòng thử lại.")


def not_found() -> ApiProblem:
    return ApiProblem(404, {"title": "Not found"})


def step_action(step: str) -> str:
    if step not in STEPS:
        raise not_found()
    return STEPS[step]


@dataclass(frozen=True)
class Filters:
    direction: str | None = None  # "den" | "di"
    state: str | None = None

    @classmethod
    def parse(cls, direction: str | None, state: str | None) -> Filters:
        """Lenient: what is not a choice is no filter."""
        return cls(direction if direction in DIRECTIONS else None, state if state in STATES else None)

    def query(self, **more: str) -> str:
        pairs = {"huong": self.direction or "", "trang-thai": self.state or "", **more}
        return urlencode({k: v for k, v in pairs.items() if v})


async def own_units(apis: Apis, person: PortalSession) -> list[dict[str, Any]]:
    """The units of the caller's subtree (tree order), whose ids another agency names to send someone here."""
    tree = await apis.json(person, "profile", "GET", "/api/v1/org-units")
    return list(tree["items"])


def side(transfer: dict[str, Any], units: set[str]) -> dict[str, bool]:
    """Which end of the transfer the caller stands at (DOHA, over the whole province, at both)."""
    to_unit = transfer.get("to_unit") or {}
    return {"receiver": str(to_unit.get("id")) in units, "sender": str(transfer["from_unit"]["id"]) in units}


async def list_page(apis: Apis, person: PortalSession, filters: Filters, cursor: str | None) -> dict[str, Any]:
    params: dict[str, Any] = {"limit": PAGE}
    if filters.direction:
        params["direction"] = DIRECTIONS[filters.direction]
    if filters.state:
        params["state"] = filters.state
    if cursor:
        params["cursor"] = cursor
    body = await apis.json(person, "profile", "GET", "/api/v1/transfers", params=params)
    units = await own_units(apis, person)
    ids = {str(u["id"]) for u in units}
    rows = [{**t, "side": side(t, ids)} for t in body["items"]]
    return {"rows": rows, "filters": filters, "states": STATES, "tags": TAGS, "kinds": KINDS,
            "own": units[0] if units else None, "units": units, "first_page": cursor is None,
            "next": f"/dieu-chuyen?{filters.query(tiep=body['next_cursor'])}" if body["next_cursor"] else None}


async def read(apis: Apis, person: PortalSession, transfer_id: uuid.UUID) -> dict[str, Any]:
    """One transfer; one the caller may not see is the API's 404 page."""
    found: dict[str, Any] = await apis.json(person, "profile", "GET", f"/api/v1/transfers/{transfer_id}")
    return found


def may(transfer: dict[str, Any], at: dict[str, bool], scopes: frozenset[str]) -> dict[str, bool]:
    """The steps the page offers (profile-api checks each again)."""
    proposed, reported = transfer["state"] == "proposed", transfer["state"] == "reported"
    decide = proposed and at["receiver"] and "transfers:decide" in scopes
    return {"accept": decide, "refuse": decide, "cancel": proposed and at["sender"] and "transfers:write" in scopes,
            "hand-over": reported and "transfers:national" in scopes}


async def transfer_page(apis: Apis, person: PortalSession, transfer_id: uuid.UUID) -> dict[str, Any]:
    transfer = await read(apis, person, transfer_id)
    ids = {str(u["id"]) for u in await own_units(apis, person)}
    at = side(transfer, ids)
    return {"transfer": transfer, "side": at, "may": may(transfer, at, person.scopes), "states": STATES,
            "tags": TAGS, "kinds": KINDS, "steps": {v: k for k, v in STEPS.items()},
            "record_seen": record_seen(transfer, at)}


def record_seen(transfer: dict[str, Any], at: dict[str, bool]) -> bool:
    """Whether the caller may open the record itself: the sender until it is accepted, the receiver once it is
    (Điều 12 khoản 1 điểm a: the record moves on acceptance; until then the receiver sees the proposal only)."""
    accepted = transfer["state"] == "accepted"
    return (at["receiver"] and at["sender"]) or (accepted and at["receiver"]) or (not accepted and at["sender"])


async def placements(apis: Apis, person: PortalSession, transfer: dict[str, Any]) -> list[tuple[str, str]]:
    """Where the receiver may place the person, (id, name): the proposed unit or a unit under it (tree order)."""
    to_unit = transfer.get("to_unit")
    if not to_unit:
        return []
    tree = await apis.json(person, "profile", "GET", "/api/v1/org-units", params={"root_id": to_unit["id"]})
    return [(str(u["id"]), str(u["name"])) for u in tree["items"]]


async def step_page(apis: Apis, person: PortalSession, transfer_id: uuid.UUID, step: str, *,
                    offered: bool = True) -> dict[str, Any]:
    """A step's confirmation, offered only when the page would offer the step (`offered`; False: the page that
    says why the step just failed)."""
    action = step_action(step)
    page = await transfer_page(apis, person, transfer_id)
    if offered and not page["may"][action]:
        raise ApiProblem(409, {"title": "Not open"})
    places = await placements(apis, person, page["transfer"]) if action == "accept" else []
    return {**page, "action": action, "step": step, "title": TITLES[action], "places": places}


@dataclass
class Outcome:
    done: str | None = None
    errors: dict[str, str] = field(default_factory=dict)
    refusal: str | None = None
    status: int = 400


def _body(action: str, text: str, org_unit_id: str) -> dict[str, Any] | None:
    if action == "refuse":
        return {"reason": text}
    if action == "hand-over":
        return {"reference": text}
    if action == "accept" and org_unit_id:
        return {"org_unit_id": org_unit_id}
    return None


async def decide(apis: Apis, person: PortalSession, transfer_id: uuid.UUID, step: str, text: str,
                 org_unit_id: str) -> Outcome:
    """Accept (optionally placing the person under the proposed unit), refuse with the reason, cancel, or record
    the national hand-over, through profile-api; its refusal comes back in the page's words."""
    action = step_action(step)
    text, org_unit_id = nfc(text).strip(), org_unit_id.strip()
    if action in NEEDS and not text:
        return Outcome(errors={"text": NEEDS[action]})
    if org_unit_id:
        try:
            org_unit_id = str(uuid.UUID(org_unit_id))
        except ValueError:
            return Outcome(errors={"org_unit_id": REFUSALS["invalid-receiver"]})
    try:
        await apis.call(person, "profile", "POST", f"/api/v1/transfers/{transfer_id}/{action}",
                        json=_body(action, text, org_unit_id))
    except ApiProblem as problem:
        if problem.status == 404:
            raise
        said = REFUSALS.get(problem.slug) or problem.detail or UNKNOWN
        where = FIELDS.get(problem.slug)
        if where:
            return Outcome(errors={where: said}, status=problem.status)
        return Outcome(refusal=said, status=problem.status)
    return Outcome(done=DONE[action])
