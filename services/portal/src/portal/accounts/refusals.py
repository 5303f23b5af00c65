"""profile-api's refusals of an account change, in words an HR officer understands (its own detail is English): by
the problem's slug, with the form field it concerns when there is one. The guard rails (own account, last
administrator, the pipeline's service clients) are said plainly, with what to do instead."""

from __future__ import annotations

from portal.api import ApiProblem
from portal.i18n import N_

UNKNOWN = N_("Không thực hiện được. Vui lòng thử lại.")
# slug → (the form's field, or None for the page; the message)
REFUSALS: dict[str, tuple[str | None, str]] = {
    "own-account": (None, N_("Không ai tự khóa, tự đổi quyền hay tự cấp lại mật khẩu cho tài khoản của chính mình: hãy nhờ một quản trị viên khác làm việc này.")),  # noqa: E501
    "last-admin": (None, N_("Không thực hiện được: đây là tài khoản quản trị cuối cùng còn hoạt động của đơn vị này và các đơn vị cấp trên. Hãy giao quyền quản trị cho một tài khoản khác trước.")),  # noqa: E501
    "service-client-protected": (None, N_("Tài khoản dịch vụ của hệ thống không quản lý trên cổng thông tin: bộ phận vận hành thực hiện việc này trên máy chủ.")),  # noqa: E501
    "role-not-grantable": ("roles", N_("Bạn không được cấp hoặc quản lý tài khoản với các quyền này tại đơn vị đó (Điều 9): tài khoản cơ quan chỉ tạo cho đơn vị trực thuộc, và tài khoản của cấp trên do cấp trên quản lý.")),  # noqa: E501
    "account-shape-invalid": ("roles", N_("Các quyền đã chọn không phù hợp với loại tài khoản này.")),
    "access-unchanged": ("roles", N_("Tài khoản đã có đúng các quyền này: chọn quyền khác, hoặc quay lại.")),
    "request-date-in-future": ("request_date", N_("Ngày văn bản đề nghị không được sau hôm nay.")),
    "username-taken": ("username", N_("Tên đăng nhập này đã có người dùng: chọn tên khác.")),
    "profile-already-linked": ("profile", N_("Người này đã có tài khoản cá nhân.")),
    "profile-not-found": ("profile", N_("Không tìm thấy hồ sơ này trong phạm vi quản lý của bạn.")),
    "org-unit-not-found": ("org_unit_id", N_("Không tìm thấy đơn vị này trong phạm vi quản lý của bạn.")),
    "delegate-unfit": ("org_unit_id", N_("Chỉ ủy quyền cho tài khoản cá nhân đang hoạt động của người làm việc tại đơn vị đó hoặc đơn vị trực thuộc.")),  # noqa: E501
    "delegation-exists": (None, N_("Người này đang được ủy quyền tạo lập tài khoản cá nhân: thu hồi ủy quyền đó trước.")),  # noqa: E501
    "delegation-not-found": (None, N_("Người này không có ủy quyền tạo lập tài khoản cá nhân nào trong phạm vi của bạn.")),  # noqa: E501
    "forbidden": (None, N_("Tài khoản của bạn không được làm việc này.")),
}


def said(problem: ApiProblem) -> str:
    found = REFUSALS.get(problem.slug)
    return found[1] if found else (problem.detail or UNKNOWN)


def field_of(problem: ApiProblem) -> str | None:
    found = REFUSALS.get(problem.slug)
    return found[0] if found else None
