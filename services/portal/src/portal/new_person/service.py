"""Creating a new person's record, filled in from the national population database first (QĐ MIC 2021 on the
connection to the population DB: it exists to verify and fill in personal information). HR types the citizen ID,
sync-gateway asks the register (`POST /api/v1/citizen-lookups`, after checking the caller may create records in
the unit), and the form comes back filled in, each filled item marked as from the register and the day. HR may
change anything, then creates the record (`POST /api/v1/profiles`): pending until approved (hanoi-2024 Điều 7).

The register not answering is no reason to stop: the form stays as typed, with a plain message, and can still be
sent. After a record is created from the register, its agreement with it is checked at once (`POST
/api/v1/citizen-checks`), so an item changed by hand shows as a DUNG-DANCU finding, dated."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from hoso_shared.codes import ETHNICITIES, RELIGIONS
from portal.api import ApiDown, ApiProblem, Apis
from portal.dates import read_day
from portal.i18n import N_, nfc, vn_date
from portal.sessions import PortalSession

UNAVAILABLE = N_("Không lấy được thông tin từ CSDL dân cư lúc này; anh/chị vẫn có thể nhập tay.")
NOT_IN_REGISTER = N_("CSDL quốc gia về dân cư không có số định danh này. Anh/chị kiểm tra lại số, hoặc nhập tay.")
CATEGORIES = {"can_bo": N_("Cán bộ"), "cong_chuc": N_("Công chức"), "vien_chuc": N_("Viên chức"),
              "cap_xa": N_("Cán bộ, công chức cấp xã")}
SEXES = {"M": N_("Nam"), "F": N_("Nữ")}
CODES = {"ethnicity_code": [(e.code, e.name) for e in ETHNICITIES],
         "religion_code": [(r.code, r.name) for r in RELIGIONS]}
PLACES = ("birth_place", "home_town", "residence")
PLACE_PARTS = ("commune", "province", "detail")
SCALARS = ("citizen_id", "org_unit_id", "category", "full_name", "sex", "birth_date", "ethnicity_code",
           "religion_code")
# The form's inputs: scalars, then each place's parts as `<place>.<part>`.
FIELDS = SCALARS + tuple(f"{p}.{part}" for p in PLACES for part in PLACE_PARTS)
FROM_REGISTER = "from_register"  # hidden inputs: the items filled from the register, and the day it gave them
GIVEN = "given."  # hidden inputs: `given.<input>`, the register's value of each filled input
REFUSALS: dict[str, tuple[str | None, str]] = {
    "citizen-id-taken": ("citizen_id", N_("Đã có hồ sơ với số định danh này.")),
    "org-unit-not-found": ("org_unit_id", N_("Chọn một đơn vị trong phạm vi quản lý của bạn.")),
    "not-in-population-db": ("citizen_id", NOT_IN_REGISTER),
}


@dataclass
class Draft:
    """The form as typed (or as filled in from the register): input name → text."""

    values: dict[str, str] = field(default_factory=dict)
    filled: set[str] = field(default_factory=set)  # inputs the register filled in
    filled_on: str = ""  # the day it did (YYYY-MM-DD)
    given: dict[str, str] = field(default_factory=dict)  # what it gave, per filled input: an edited one is HR's
    labels: dict[str, str] = field(default_factory=dict)  # names of the register's codes (ethnicity, religion)
    errors: dict[str, str] = field(default_factory=dict)
    notice: str | None = None  # the register's absence, said plainly; the form stays usable
    refusal: str | None = None
    created: dict[str, Any] | None = None


def draft_of(form: Any) -> Draft:
    values = {name: nfc(str(form.get(name) or "")).strip() for name in FIELDS}
    values["citizen_id"] = values["citizen_id"].replace(" ", "")
    filled = {name for name in str(form.get(FROM_REGISTER) or "").split() if name in FIELDS}
    day = read_day(str(form.get("filled_on") or ""))
    given = {name: nfc(str(form.get(f"{GIVEN}{name}") or "")).strip() for name in filled}
    return Draft(values=values, filled=filled, filled_on=day.isoformat() if day else "", given=given)


def _citizen_id_problem(citizen_id: str) -> str | None:
    if len(citizen_id) == 12 and citizen_id.isascii() and citizen_id.isdigit():
        return None
    return N_("Nhập số định danh cá nhân gồm đúng 12 chữ số.")


def _refused(draft: Draft, problem: ApiProblem) -> Draft:
    if problem.status == 403:
        raise problem
    where, message = REFUSALS.get(problem.slug, (None, problem.detail or N_("Không thực hiện được. Vui lòng thử lại.")))
    if where:
        draft.errors[where] = message
    else:
        draft.refusal = message
    return draft


def _as_inputs(items: dict[str, Any]) -> dict[str, str]:
    inputs = {k: str(items[k]) for k in SCALARS if items.get(k) is not None}
    if "birth_date" in inputs:
        inputs["birth_date"] = vn_date(inputs["birth_date"])  # typed and read as dd/mm/yyyy, as everywhere
    for place in PLACES:
        for part, value in (items.get(place) or {}).items():
            if part in PLACE_PARTS and value:
                inputs[f"{place}.{part}"] = str(value)
    return inputs


async def look_up(apis: Apis, person: PortalSession, draft: Draft) -> Draft:
    """The form filled in from the register; on its absence or a refusal, as it was, with the reason."""
    if problem := _citizen_id_problem(draft.values["citizen_id"]):
        draft.errors["citizen_id"] = problem
    if not draft.values["org_unit_id"]:
        draft.errors["org_unit_id"] = N_("Chọn đơn vị của người này.")
    if draft.errors:
        return draft
    try:
        found = await apis.json(person, "sync", "POST", "/api/v1/citizen-lookups", json={
            "citizen_id": draft.values["citizen_id"], "org_unit_id": draft.values["org_unit_id"]})
    except ApiDown:
        draft.notice = UNAVAILABLE
        return draft
    except ApiProblem as problem:
        return _refused(draft, problem)
    inputs = _as_inputs(found["items"])
    draft.values.update(inputs)
    draft.filled, draft.given = set(inputs), dict(inputs)
    draft.filled_on = min((str(s["looked_up_on"]) for s in found["sources"].values()), default="")
    draft.labels = {k: str(v) for k, v in found.get("labels", {}).items()}
    return draft


def _check(draft: Draft) -> tuple[dict[str, Any], dict[str, str]]:
    v, errors = draft.values, {}
    if problem := _citizen_id_problem(v["citizen_id"]):
        errors["citizen_id"] = problem
    if not v["org_unit_id"]:
        errors["org_unit_id"] = N_("Chọn đơn vị của người này.")
    if v["category"] not in CATEGORIES:
        errors["category"] = N_("Chọn đối tượng.")
    if not v["full_name"]:
        errors["full_name"] = N_("Nhập họ và tên khai sinh.")
    if v["sex"] not in SEXES:
        errors["sex"] = N_("Chọn giới tính.")
    born = read_day(v["birth_date"])
    if born is None:
        errors["birth_date"] = N_("Nhập ngày sinh, ví dụ 09/03/1987.")
    items: dict[str, Any] = {"citizen_id": v["citizen_id"], "full_name": v["full_name"], "sex": v["sex"],
                             "birth_date": born.isoformat() if born else ""}
    items |= {k: v[k] for k in ("ethnicity_code", "religion_code") if v[k]}
    for place in PLACES:
        parts = {part: v[f"{place}.{part}"] for part in PLACE_PARTS if v[f"{place}.{part}"]}
        if parts:
            items[place] = parts
    return {"org_unit_id": v["org_unit_id"], "category": v["category"], "items": items,
            "sources": _sources(draft, items)}, errors


def _sources(draft: Draft, items: dict[str, Any]) -> dict[str, dict[str, str]]:
    """The items the register filled in and HR left as it gave them (all of a place's parts): marked on the
    record as the register's, with the day."""
    if not draft.filled_on:
        return {}
    kept: dict[str, bool] = {}
    for name in draft.filled:
        item = name.split(".", 1)[0]
        kept[item] = kept.get(item, True) and draft.values.get(name, "") == draft.given.get(name)
    return {item: {"source": "population_register", "looked_up_on": draft.filled_on}
            for item, same in sorted(kept.items()) if same and item in items}


async def create(apis: Apis, person: PortalSession, draft: Draft) -> Draft:
    body, draft.errors = _check(draft)
    if draft.errors:
        return draft
    try:
        draft.created = dict(await apis.json(person, "profile", "POST", "/api/v1/profiles", json=body))
    except ApiProblem as problem:
        return _refused(draft, problem)
    if draft.filled:
        await _check_against_register(apis, person, str(draft.created["id"]))
    return draft


async def _check_against_register(apis: Apis, person: PortalSession, profile_id: str) -> None:
    """A dated check of the new record against the register: what HR changed by hand shows as DUNG-DANCU.
    The record is made either way; the check can be asked again from the record."""
    try:
        await apis.call(person, "sync", "POST", "/api/v1/citizen-checks", json={"profile_id": profile_id})
    except (ApiDown, ApiProblem):
        return
