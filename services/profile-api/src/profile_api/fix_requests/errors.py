from __future__ import annotations

from hoso_shared.problems import Conflict, ValidationFailed


class UnknownRule(ValidationFailed):
    slug, title = "unknown-rule", "Không có quy tắc kiểm tra dữ liệu mang mã này (no rule has this code)"


class RuleNotFailing(Conflict):
    slug, title = ("rule-not-failing", "Hồ sơ hiện không vi phạm quy tắc này, không cần đề nghị cập nhật "
                                       "(the record does not fail this rule now)")


class NotThePersonsToFix(ValidationFailed):
    slug, title = ("not-the-persons-to-fix", "Việc này không phải của người có hồ sơ, nên không đề nghị họ sửa "
                                             "(another party acts on this rule, not the person)")
