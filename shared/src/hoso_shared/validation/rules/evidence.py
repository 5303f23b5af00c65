"""Đủ: the evidence a change needs (DOMAIN "decisions": a digitised copy of the certified document).

DOMAIN lists which changes need it: identity (name, birth date, sex, citizen ID), qualifications and
training (the diploma or certificate), rank, step, coefficient and allowances (the decision), position
(the appointment decision), awards and discipline (the decision). `EVIDENCE` holds that list as data;
a lifecycle event (transfer, retirement, resignation, death) is made by a decision (or the death
certificate), which is its evidence under every policy (hanoi-2024 Điều 12). The deadline policy may ask
more: under hanoi-2024 every change carries its document (Điều 6 khoản 3;
`DeadlinePolicy.evidence_for_every_change`). `needs_evidence` answers both for the fields a change
touches, so the services that refuse a change without evidence, the facts (`ChangeFact.needs_evidence`,
DOMAIN's list) and this rule (which adds the context's policy) agree."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from hoso_shared.deadlines import DeadlinePolicy
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
# The payload keys of a lifecycle event (status: retired, resigned …; org_unit_id: a transfer): made by a
# decision, whose scan is their evidence under every policy.
LIFECYCLE_KEYS = frozenset({"status", "org_unit_id"})
RULE = "DU-MINHCHUNG-001"  # the rule a refusal for missing evidence cites
# A change that no longer stands needs no document.
SETTLED_WITHOUT_EFFECT = frozenset({"withdrawn", "rejected"})
STATES: dict[str, str] = {
    "draft": "bản nháp", "submitted": "đã gửi duyệt", "approved": "đã duyệt", "returned": "bị trả lại",
    "applied": "đã cập nhật vào hồ sơ",
}


def _base(name: str) -> str:
    return name.split("[", 1)[0].split(".", 1)[0]


def needs_evidence(changed: Iterable[str], policy: DeadlinePolicy | None = None) -> bool:
    """Whether a change touching these fields needs a document: DOMAIN's list and lifecycle events always,
    and every change when `policy` asks it (`evidence_for_every_change`). Names are item keys, table
    names (optionally with a row and column: "salary-history[2].coefficient") or lifecycle keys."""
    return bool(evidence_fields(changed, policy))


def evidence_fields(changed: Iterable[str], policy: DeadlinePolicy | None = None) -> list[str]:
    """Those of `changed` whose change needs a document (for the refusal to name them)."""
    every = policy is not None and policy.evidence_for_every_change
    return [name for name in changed if every or _base(name) in EVIDENCE or _base(name) in LIFECYCLE_KEYS]


def changed_names(payload: Mapping[str, Any]) -> list[str]:
    """What a change request's payload changes: its item keys, table names and lifecycle keys."""
    return sorted({*payload.get("items", {}), *payload.get("sections", {}),
                   *(key for key in LIFECYCLE_KEYS if key in payload)})


@rule("DU-MINHCHUNG-001", Criterion.DU, Severity.ERROR, needs=["changes"], reads=["context.changes"],
      vi="Thay đổi ngày {occurred_vi} ({state_vi}) cần văn bản minh chứng (bản số hóa của quyết định, văn bằng, "
         "giấy tờ gốc) nhưng chưa đính kèm.",
      en="The change of {occurred} ({state}) needs a supporting document (a digitised decision, diploma or "
         "certificate) and has none attached.")
def _evidence(_: Record, context: Context) -> Iterator[Hit]:
    every = context.policy.evidence_for_every_change  # the policy may ask a document of every change
    for change in context.changes:
        needed = change.needs_evidence or every
        if needed and not change.has_evidence and change.state not in SETTLED_WITHOUT_EFFECT:
            yield Hit(None, {"occurred_vi": vn(change.occurred_on), "occurred": change.occurred_on.isoformat(),
                             "state_vi": STATES.get(change.state, change.state), "state": change.state})
