"""Rà soát hằng quý (QĐ 6187/QĐ-UBND Điều 21 khoản 6): each quarter, by the 25th of its last month (the fourth
quarter's before 31 December), a unit reviews its data against Đúng – Đủ – Sạch – Sống and sends the signed report
to DOHA. profile-api drafts the review with its figures, signs it for the unit's own approver, and tells who has
sent theirs (`/api/v1/reports/reviews`; the deadline is its policy's, read from its answers, never computed here);
these functions ask it and shape its answers for the pages."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import date
from typing import Any
from urllib.parse import urlencode

from portal.api import ApiProblem, Apis
from portal.i18n import N_
from portal.sessions import PortalSession

QUARTER = re.compile(r"^(19[0-9]{2}|2[0-9]{3})-Q([1-4])$")
PAST = 4  # the unit's own reviews of this many earlier quarters are listed
PAGE = 50  # units a page of the roster shows
STATUSES = {"submitted": N_("Đã gửi đúng hạn"), "late": N_("Gửi muộn"), "not_submitted": N_("Chưa gửi")}
TAGS = {"submitted": "todo", "late": "late", "not_submitted": "pending"}
STATES = {"draft": N_("Bản nháp, chưa ký"), "submitted": N_("Đã ký số và gửi Sở Nội vụ")}
CRITERIA = {"Đúng": N_("Đúng"), "Đủ": N_("Đủ"), "Sạch": N_("Sạch"), "Sống": N_("Sống")}
SYNC = (("total", N_("Hồ sơ đang quản lý")), ("changed", N_("Hồ sơ có thay đổi trong quý")),
        ("approved", N_("Thay đổi đã phê duyệt")), ("released", N_("Đã chuyển đồng bộ")),
        ("synced", N_("Đã gửi Cơ sở dữ liệu quốc gia")), ("acknowledged", N_("Cơ sở dữ liệu quốc gia đã xác nhận")),
        ("rejected", N_("Cơ sở dữ liệu quốc gia từ chối")))
REQUEST_STATES = {"draft": N_("Đang soạn"), "submitted": N_("Chờ phê duyệt"), "returned": N_("Bị trả lại"),
                  "approved": N_("Đã phê duyệt, chờ cập nhật")}
SIGNED = N_("Đã ký số và gửi báo cáo rà soát quý đến Sở Nội vụ (Điều 21 khoản 6).")
DRAFTED = N_("Đã lập bản nháp báo cáo rà soát với số liệu mới nhất.")
REFUSALS = {
    "unit-does-not-review": N_("Đơn vị không có tài khoản cơ quan: cơ quan cấp trên trực tiếp lập báo cáo rà soát cho đơn vị."),  # noqa: E501
    "review-already-submitted": N_("Báo cáo rà soát quý này của đơn vị đã được ký và gửi."),
    "invalid-quarter": N_("Quý này chưa bắt đầu hoặc không hợp lệ."),
    "reviews-forbidden": N_("Tài khoản của bạn không được lập hoặc xem báo cáo rà soát."),
    "review-signer-not-authorised": N_("Chỉ người phê duyệt của chính đơn vị được ký số và gửi báo cáo rà soát của đơn vị (Điều 7)."),  # noqa: E501
    "review-content-changed": N_("Số liệu của báo cáo đã thay đổi sau khi bạn mở trang: hãy đọc lại rồi ký."),
    "review-not-submitted": N_("Báo cáo chưa được ký nên chưa có bản PDF."),
}
FAILED = N_("Không thực hiện được. Vui lòng thử lại.")


@dataclass(frozen=True, order=True)
class Quarter:
    year: int
    number: int

    @classmethod
    def containing(cls, day: date) -> Quarter:
        return cls(day.year, (day.month - 1) // 3 + 1)

    @classmethod
    def chosen(cls, text: str | None, today: date) -> Quarter:
        """The quarter asked for (`2026-Q4`), or the current one when none or no quarter is given."""
        found = QUARTER.match(text or "")
        return cls(int(found[1]), int(found[2])) if found else cls.containing(today)

    def before(self) -> Quarter:
        return Quarter(self.year - 1, 4) if self.number == 1 else Quarter(self.year, self.number - 1)

    def label(self) -> str:
        return f"{self.number}/{self.year}"

    def __str__(self) -> str:
        return f"{self.year}-Q{self.number}"


def quarter_label(text: str) -> str:
    """`2026-Q4` as a reader writes it: 4/2026."""
    found = QUARTER.match(text)
    return f"{found[2]}/{found[1]}" if found else text


def refusal_of(problem: ApiProblem) -> str:
    return REFUSALS.get(problem.slug) or problem.detail or FAILED


async def own_unit(apis: Apis, person: PortalSession) -> str:
    return str((await apis.json(person, "profile", "GET", "/api/v1/me"))["org_unit_id"])


async def roster(apis: Apis, person: PortalSession, quarter: Quarter, *, status: str | None = None,
                 unit: str | None = None, cursor: str | None = None, limit: int = PAGE) -> dict[str, Any]:
    """A page of the quarter's roster (profile-api's order: by unit code), with the whole quarter's counts."""
    params: dict[str, Any] = {"quarter": str(quarter), "limit": limit, **({"status": status} if status else {}),
                              **({"org_unit_id": unit} if unit else {}), **({"cursor": cursor} if cursor else {})}
    body: dict[str, Any] = await apis.json(person, "profile", "GET", "/api/v1/reports/reviews", params=params)
    return body


def may_read_roster(person: PortalSession) -> bool:
    return "reports:read" in person.scopes


def may_prepare(person: PortalSession) -> bool:
    return "reports:read" in person.scopes or "quality:read" in person.scopes


async def overview(apis: Apis, person: PortalSession, quarter: Quarter, today: date, status: str | None,
                   cursor: str | None = None, number: int = 1) -> dict[str, Any]:
    """A page of the quarter's roster of the caller's subtree (DOHA: every unit) with the whole quarter's counts,
    the caller's own unit's review of it and of the quarters before, and the quarters to choose from. An approver
    (who may draft and sign, not read the roster) gets the drafting form only."""
    unit = await own_unit(apis, person)
    current = Quarter.containing(today)
    choices = [current]
    while len(choices) < 8:
        choices.append(choices[-1].before())
    shown = status if status in STATUSES else None
    page: dict[str, Any] = {"quarter": quarter, "choices": choices, "own_unit": unit, "roster": None, "own": None,
                            "past": [], "rows": [], "status": shown, "statuses": STATUSES, "tags": TAGS,
                            "may_prepare": may_prepare(person), "future": quarter > current,
                            "reviews_own": not may_read_roster(person), "first_page": cursor is None,
                            "number": number if cursor else 1, "page_size": PAGE, "next": None, "first": None}
    if page["future"] or not may_read_roster(person):
        return page
    body, mine = await apis.gather(roster(apis, person, quarter, status=shown, cursor=cursor),
                                   roster(apis, person, quarter, unit=unit, limit=1))
    page["roster"] = body
    page["own"] = next(iter(mine["units"]), None)
    page["reviews_own"] = page["own"] is not None  # DOHA's root has no agency account: it reviews nothing itself
    page["rows"] = body["units"]
    query = {"quy": str(quarter), **({"tinh-trang": shown} if shown else {})}
    page["first"] = f"/ra-soat?{urlencode(query)}"
    if body["next_cursor"]:
        page["next"] = f"/ra-soat?{urlencode({**query, 'tiep': body['next_cursor'], 'trang': page['number'] + 1})}"
    if page["reviews_own"]:
        page["past"] = await past_reviews(apis, person, quarter, unit)
    return page


async def past_reviews(apis: Apis, person: PortalSession, quarter: Quarter, unit: str) -> list[dict[str, Any]]:
    """The unit's own line of the rosters of the `PAST` quarters before `quarter`, newest first."""
    found, earlier = [], quarter
    for _ in range(PAST):
        earlier = earlier.before()
        try:
            past = await roster(apis, person, earlier, unit=unit, limit=1)
        except ApiProblem:
            break  # before the calendar's first year: nothing earlier to list
        mine = next(iter(past["units"]), None)
        if mine is not None:
            found.append({**mine, "quarter": earlier, "deadline": past["deadline"]})
    return found


async def draft(apis: Apis, person: PortalSession, quarter: str) -> tuple[str | None, str | None]:
    """(the draft's id, or profile-api's refusal in words): the caller's own unit's review of the quarter, drafted
    (or drafted again, with today's figures)."""
    if not QUARTER.match(quarter):
        return None, REFUSALS["invalid-quarter"]
    unit = await own_unit(apis, person)
    try:
        review = await apis.json(person, "profile", "POST", "/api/v1/reports/reviews",
                                 json={"org_unit_id": unit, "quarter": quarter})
    except ApiProblem as problem:
        if problem.status == 404:
            raise
        return None, refusal_of(problem)
    return str(review["id"]), None


def figures(content: dict[str, Any]) -> dict[str, Any]:
    """The review's content as its page reads it: criteria, sync steps and outstanding requests in order."""
    quality, sync, requests = content.get("quality", {}), content.get("sync", {}), content.get("change_requests", {})
    return {"criteria": quality.get("criteria", []), "records": quality.get("records"),
            "blocking": quality.get("blocking"), "rules": quality.get("rules", []),
            "sync": [(label, sync.get(key)) for key, label in SYNC],
            "requests": [(REQUEST_STATES.get(state, state), v.get("count"))
                         for state, v in requests.get("by_state", {}).items()],
            "outstanding": requests.get("outstanding"), "overdue": content.get("overdue", {})}


async def review_page(apis: Apis, person: PortalSession, review_id: uuid.UUID) -> dict[str, Any]:
    review = await apis.json(person, "profile", "GET", f"/api/v1/reports/reviews/{review_id}")
    signer = "approver" in person.roles and str(review["org_unit_id"]) == await own_unit(apis, person)
    return {"review": review, "content": review["content"], "figures": figures(review["content"]),
            "quarter_label": quarter_label(review["quarter"]), "states": STATES, "criteria": CRITERIA,
            "signable": review["state"] == "draft" and signer}


async def submit(apis: Apis, person: PortalSession, review_id: uuid.UUID, content_hash: str) -> str | None:
    """Signs and submits the content the signer read (its hash, sent back); None when done, else the refusal."""
    if not re.fullmatch(r"[0-9a-f]{64}", content_hash):
        return REFUSALS["review-content-changed"]
    try:
        await apis.call(person, "profile", "POST", f"/api/v1/reports/reviews/{review_id}/submit",
                        json={"content_hash": content_hash})
    except ApiProblem as problem:
        if problem.status == 404:
            raise
        return refusal_of(problem)
    return None
