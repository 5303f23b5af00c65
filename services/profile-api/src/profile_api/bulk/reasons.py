"""Why a row of a bulk file cannot be stored, Vietnamese first: every reason the importer gives has a stable code
here and one Vietnamese message (a `str.format` template over the reason's values). A reason reads
`<column>: <message>` (a table row's column as `work-history[7].from_date`), as the API lists it, the portal shows
it beside the column's label, and errors.xlsx writes it. `say` is the only way a reason is made; the form's own
checks (pydantic errors) are worded through `of_error`, by their error type, never pydantic's English."""

from __future__ import annotations

from typing import Any

from pydantic_core import ErrorDetails

MESSAGES: dict[str, str] = {
    # the cell itself (columns.cell_text)
    "cell-date": "ô đang chứa ngày tháng; hãy ghi giá trị dạng văn bản",
    "cell-boolean": "ô đang chứa giá trị TRUE/FALSE; hãy ghi giá trị dạng văn bản",
    "cell-number": "ô đang chứa số; hãy ghi dạng văn bản để giữ các chữ số 0 ở đầu",
    "date-format": "không phải ngày (ghi theo dạng YYYY-MM-DD hoặc DD/MM/YYYY)",
    "month-format": "không phải tháng (ghi theo dạng MM/YYYY, YYYY-MM hoặc một ngày)",
    # the row on its own (rows, tables)
    "required": "bắt buộc, chưa có giá trị",
    "category": "phải là một trong các giá trị {choices}",
    "future": "là ngày trong tương lai",
    "citizen-id-digits": "phải gồm đúng 12 chữ số",
    "citizen-id-province": "3 chữ số đầu không phải mã tỉnh nơi đăng ký khai sinh",
    "citizen-id-sex": "chữ số thứ 4 ứng với giới tính {id_sex}, nhưng giới tính ghi là {sex}",
    "citizen-id-year": "chữ số thứ 4–6 ứng với năm sinh {id_year}, nhưng ngày sinh ghi năm {birth_year}",
    # the form's checks, by pydantic's error type (of_error)
    "not-a-date": "không phải ngày hợp lệ",
    "not-a-number": "không phải số hợp lệ",
    "not-an-integer": "không phải số nguyên",
    "decimal-places": "có nhiều hơn {decimal_places} chữ số thập phân",
    "too-many-digits": "có quá nhiều chữ số",
    "too-small": "phải lớn hơn {limit}",
    "too-small-or-equal": "phải lớn hơn hoặc bằng {limit}",
    "too-large": "phải nhỏ hơn {limit}",
    "too-large-or-equal": "phải nhỏ hơn hoặc bằng {limit}",
    "too-long": "dài quá {max_length} ký tự",
    "too-short": "phải có ít nhất {min_length} ký tự",
    "pattern": "không đúng định dạng",
    "choice": "phải là một trong các giá trị {expected}",
    "not-in-list": "không có trong danh mục {list}",
    "nul": "có ký tự NUL, không được phép",
    "unknown-column": "cột không có trong mẫu",
    "invalid": "giá trị không hợp lệ",
    # the whole file and the database (scan, tasks)
    "repeated": "số định danh này cũng có ở dòng {row} của tệp",
    "taken": "đã có hồ sơ mang số định danh này",
    "unit-unknown": "không có đơn vị mã {code} trong phạm vi quản lý của bạn",
    "unit-closed": "đơn vị {code} đã ngừng hoạt động từ ngày {day}",
    "no-owner": "không có dòng nào ở trang profiles mang số định danh này",
}

SEX = {"M": "nam (M)", "F": "nữ (F)"}  # as the sheet's `sex` column writes them
# The code lists of hoso_shared.codes by the name their validator gives, in Vietnamese.
LISTS = {"ethnicity": "dân tộc", "religion": "tôn giáo", "rank": "ngạch, chức danh nghề nghiệp",
         "province": "tỉnh, thành phố"}

# pydantic error type → our code, and the context values its message uses
_BY_TYPE: dict[str, tuple[str, dict[str, str]]] = {
    "missing": ("required", {}),
    "decimal_parsing": ("not-a-number", {}), "decimal_type": ("not-a-number", {}),
    "float_parsing": ("not-a-number", {}), "float_type": ("not-a-number", {}),
    "int_parsing": ("not-an-integer", {}), "int_type": ("not-an-integer", {}),
    "int_from_float": ("not-an-integer", {}),
    "decimal_max_places": ("decimal-places", {"decimal_places": "decimal_places"}),
    "decimal_max_digits": ("too-many-digits", {}), "decimal_whole_digits": ("too-many-digits", {}),
    "greater_than": ("too-small", {"limit": "gt"}), "greater_than_equal": ("too-small-or-equal", {"limit": "ge"}),
    "less_than": ("too-large", {"limit": "lt"}), "less_than_equal": ("too-large-or-equal", {"limit": "le"}),
    "string_too_long": ("too-long", {"max_length": "max_length"}),
    "string_too_short": ("too-short", {"min_length": "min_length"}),
    "string_pattern_mismatch": ("pattern", {}),
    "literal_error": ("choice", {"expected": "expected"}),
    "enum": ("choice", {"expected": "expected"}),
    "extra_forbidden": ("unknown-column", {}),
}


def say(column: str, reason: str, /, **values: Any) -> str:
    """One reason: `<column>: <its Vietnamese message>` (`reason`: its code in MESSAGES)."""
    return f"{column}: {MESSAGES[reason].format(**values)}"


def _value_error(error: ErrorDetails) -> tuple[str, dict[str, Any]]:
    """The form's own validators (hoso_shared.codes, hoso_shared.form) raise ValueError with English words."""
    text = str(error.get("ctx", {}).get("error", error["msg"]))
    if text.startswith("not a code of the ") and text.endswith(" list"):
        name = text.removeprefix("not a code of the ").removesuffix(" list")
        return "not-in-list", {"list": LISTS.get(name, name)}
    if "NUL" in text:
        return "nul", {}
    return "invalid", {}


def of_error(error: ErrorDetails) -> str:
    """A pydantic error of the form's checks as a reason (its location as the column)."""
    column = ".".join(str(p) for p in error["loc"])
    kind = error["type"]
    if kind == "string_pattern_mismatch" and column == "citizen_id":
        return say(column, "citizen-id-digits")
    if kind.startswith("date"):
        return say(column, "not-a-date")
    if kind == "value_error":
        code, values = _value_error(error)
        return say(column, code, **values)
    code, names = _BY_TYPE.get(kind, ("invalid", {}))
    context = error.get("ctx", {})
    return say(column, code, **{name: context.get(key, "") for name, key in names.items()})
