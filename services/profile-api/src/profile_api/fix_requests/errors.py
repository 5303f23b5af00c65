from __future__ import annotations

from hoso_shared.problems import Conflict, ValidationFailed


class UnknownRule(ValidationFailed):
    slug, title = "unknown-rule", "Không có quy tắc kiểm tra dữ liệu mang mã này (no rule has this code)"


class RuleNotFailing(Conflict):
    slug, title = ("rule-not-failing", "Hồ sơ hiện không vi phạm quy tắc này, không cần đề nghị cập nhật "
                                       "(the record does not fail this rule now)")
