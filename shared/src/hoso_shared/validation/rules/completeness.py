"""Đủ: the items a record must hold, by category and status, and the tables it must not leave empty.

The required-field tables below are OURS: DOMAIN has no official list (the 194-field dictionary of
NĐ 27/2026 is [NOT FOUND]). They are our reading of the TT 06/2023 form, kept as data so they are
easy to correct. Archived statuses (transferred_out, retired, resigned, deceased) add nothing: the
record stays as it was when the person left, so the category's list still applies (its "nơi ở hiện
nay" is the last one known) but no current work-history row is expected."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from hoso_shared.validation.context import Context
from hoso_shared.validation.model import Criterion, Hit, Record, Severity
from hoso_shared.validation.registry import rule
from hoso_shared.validation.rules.dates import rows, span

COMMON = ("full_name", "sex", "birth_date", "citizen_id", "ethnicity_code", "religion_code", "birth_place",
          "home_town", "residence")
SALARIED = ("rank_code", "salary_step", "salary_coefficient", "first_recruited_on", "highest_qualification")
REQUIRED_BY_CATEGORY: dict[str, tuple[str, ...]] = {
    "can_bo": (*COMMON, "current_position"),
    "cong_chuc": (*COMMON, *SALARIED),
    "vien_chuc": (*COMMON, *SALARIED),
    "cap_xa": (*COMMON, "current_position", "first_recruited_on"),
}
REQUIRED_BY_STATUS: dict[str, tuple[str, ...]] = {
    "active": ("residence",),  # also a current work-history row: DU-QTCT-001
    "transferred_out": (), "retired": (), "resigned": (), "deceased": (),
}
TRAINED_CATEGORIES = frozenset({"cong_chuc", "vien_chuc"})  # expected to list their professional training

LABELS: dict[str, tuple[str, str]] = {
    "full_name": ("họ và tên khai sinh (mục 1)", "birth full name (item 1)"),
    "sex": ("giới tính (mục 1)", "sex (item 1)"),
    "birth_date": ("ngày sinh (mục 3)", "birth date (item 3)"),
    "birth_place": ("nơi sinh (mục 4)", "place of birth (item 4)"),
    "home_town": ("quê quán (mục 5)", "home town (item 5)"),
    "ethnicity_code": ("dân tộc (mục 6)", "ethnicity (item 6)"),
    "religion_code": ("tôn giáo (mục 7)", "religion (item 7)"),
    "citizen_id": ("số định danh cá nhân (mục 8)", "personal ID number (item 8)"),
    "residence": ("nơi ở hiện nay (mục 10)", "current residence (item 10)"),
    "first_recruited_on": ("ngày được tuyển dụng lần đầu (mục 13)", "first recruitment date (item 13)"),
    "highest_qualification": ("trình độ chuyên môn cao nhất (mục 20)", "highest qualification (item 20)"),
    "current_position": ("chức vụ hiện tại (mục 23)", "current position (item 23)"),
    "rank_code": ("mã ngạch, chức danh nghề nghiệp (mục 30.1)", "rank or professional title code (item 30.1)"),
    "salary_step": ("bậc lương (mục 30.1)", "salary step (item 30.1)"),
    "salary_coefficient": ("hệ số lương (mục 30.1)", "salary coefficient (item 30.1)"),
}
CATEGORIES: dict[str, tuple[str, str]] = {
    "can_bo": ("cán bộ", "cadre"), "cong_chuc": ("công chức", "civil servant"),
    "vien_chuc": ("viên chức", "public employee"), "cap_xa": ("cán bộ, công chức cấp xã", "commune-level official"),
}


def _union(*lists: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(field for fields in lists for field in fields))


# Built once: (category, status) → the fields to check, in form order.
REQUIRED: dict[tuple[object, object], tuple[str, ...]] = {
    (category, status): _union(fields, extra)
    for category, fields in REQUIRED_BY_CATEGORY.items() for status, extra in REQUIRED_BY_STATUS.items()
}


def missing(value: Any) -> bool:
    """Absent, blank, or a place/list with nothing in it."""
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, dict):
        return all(missing(v) for v in value.values())
    if isinstance(value, list):
        return not value
    return False


def _filled(place: dict[str, Any]) -> bool:
    """A place (or other dict) with at least one part that is not blank."""
    for part in place.values():
        if part.__class__ is str and part and not part[0].isspace():
            return True
    return not missing(place)


@rule("DU-TRUONG-001", Criterion.DU, Severity.ERROR, reads=list(LABELS),
      vi="Thiếu {label_vi}, là thông tin bắt buộc đối với {category_vi}.",
      en="The {label_en} is missing; it is required for a {category_en}.")
def _required(record: Record, _: Context) -> list[Hit]:
    category, status = record.get("category"), record.get("status")
    try:
        fields = REQUIRED[category, status]
    except (KeyError, TypeError):  # an unknown category or status: what every record needs
        fields = _union(REQUIRED_BY_CATEGORY.get(str(category), COMMON), REQUIRED_BY_STATUS.get(str(status), ()))
    items = record.get("items") or {}
    hits = []
    for field, value in zip(fields, map(items.get, fields), strict=True):
        if value.__class__ is str:
            if value and not value[0].isspace():
                continue  # the common case, answered cheaply
        elif value.__class__ is dict and _filled(value):
            continue
        if missing(value):
            label_vi, label_en = LABELS[field]
            category_vi, category_en = CATEGORIES.get(str(category), ("mọi hồ sơ", "any record"))
            hits.append(Hit(field, {"label_vi": label_vi, "label_en": label_en, "category_vi": category_vi,
                                    "category_en": category_en}))
    return hits


@rule("DU-QTCT-001", Criterion.DU, Severity.ERROR, reads=["status", "work-history.from_date", "work-history.to_date"],
      vi="Người đang công tác phải có một dòng quá trình công tác hiện tại (mục 33, chưa có ngày kết thúc).",
      en="A serving official needs a current work-history row (item 33, with no end date yet).")
def _current_work(record: Record, context: Context) -> Iterator[Hit]:
    if record.get("status") != "active":
        return
    today = context.today.isoformat()
    this_month = today[:8] + "01"
    for row in rows(record, "work-history"):
        start, end = span(row)
        if row.__class__ is dict and (start is None or start <= today) and (end is None or end >= this_month):
            return
    yield Hit("work-history")


@rule("DU-DAOTAO-001", Criterion.DU, Severity.WARNING, reads=["category", "training-professional"],
      vi="Chưa khai quá trình đào tạo chuyên môn (mục 32.1); {category_vi} cần có ít nhất một dòng.",
      en="No professional training is listed (item 32.1); a {category_en} should have at least one row.")
def _training(record: Record, _: Context) -> tuple[Hit, ...]:
    category = record.get("category")
    if category.__class__ is not str or category not in TRAINED_CATEGORIES or rows(record, "training-professional"):
        return ()
    vi, en = CATEGORIES[str(category)]
    return (Hit("training-professional", {"category_vi": vi, "category_en": en}),)
