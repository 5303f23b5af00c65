"""The words of the grant screens for profile-api's codes: the levels (độ hạn chế tiếp cận, hanoi-2024 Điều 4 khoản 3;
docs/access-levels.md), a grant's state, and the API's refusals of a grant or a revocation with the form field each
concerns. What may be granted is profile-api's rule (profile_api.access): these only say its answers."""

from __future__ import annotations

from hoso_shared.form.levels import Level
from portal.api import ApiProblem
from portal.i18n import N_

LEVELS = {
    Level.public: N_("Mức 0 – Công khai trong bộ phận tổ chức cán bộ của cơ quan"),
    Level.hr: N_("Mức 1 – Bộ phận tổ chức cán bộ và người phê duyệt của đơn vị"),
    Level.personal: N_("Mức 2 – Thông tin cá nhân, nhạy cảm (định danh, sức khỏe, gia đình)"),
    Level.political: N_("Mức 3 – Hồ sơ chính trị, hồ sơ Đảng"),
}
STATES = {"active": N_("Đang hiệu lực"), "future": N_("Chưa đến ngày hiệu lực"), "expired": N_("Hết hạn"),
          "revoked": N_("Đã thu hồi")}
UNKNOWN = N_("Không thực hiện được. Vui lòng thử lại.")
# profile-api's slug → (the form's field, or None for the page; the message)
REFUSALS: dict[str, tuple[str | None, str]] = {
    "above-clearance": ("level", N_("Bạn không được cấp mức cao hơn mức truy cập của chính mình.")),
    "own-access": ("grantee_id", N_("Không ai tự cấp quyền cho chính mình: hãy chọn tài khoản của người khác.")),
    "grantee-not-found": ("grantee_id", N_("Không có tài khoản này, hoặc tài khoản đã bị khóa.")),
    "grant-target-not-found": ("target", N_("Đơn vị hoặc người được chọn không thuộc phạm vi quản lý của bạn.")),
    "evidence-not-found": ("file", N_("Không thấy bản quét văn bản trong phạm vi của bạn: hãy chọn lại tệp.")),
    "access-grant-invalid": ("ends_on", N_("Ngày hiệu lực hoặc ngày văn bản không hợp lệ: ngày kết thúc không trước hôm nay và không trước ngày bắt đầu; văn bản không ghi ngày sau hôm nay.")),  # noqa: E501
    "request-date-in-future": ("request_date", N_("Ngày văn bản đề nghị không được sau hôm nay.")),
    "access-grant-revoked": (None, N_("Quyền này đã được thu hồi trước đó.")),
    "forbidden": (None, N_("Tài khoản của bạn không được làm việc này.")),
}
# A field of the API's body (422 `validation-failed`, its `loc`) → the form's field.
BODY_FIELDS = {"grantee_id": "grantee_id", "org_unit_id": "target", "profile_ids": "target", "level": "level",
               "starts_on": "starts_on", "ends_on": "ends_on", "number": "decision_number",
               "issued_on": "decision_date", "issuing_body": "issuing_body", "decision_id": "file",
               "request_no": "request_no", "request_date": "request_date"}
NOT_VALID = N_("Giá trị này không hợp lệ.")


def level_name(level: int) -> str:
    return LEVELS.get(Level(level), str(level)) if 0 <= level <= int(max(Level)) else str(level)


def refusal(problem: ApiProblem) -> tuple[str | None, str]:
    """(the field the refusal concerns, or None for the page; what the person reads)."""
    if problem.slug == "validation-failed":
        for error in problem.body.get("errors") or []:
            where = next((BODY_FIELDS[str(p)] for p in reversed(error.get("loc") or []) if str(p) in BODY_FIELDS),
                         None)
            if where:
                return where, NOT_VALID
    found = REFUSALS.get(problem.slug)
    return found if found else (None, problem.detail or UNKNOWN)
