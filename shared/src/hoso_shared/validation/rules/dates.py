"""Đúng: dates (DOMAIN §1.1 items 3, 8, 13–17, 23, 30 and the "Từ/Đến" periods of the tables).

Nothing happens in the future or before birth; first recruitment falls in working age; related
events come in order; a period starts before it ends; work and salary history run in order without
overlap (work history may hold concurrent roles, so its overlap is a warning; two salaries at once
is an error). Section dates have month precision (stored as the 1st), so they are compared by month.

Fields name table cells as `<section>[<0-based row>].<column>`; messages count rows from 1 ("dòng").
Dates are compared as ISO text ("2026-11-23": text order is date order), which is cheap; a hit is
confirmed by parsing before it is reported. Also the date helpers the other rule modules share."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime
from typing import Any

from hoso_shared.form.base import Period
from hoso_shared.form.sections import SECTIONS
from hoso_shared.validation.context import Context
from hoso_shared.validation.model import Criterion, Fix, Hit, Record, Severity
from hoso_shared.validation.registry import rule
from hoso_shared.validation.rules.date_scan import any_after, any_before

OPEN = "9999-12-31"  # where an ongoing period ("đến nay") ends
MIN_AGE, MAX_AGE = 18, 65  # working age at first recruitment: from 18, below 65

# Item key → (Vietnamese, English) label. A test keeps the keys equal to ProfileItems' date fields.
DATE_ITEMS: dict[str, tuple[str, str]] = {
    "birth_date": ("ngày sinh", "birth date"),
    "citizen_id_issued_on": ("ngày cấp căn cước", "citizen ID issue date"),
    "first_recruited_on": ("ngày được tuyển dụng lần đầu", "first recruitment date"),
    "joined_agency_on": ("ngày vào cơ quan hiện đang công tác", "date of joining the current agency"),
    "party_joined_on": ("ngày vào Đảng", "Party admission date"),
    "party_official_on": ("ngày chính thức vào Đảng", "Party full-membership date"),
    "first_org_joined_on": ("ngày tham gia tổ chức chính trị – xã hội đầu tiên",
                            "date of joining the first socio-political organisation"),
    "enlisted_on": ("ngày nhập ngũ", "enlistment date"),
    "discharged_on": ("ngày xuất ngũ", "discharge date"),
    "position_appointed_on": ("ngày bổ nhiệm chức vụ", "position appointment date"),
    "position_reappointed_on": ("ngày bổ nhiệm lại chức vụ", "position re-appointment date"),
    "rank_appointed_on": ("ngày bổ nhiệm ngạch", "rank appointment date"),
    "salary_effective_on": ("ngày hưởng bậc lương", "salary step effective date"),
    "over_ceiling_effective_on": ("ngày hưởng phụ cấp thâm niên vượt khung",
                                  "over-ceiling seniority allowance date"),
    "job_salary_effective_on": ("ngày hưởng lương theo vị trí việc làm", "job-position salary effective date"),
    "job_over_ceiling_effective_on": ("ngày hưởng phụ cấp thâm niên vượt khung theo vị trí việc làm",
                                      "job-position over-ceiling allowance date"),
}

DATE_KEYS = tuple(DATE_ITEMS)

# Tables with "Từ/Đến" columns → (Vietnamese, English) label. A test keeps it equal to PERIOD_SECTIONS.
SECTION_LABELS: dict[str, tuple[str, str]] = {
    "training-professional": ("bảng đào tạo chuyên môn (mục 32.1)", "professional training (32.1)"),
    "training-political": ("bảng lý luận chính trị (mục 32.2)", "political theory training (32.2)"),
    "training-state-management": ("bảng bồi dưỡng quản lý nhà nước, nghiệp vụ (mục 32.3)",
                                  "state-management training (32.3)"),
    "training-defence": ("bảng bồi dưỡng quốc phòng, an ninh (mục 32.4)", "defence and security training (32.4)"),
    "training-it": ("bảng tin học (mục 32.5)", "IT training (32.5)"),
    "training-languages": ("bảng ngoại ngữ, tiếng dân tộc (mục 32.6)", "language training (32.6)"),
    "work-history": ("bảng quá trình công tác (mục 33)", "work history (33)"),
    "former-regime": ("bảng làm việc cho chế độ cũ (mục 34.2)", "work for the former regime (34.2)"),
    "foreign-ties": ("bảng quan hệ với tổ chức nước ngoài (mục 34.3)", "foreign ties (34.3)"),
    "discipline": ("bảng kỷ luật (mục 35.2)", "discipline (35.2)"),
    "salary-history": ("bảng quá trình lương (mục 37.1)", "salary history (37.1)"),
    "allowance-history": ("bảng phụ cấp (mục 37.2)", "allowance history (37.2)"),
}
PERIOD_SECTIONS = tuple(name for name, (_, model, _) in SECTIONS.items() if issubclass(model, Period))
PERIODS = frozenset(PERIOD_SECTIONS)
PERIOD_STARTS = [f"{s}.from_date" for s in PERIOD_SECTIONS]
PERIOD_COLUMNS = [f"{s}.{c}" for s in PERIOD_SECTIONS for c in ("from_date", "to_date")]
ORDERED_SECTIONS = ("work-history", "salary-history")

# (earlier item, later item, must the later be strictly after?): events the form lists in order.
ORDER: tuple[tuple[str, str, bool], ...] = (
    ("first_recruited_on", "joined_agency_on", False),
    ("party_joined_on", "party_official_on", True),
    ("enlisted_on", "discharged_on", False),
    ("position_appointed_on", "position_reappointed_on", True),
)
RELATION = {True: ("phải sau", "must be after"), False: ("không được trước", "must not be before")}


def as_date(value: Any) -> date | None:
    """An ISO date (a JSON string, or a date) or None when absent or unreadable."""
    if isinstance(value, str):
        try:
            return date.fromisoformat(value[:10])
        except ValueError:
            return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return None


def iso(value: Any) -> str | None:
    """A value as ISO date text "YYYY-MM-DD" (shape only: confirm hits with `as_date`), or None."""
    if value.__class__ is str and len(value) == 10 and value[4] == "-" and value[7] == "-":
        return value
    if value is None:
        return None
    day = as_date(value)
    return None if day is None else day.isoformat()


def rows(record: Record, section: str) -> list[Any]:
    """A table's rows; any of them may be something other than a dict (the rules check)."""
    value = (record.get("sections") or {}).get(section)
    return value if value.__class__ is list else []


def span(row: Any) -> tuple[str | None, str | None]:
    """(from, to) of a table row as ISO text; to is None while ongoing."""
    if row.__class__ is not dict:
        return None, None
    return iso(row.get("from_date")), iso(row.get("to_date"))


def cell(section: str, i: int) -> tuple[str, str]:
    """(Vietnamese, English) name of a table row, for messages: "bảng quá trình lương (mục 37.1), dòng 2"."""
    vi, en = SECTION_LABELS[section]
    return f"{vi}, dòng {i + 1}", f"{en}, row {i + 1}"


def vn(day: date) -> str:
    return f"{day.day:02d}/{day.month:02d}/{day.year}"


def vn_month(value: str | None) -> str:
    return "nay" if value is None else f"{value[5:7]}/{value[:4]}"


def en_month(value: str | None) -> str:
    return "present" if value is None else value[:7]


def _starts(record: Record) -> list[tuple[str, int, Any]]:
    """(table, row, raw "từ" value) of every row of the period tables that has one."""
    found: list[tuple[str, int, Any]] = []
    for section, table in (record.get("sections") or {}).items():
        if table.__class__ is list and section in PERIODS:
            for i, row in enumerate(table):
                if row.__class__ is dict and (value := row.get("from_date")) is not None:
                    found.append((section, i, value))
    return found


def _dated(field: str, labels: tuple[str, str], day: date, more: dict[str, str]) -> Hit:
    return Hit(field, {"label_vi": labels[0], "label_en": labels[1], "value_vi": vn(day), "value": day.isoformat(),
                       **more})


def _row_field(section: str, i: int) -> tuple[str, tuple[str, str]]:
    vi, en = cell(section, i)
    return f"{section}[{i}].from_date", (f"{vi}, cột “từ”", f"{en}, from")


@rule("DUNG-NGAY-001", Criterion.DUNG, Severity.ERROR, reads=[*DATE_ITEMS, *PERIOD_STARTS],
      vi="Ngày trong tương lai: {label_vi} là {value_vi}, sau hôm nay ({today_vi}).",
      en="Date in the future: the {label_en} is {value}, after today ({today}).")
def _future(record: Record, context: Context) -> list[Hit]:
    today, text = context.today, context.today.isoformat()
    if not any_after(record, text):
        return []
    more, items = {"today_vi": vn(today), "today": text}, record.get("items") or {}
    hits = [_dated(key, DATE_ITEMS[key], day, more) for key in DATE_KEYS
            if (day := as_date(items.get(key))) is not None and day > today]
    for section, i, value in _starts(record):
        if (day := as_date(value)) is not None and day > today:
            field, labels = _row_field(section, i)
            hits.append(_dated(field, labels, day, more))
    return hits


@rule("DUNG-NGAY-002", Criterion.DUNG, Severity.ERROR, reads=[*DATE_ITEMS, *PERIOD_STARTS],
      vi="Ngày trước ngày sinh: {label_vi} là {value_vi}, nhưng ngày sinh là {born_vi}.",
      en="Date before birth: the {label_en} is {value}, but the birth date is {born}.")
def _before_birth(record: Record, _: Context) -> list[Hit]:
    items = record.get("items") or {}
    text = iso(items.get("birth_date"))
    if text is None or not any_before(record, text, text[:8] + "01"):  # table cells are months
        return []
    born = as_date(text)
    if born is None:
        return []
    month, more = born.replace(day=1), {"born_vi": vn(born), "born": born.isoformat()}
    hits = [_dated(key, DATE_ITEMS[key], day, more) for key in DATE_KEYS
            if (day := as_date(items.get(key))) is not None and day < born]
    for section, i, value in _starts(record):
        if (day := as_date(value)) is not None and day < month:
            field, labels = _row_field(section, i)
            hits.append(_dated(field, labels, day, more))
    return hits


def full_years(born: date, on: date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


@rule("DUNG-NGAY-003", Criterion.DUNG, Severity.ERROR, reads=["birth_date", "first_recruited_on"],
      vi="Tuổi khi được tuyển dụng lần đầu là {age}, ngoài độ tuổi làm việc (từ đủ {min_age} đến dưới {max_age}).",
      en="Age at first recruitment is {age}, outside working age ({min_age} or over, under {max_age}).")
def _recruitment_age(record: Record, _: Context) -> Iterator[Hit]:
    items = record.get("items") or {}
    born, recruited = as_date(items.get("birth_date")), as_date(items.get("first_recruited_on"))
    if born is None or recruited is None or recruited < born:  # before birth: DUNG-NGAY-002 says so
        return
    age = full_years(born, recruited)
    if not MIN_AGE <= age < MAX_AGE:
        yield Hit("first_recruited_on", {"age": age, "min_age": MIN_AGE, "max_age": MAX_AGE})


@rule("DUNG-NGAY-004", Criterion.DUNG, Severity.ERROR, reads=list(dict.fromkeys(k for pair in ORDER for k in pair[:2])),
      vi="Sai thứ tự ngày: {later_vi} ({later_value_vi}) {relation_vi} {earlier_vi} ({earlier_value_vi}).",
      en="Dates out of order: the {later_en} ({later_value}) {relation_en} the {earlier_en} ({earlier_value}).")
def _order(record: Record, _: Context) -> Iterator[Hit]:
    items = record.get("items") or {}
    for earlier_key, later_key, strict in ORDER:
        first, then = items.get(earlier_key), items.get(later_key)
        if first is None or then is None or (first.__class__ is str and then.__class__ is str and then > first):
            continue
        earlier, later = as_date(first), as_date(then)
        if earlier is None or later is None or later > earlier or (later == earlier and not strict):
            continue
        (earlier_vi, earlier_en), (later_vi, later_en) = DATE_ITEMS[earlier_key], DATE_ITEMS[later_key]
        relation_vi, relation_en = RELATION[strict]
        yield Hit(later_key, {"later_vi": later_vi, "later_en": later_en, "later_value_vi": vn(later),
                              "later_value": later.isoformat(), "earlier_vi": earlier_vi, "earlier_en": earlier_en,
                              "earlier_value_vi": vn(earlier), "earlier_value": earlier.isoformat(),
                              "relation_vi": relation_vi, "relation_en": relation_en})


@rule("DUNG-NGAY-005", Criterion.DUNG, Severity.ERROR, reads=PERIOD_COLUMNS,
      vi="Khoảng thời gian sai ở {section_vi}, dòng {row}: “từ” {from_vi} sau “đến” {to_vi}.",
      en="Invalid period in {section_en}, row {row}: from {from_} is after to {to}.")
def _period(record: Record, _: Context) -> list[Hit]:
    hits = []
    for section, table in (record.get("sections") or {}).items():
        if table.__class__ is not list or section not in PERIODS:
            continue
        for i, row in enumerate(table):
            raw, end = (row.get("from_date"), row.get("to_date")) if row.__class__ is dict else (None, None)
            if raw is None or end is None or (raw.__class__ is str and end.__class__ is str and raw <= end):
                continue
            start_day, end_day = as_date(raw), as_date(end)
            if start_day is not None and end_day is not None and start_day > end_day:
                start, stop = start_day.isoformat(), end_day.isoformat()
                vi, en = SECTION_LABELS[section]
                hits.append(Hit(f"{section}[{i}].to_date", {"section_vi": vi, "section_en": en, "row": i + 1,
                                                             "from_vi": vn_month(start), "to_vi": vn_month(stop),
                                                             "from_": en_month(start), "to": en_month(stop)}))
    return hits


@rule("DUNG-NGAY-006", Criterion.DUNG, Severity.WARNING,
      reads=[f"{s}.from_date" for s in ORDERED_SECTIONS],
      vi="Các dòng của {section_vi} không theo thứ tự thời gian: dòng {row} ({from_vi}) bắt đầu trước dòng {prev} "
         "({prev_vi}).",
      en="The rows of the {section_en} are not in time order: row {row} ({from_}) starts before row {prev} "
         "({prev_from}).")
def _chronological(record: Record, _: Context) -> Iterator[Hit]:
    for section in ORDERED_SECTIONS:
        last, last_row = "", 0
        for i, row in enumerate(rows(record, section)):
            start = row.get("from_date") if row.__class__ is dict else None
            if start is not None and start.__class__ is not str:
                start = iso(start)
            if start is None:
                continue
            if start < last and as_date(start) and as_date(last):
                vi, en = SECTION_LABELS[section]
                yield Hit(section, {"section_vi": vi, "section_en": en, "row": i + 1, "prev": last_row + 1,
                                    "from_vi": vn_month(start), "prev_vi": vn_month(last),
                                    "from_": en_month(start), "prev_from": en_month(last)})
                break
            last, last_row = start, i


def overlaps(table: list[Any]) -> Iterator[tuple[int, int]]:
    """(earlier row, later row) index pairs where the later row starts before the earlier one ends.
    Sharing the boundary month is not an overlap; an ongoing row overlaps everything after it."""
    if _plainly_sequential(table):
        return
    starts = []
    for i, row in enumerate(table):
        start, end = span(row)
        if start is not None:
            starts.append((start, i, OPEN if end is None else end))
    starts.sort()
    reach, reach_row = "", -1  # the furthest end so far, and its row
    for start, i, end in starts:
        if start < reach:
            yield reach_row, i
        if end > reach:
            reach, reach_row = end, i


def _plainly_sequential(table: list[Any]) -> bool:
    """The common case, answered on the raw strings: rows in order, each starting when or after every
    earlier one ended. False means "look closer", not "overlap"."""
    reach = last = ""
    for row in table:
        if row.__class__ is not dict:
            return False
        start, end = row.get("from_date"), row.get("to_date")
        if start is None:
            continue
        if start.__class__ is not str or start < last or start < reach or \
                (end is not None and end.__class__ is not str):
            return False
        last, reach = start, max(reach, OPEN if end is None else end)
    return True


def _overlap_params(table: list[Any], earlier: int, later: int) -> dict[str, Any]:
    (e_from, e_to), (l_from, l_to) = span(table[earlier]), span(table[later])
    return {"row": later + 1, "other": earlier + 1,
            "span_vi": f"{vn_month(l_from)} – {vn_month(l_to)}", "other_vi": f"{vn_month(e_from)} – {vn_month(e_to)}",
            "span": f"{en_month(l_from)} – {en_month(l_to)}", "other_span": f"{en_month(e_from)} – {en_month(e_to)}"}


@rule("DUNG-QTCT-001", Criterion.DUNG, Severity.WARNING, reads=["work-history.from_date", "work-history.to_date"],
      vi="Quá trình công tác: dòng {row} ({span_vi}) trùng thời gian với dòng {other} ({other_vi}); "
         "nếu là chức vụ kiêm nhiệm thì có thể bỏ qua cảnh báo này.",
      en="Work history: row {row} ({span}) overlaps row {other} ({other_span}); ignore this if it is a concurrent "
         "role.")
def _work_overlap(record: Record, _: Context) -> Iterator[Hit]:
    table = rows(record, "work-history")
    if len(table) > 1:
        for earlier, later in overlaps(table):
            yield Hit(f"work-history[{later}].from_date", _overlap_params(table, earlier, later))


@rule("DUNG-QTL-001", Criterion.DUNG, Severity.ERROR, reads=["salary-history.from_date", "salary-history.to_date"],
      vi="Quá trình lương: dòng {row} ({span_vi}) trùng thời gian với dòng {other} ({other_vi}); mỗi thời điểm "
         "chỉ hưởng một mức lương.",
      en="Salary history: row {row} ({span}) overlaps row {other} ({other_span}); only one salary applies at a time.")
def _salary_overlap(record: Record, _: Context) -> Iterator[Hit]:
    table = rows(record, "salary-history")
    if len(table) < 2:
        return
    for earlier, later in overlaps(table):
        e_from, l_from = span(table[earlier])[0], span(table[later])[0]
        # The earlier row most likely ends where the later one starts (month precision: same month).
        fix = None if e_from is None or l_from is None or e_from >= l_from else \
            Fix(f"salary-history[{earlier}].to_date", l_from)
        yield Hit(f"salary-history[{later}].from_date", _overlap_params(table, earlier, later), fix)
