"""Đủ: the evidence a change needs (DOMAIN "decisions": a digitised copy of the certified document).

DOMAIN lists which changes need it: identity (name, birth date, sex, citizen ID), qualifications and
training (the diploma or certificate), rank, step, coefficient and allowances (the decision), position
(the appointment decision), awards and discipline (the decision). `EVIDENCE` holds that list as data
and `needs_evidence` answers it for the fields a change touches, so the services that build
`ChangeFact.needs_evidence` and this rule read the same table."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from hoso_shared.validation.context import Context
from hoso_shared.validation.model import Criterion, Hit, Record, Severity
from hoso_shared.validation.registry import rule
from hoso_shared.validation.rules.dates import vn

_IDENTITY = ("giấy khai sinh hoặc thẻ căn cước", "birth certificate or citizen ID card")
_DIPLOMA = ("văn bằng, chứng chỉ", "diploma or certificate")
_SALARY = ("quyết định nâng lương, xếp ngạch hoặc phụ cấp", "decision on the rank, salary or allowance")
_POSITION = ("quyết định bổ nhiệm", "appointment decision")
_AWARD = ("quyết định khen thưởng", "award decision")
_DISCIPLINE = ("quyết định kỷ luật", "discipline decision")

# Item key or table name → the document that proves a change to it (Vietnamese, English).
EVIDENCE: dict[str, tuple[str, str]] = {
    **dict.fromkeys(("full_name", "birth_date", "sex", "citizen_id", "citizen_id_issued_on"), _IDENTITY),
    **dict.fromkeys(("general_education", "highest_qualification", "academic_title", "training-professional",
                     "training-political", "training-state-management", "training-defence", "training-it",
                     "training-languages"), _DIPLOMA),
    **dict.fromkeys(("rank_code", "rank_appointed_on", "salary_step", "salary_coefficient", "salary_effective_on",
                     "salary_percent", "over_ceiling_percent", "over_ceiling_effective_on", "position_allowance",
                     "concurrent_allowance", "other_allowance", "job_position", "job_position_code",
                     "job_salary_step", "job_salary_amount", "job_salary_effective_on", "job_salary_percent",
                     "job_over_ceiling_percent", "job_over_ceiling_effective_on", "salary-history",
                     "allowance-history"), _SALARY),
    **dict.fromkeys(("current_position", "position_appointed_on", "position_reappointed_on",
                     "concurrent_position"), _POSITION),
    **dict.fromkeys(("awards", "state_honorary_title"), _AWARD),
    **dict.fromkeys(("discipline",), _DISCIPLINE),
}
# A change that no longer stands needs no document.
SETTLED_WITHOUT_EFFECT = frozenset({"withdrawn", "rejected"})
STATES: dict[str, str] = {
    "draft": "bản nháp", "submitted": "đã gửi duyệt", "approved": "đã duyệt", "returned": "bị trả lại",
    "applied": "đã cập nhật vào hồ sơ",
}


def needs_evidence(changed: Iterable[str]) -> bool:
    """Whether a change touching these fields needs a document. Names are item keys or table names,
    optionally with a row and column ("salary-history[2].coefficient")."""
    return any(name.split("[", 1)[0].split(".", 1)[0] in EVIDENCE for name in changed)


@rule("DU-MINHCHUNG-001", Criterion.DU, Severity.ERROR, needs=["changes"], reads=["context.changes"],
      vi="Thay đổi ngày {occurred_vi} ({state_vi}) cần văn bản minh chứng (bản số hóa của quyết định, văn bằng, "
         "giấy tờ gốc) nhưng chưa đính kèm.",
      en="The change of {occurred} ({state}) needs a supporting document (a digitised decision, diploma or "
         "certificate) and has none attached.")
def _evidence(_: Record, context: Context) -> Iterator[Hit]:
    for change in context.changes:
        if change.needs_evidence and not change.has_evidence and change.state not in SETTLED_WITHOUT_EFFECT:
            yield Hit(None, {"occurred_vi": vn(change.occurred_on), "occurred": change.occurred_on.isoformat(),
                             "state_vi": STATES.get(change.state, change.state), "state": change.state})
