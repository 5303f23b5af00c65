"""Recording a restructuring of a unit (QĐ 6187/QĐ-UBND Điều 21 khoản 2: chia tách, sáp nhập, hợp nhất, giải thể,
and a new name), effective from a day: the question page, then a preview of what it would do and who would move
(profile-api's `?dry_run=true`: the change tried and undone), then the change itself once confirmed. The unit and
every unit named must lie in the caller's subtree, and never be the caller's own: profile-api refuses otherwise,
and its refusal is shown in words."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from portal.api import ApiProblem, Apis
from portal.dates import shown
from portal.i18n import N_, nfc, sort_by_name
from portal.org.service import day_or_error
from portal.sessions import PortalSession

KINDS = {"doi-ten": N_("Đổi tên"), "sap-nhap": N_("Sáp nhập vào đơn vị khác"),
         "chia-tach": N_("Chia tách một bộ phận thành đơn vị mới"), "giai-the": N_("Giải thể")}
ROUTES = {"doi-ten": "rename", "sap-nhap": "merge", "chia-tach": "split", "giai-the": "dissolve"}
PART_TYPES = ("sub_unit", "agency", "ward", "commune", "department")
DONE = N_("Đã ghi nhận thay đổi tổ chức.")
NEEDED = {"loai": N_("Chọn loại thay đổi."), "ten": N_("Nhập tên mới."), "den": N_("Chọn đơn vị nhận."),
          "ma_moi": N_("Nhập mã của đơn vị mới."), "ten_moi": N_("Nhập tên của đơn vị mới."),
          "nguoi": N_("Chọn ít nhất một người chuyển sang đơn vị mới."),
          "xac_nhan": N_("Nhập lại đúng mã của đơn vị để xác nhận."), "ngay": N_("Nhập ngày có hiệu lực.")}
REFUSALS = {
    "confirmation-mismatch": ("xac_nhan", N_("Mã xác nhận không đúng mã của đơn vị.")),
    "effective-date-too-early": ("ngay", N_("Ngày có hiệu lực sớm hơn thời điểm đơn vị (hoặc người trong đơn vị) có tình trạng hiện tại.")),  # noqa: E501
    "effective-date-too-late": ("ngay", N_("Ngày có hiệu lực quá xa so với hôm nay.")),
    "org-cycle": ("den", N_("Không thể chuyển đơn vị vào chính nó hoặc đơn vị trực thuộc nó.")),
    "org-unit-code-taken": ("ma_moi", N_("Đã có đơn vị khác dùng mã này.")),
    "district-abolished": ("loai_don_vi", N_("Từ ngày 01/7/2025 không còn đơn vị cấp huyện.")),
    "org-unit-not-empty": ("den", N_("Đơn vị còn người, tài khoản hoặc đơn vị trực thuộc: chọn đơn vị nhận.")),
    "invalid-restructuring": ("loai", N_("Thay đổi này không phù hợp với các đơn vị đã chọn.")),
    "org-unit-closed": ("loai", N_("Đơn vị đã bị sáp nhập, chia tách hoặc giải thể.")),
    "own-org-unit": ("loai", N_("Đơn vị của chính bạn do cấp trên ghi nhận thay đổi.")),
    "outside-subtree": ("loai", N_("Thay đổi vượt ra ngoài phạm vi bạn quản lý.")),
    "org-unit-not-found": ("den", N_("Không có đơn vị này vào ngày đó, hoặc đơn vị không thuộc phạm vi bạn quản lý.")),
}


@dataclass
class Form:
    """The form as sent: every field kept as typed, so a page shown again holds what the person wrote."""

    values: dict[str, Any]
    people: list[str] = field(default_factory=list)

    @classmethod
    def read(cls, sent: dict[str, Any], people: list[str]) -> Form:
        return cls({k: nfc(str(v)).strip() for k, v in sent.items()}, people)

    def errors(self) -> dict[str, str]:
        kind, found = self.values.get("loai", ""), {}
        if kind not in KINDS:
            return {"loai": NEEDED["loai"]}
        on, bad_day = day_or_error(self.values.get("ngay"))
        if bad_day or on is None:
            found["ngay"] = bad_day or NEEDED["ngay"]
        wanted = {"doi-ten": ("ten",), "sap-nhap": ("den", "xac_nhan"), "giai-the": ("xac_nhan",),
                  "chia-tach": ("ma_moi", "ten_moi")}[kind]
        found.update({name: NEEDED[name] for name in wanted if not self.values.get(name)})
        if kind == "chia-tach" and not self.people:
            found["nguoi"] = NEEDED["nguoi"]
        return found

    def body(self) -> dict[str, Any]:
        """The API's body for the change (the form having no errors)."""
        kind, values = self.values["loai"], self.values
        on: date | None = day_or_error(values["ngay"])[0]
        body: dict[str, Any] = {"effective_on": on.isoformat() if on else None}
        if kind == "doi-ten":
            body["name"] = values["ten"]
        elif kind == "sap-nhap":
            body |= {"into_id": values["den"], "confirm_unit_code": values["xac_nhan"]}
        elif kind == "giai-the":
            body |= {"move_to_id": values.get("den") or None, "confirm_unit_code": values["xac_nhan"]}
        else:
            part_type = values.get("loai_don_vi") if values.get("loai_don_vi") in PART_TYPES else "sub_unit"
            body["parts"] = [{"code": values["ma_moi"], "name": values["ten_moi"], "type": part_type,
                              "profile_ids": self.people}]
        return body

    def hidden(self) -> list[tuple[str, str]]:
        """The fields the preview page sends again with its confirmation."""
        pairs = [(k, str(v)) for k, v in self.values.items() if k not in ("csrf", "buoc", "nguoi") and v]
        return pairs + [("nguoi", p) for p in self.people]


@dataclass
class Outcome:
    result: dict[str, Any] | None = None
    errors: dict[str, str] = field(default_factory=dict)
    refusal: str | None = None
    status: int = 200


def _refused(problem: ApiProblem) -> Outcome:
    if problem.slug in REFUSALS:
        name, message = REFUSALS[problem.slug]
        return Outcome(errors={name: message}, status=problem.status)
    return Outcome(refusal=problem.detail or N_("Không thực hiện được."), status=problem.status)


async def send(apis: Apis, person: PortalSession, unit_id: uuid.UUID, form: Form, *, dry_run: bool) -> Outcome:
    """The change tried (`dry_run`: a rename has nothing to try, its preview is the form itself) or made."""
    errors = form.errors()
    if errors:
        return Outcome(errors=errors, status=400)
    kind = form.values["loai"]
    if dry_run and kind == "doi-ten":
        return Outcome(result={"renamed": form.values["ten"]})
    path = f"/api/v1/org-units/{unit_id}/{ROUTES[kind]}"
    try:
        result = await apis.json(person, "profile", "POST", path, json=form.body(),
                                 params={"dry_run": "true"} if dry_run and kind != "doi-ten" else None)
    except ApiProblem as problem:
        if problem.status == 404 and problem.slug != "org-unit-not-found":
            raise
        return _refused(problem)
    moving = sort_by_name(result.get("moved_people", []), lambda p: str(p["full_name"]))
    return Outcome(result={**result, "moved_people": moving})


def effective_shown(form: Form) -> str:
    return shown(day_or_error(form.values.get("ngay"))[0])
