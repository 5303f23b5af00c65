"""Đúng: agreement with the national population database (CSDLQG về dân cư, DOMAIN §6.3), the legal
source of truth for identity. The service asks it and passes the answer in `Context.citizen_check`;
whether that answer is missing or stale is a Sống question, not asked here."""

from __future__ import annotations

from collections.abc import Iterator

from hoso_shared.validation.context import Context
from hoso_shared.validation.model import Criterion, Hit, Record, Severity
from hoso_shared.validation.registry import rule
from hoso_shared.validation.rules.dates import vn

# The items the population DB compares → (Vietnamese, English) label.
IDENTITY: dict[str, tuple[str, str]] = {
    "citizen_id": ("số định danh cá nhân", "personal ID number"),
    "full_name": ("họ và tên", "full name"),
    "birth_date": ("ngày sinh", "birth date"),
    "sex": ("giới tính", "sex"),
    "ethnicity_code": ("dân tộc", "ethnicity"),  # compared when the record has them (filled from the register)
    "religion_code": ("tôn giáo", "religion"),
}
READS = ["context.citizen_check", *IDENTITY]


@rule("DUNG-DANCU-001", Criterion.DUNG, Severity.ERROR, needs=["citizen_check"], reads=READS,
      vi="Thông tin {label_vi} không khớp với Cơ sở dữ liệu quốc gia về dân cư (đối chiếu ngày {checked_on_vi}).",
      en="The {label_en} does not match the national population database (checked on {checked_on}).")
def _mismatch(_: Record, context: Context) -> Iterator[Hit]:
    check = context.citizen_check
    if check is None or check.result != "mismatch":
        return
    on = {"checked_on_vi": vn(check.checked_on), "checked_on": check.checked_on.isoformat()}
    for field in check.mismatched or ("",):  # a mismatch that names no field still counts once
        vi, en = IDENTITY.get(field) or ((field, field) if field else ("nhân thân", "identity"))
        yield Hit(field or None, {"label_vi": vi, "label_en": en, **on})


@rule("DUNG-DANCU-002", Criterion.DUNG, Severity.ERROR, needs=["citizen_check"], reads=READS,
      vi="Không tìm thấy số định danh cá nhân này trong Cơ sở dữ liệu quốc gia về dân cư (đối chiếu ngày "
         "{checked_on_vi}).",
      en="The personal ID was not found in the national population database (checked on {checked_on}).")
def _not_found(_: Record, context: Context) -> Iterator[Hit]:
    check = context.citizen_check
    if check is not None and check.result == "not_found":
        yield Hit("citizen_id", {"checked_on_vi": vn(check.checked_on), "checked_on": check.checked_on.isoformat()})
