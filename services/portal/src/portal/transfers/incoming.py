"""A person coming to the city who already has a record in the national CBCCVC database (QĐ 6187/QĐ-UBND Điều 12
khoản 2.2 điểm b): the receiving agency, with DOHA, takes the record from the national DB into the city's. The
agency names the citizen ID, the unit, the category and the day of the hand-over; sync-gateway pulls the national
record (`POST /api/v1/incoming`) and profile-api creates it as a pending record, approved like any new data
(Điều 7), from which day a personal account is due within 10 working days (khoản 2.2 điểm a). The gateway checks
the caller's right before it asks the national DB, so a refusal never tells whether a citizen ID is there."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from portal.api import ApiProblem, Apis
from portal.dates import read_day
from portal.i18n import N_, nfc
from portal.sessions import PortalSession
from portal.transfers.proposals import CATEGORIES

FIELDS = ("citizen_id", "org_unit_id", "category", "incoming_on")
REFUSALS: dict[str, tuple[str | None, str]] = {
    "not-in-national-db": ("citizen_id", N_("Cơ sở dữ liệu quốc gia không có hồ sơ của số định danh này. Người chưa có hồ sơ trên Cơ sở dữ liệu quốc gia được tạo hồ sơ mới như bình thường.")),  # noqa: E501
    "citizen-id-taken": ("citizen_id", N_("Thành phố đã có hồ sơ với số định danh này.")),
    "org-unit-not-found": ("org_unit_id", N_("Chọn một đơn vị trong phạm vi quản lý của bạn.")),
}  # the national side not answering is a 5xx: the portal's "busy, nothing changed" page


@dataclass
class Outcome:
    done: dict[str, Any] | None = None  # the pending record profile-api created
    errors: dict[str, str] = field(default_factory=dict)
    refusal: str | None = None


def values_of(form: Any) -> dict[str, str]:
    return {name: nfc(str(form.get(name) or "")).strip() for name in FIELDS}


def check(values: dict[str, str], units: set[str]) -> tuple[dict[str, Any], dict[str, str]]:
    errors: dict[str, str] = {}
    citizen_id = values["citizen_id"].replace(" ", "")
    if not (citizen_id.isdigit() and len(citizen_id) == 12):
        errors["citizen_id"] = N_("Nhập số định danh cá nhân gồm đúng 12 chữ số.")
    if values["org_unit_id"] not in units:
        errors["org_unit_id"] = N_("Chọn đơn vị tiếp nhận.")
    if values["category"] not in CATEGORIES:
        errors["category"] = N_("Chọn đối tượng.")
    day = read_day(values["incoming_on"]) if values["incoming_on"] else None
    if day is None:
        errors["incoming_on"] = N_("Nhập ngày tiếp nhận (ngày chuyển giao hồ sơ), ví dụ 02/11/2026.")
    return {"citizen_id": citizen_id, "org_unit_id": values["org_unit_id"], "category": values["category"],
            "incoming_on": day.isoformat() if day else ""}, errors


async def pull(apis: Apis, person: PortalSession, values: dict[str, str], units: set[str]) -> Outcome:
    body, errors = check(values, units)
    if errors:
        return Outcome(errors=errors)
    try:
        created = await apis.json(person, "sync", "POST", "/api/v1/incoming", json=body)
    except ApiProblem as problem:
        if problem.status == 403:
            raise
        where, message = REFUSALS.get(problem.slug, (None, problem.detail or N_("Không thực hiện được. Vui lòng thử lại.")))  # noqa: E501
        return Outcome(errors={where: message}) if where else Outcome(refusal=message)
    return Outcome(done=dict(created))
