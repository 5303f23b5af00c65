"""approval-api's refusals of a decision, in words an approver understands (its own detail is English or
bilingual): by the problem's slug, with the form field it concerns when there is one."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from portal.api import ApiProblem
from portal.i18n import N_

WINDOW_CLOSED = N_("Ngoài thời gian phê duyệt: theo Điều 7, đơn vị phê duyệt trong 05 ngày cuối mỗi tháng (hoặc khi Sở Nội vụ mở đợt phê duyệt bổ sung). Yêu cầu vẫn chờ phê duyệt, chưa có gì thay đổi.")  # noqa: E501
REFUSALS = {
    "approval-window-closed": WINDOW_CLOSED,
    "rule-errors-block-approval": N_("Hồ sơ sau thay đổi còn lỗi Đúng–Đủ–Sạch–Sống: ghi lý do phê duyệt, hoặc trả lại để người đề nghị sửa."),  # noqa: E501
    "comment-required": N_("Nhập lý do."),
    "stale-change-request": N_("Hồ sơ đã thay đổi sau khi yêu cầu được lập, nên yêu cầu đã được trả lại để người đề nghị lập lại trên hồ sơ hiện tại."),  # noqa: E501
    "transition-not-allowed": N_("Yêu cầu này đã được xử lý, không còn chờ phê duyệt."),
    "own-request": N_("Không ai tự quyết định yêu cầu do mình lập hoặc về hồ sơ của chính mình."),
    "role-not-allowed": N_("Tài khoản của bạn không được quyết định yêu cầu này."),
    "change-request-not-found": N_("Không tìm thấy yêu cầu này, hoặc bạn không được xem."),
    "evidence-required": N_("Thay đổi này cần bản số hóa của tài liệu đã được cấp có thẩm quyền xác nhận."),
}
FIELDS = {"rule-errors-block-approval": "override_reason", "comment-required": "comment"}
UNKNOWN = N_("Không thực hiện được. Vui lòng thử lại.")


def said(problem: ApiProblem) -> str:
    """The refusal as the person reads it: ours when we know the slug, else the API's own words."""
    return REFUSALS.get(problem.slug) or problem.detail or UNKNOWN


def field_of(problem: ApiProblem) -> str | None:
    return FIELDS.get(problem.slug)


def of_body(status: int, body: Mapping[str, Any] | None) -> str:
    """A bulk item's refusal (its RFC 9457 body)."""
    return said(ApiProblem(status, dict(body or {})))
