"""Sạch: values in their clean form (DOMAIN "Đúng – Đủ – Sạch – Sống": "no junk, formats per shared
dictionaries"). Free text in Unicode NFC without stray whitespace, names capitalised word by word,
phone numbers in national digits, and no placeholder standing in for data ("N/A", "-", 1900-01-01).

The free-text items are listed here, not guessed from the values: codes ("00" religion, "01.003"
rank), numbers kept as strings ("3.00") and ISO dates are not text. Section cells are named
`table[row].column` (e.g. `work-history[0].unit`), place parts `item.part` (`birth_place.commune`).
Messages never repeat a value that may be sensitive (phone, relatives); the fix carries it. Only a
placeholder word is quoted, being no one's data.

Speed: these rules run on every record, and clean records are the common case, so each first looks at
all the text at once ("|".join, then C-level string tests) and walks the record field by field, naming
fields, only when something may be wrong. The tests check that this shortcut never hides a finding.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from itertools import repeat
from typing import Any

from hoso_shared.validation.model import Criterion, Fix, Hit, Record, Severity, memoised
from hoso_shared.validation.normalise import (
    nfc,
    normalise_multiline,
    normalise_name,
    normalise_phone,
    normalise_text,
)
from hoso_shared.validation.registry import rule
from hoso_shared.validation.rules.date_scan import any_on_or_before
from hoso_shared.validation.rules.dates import DATE_ITEMS, PERIOD_SECTIONS

TEXT_ITEMS = (
    "managing_agency", "employing_unit", "file_number", "legacy_identifier", "full_name", "other_names",
    "social_insurance_no", "health_insurance_no", "family_origin", "occupation_before_recruitment", "recruiting_body",
    "first_org_name", "highest_military_rank", "policy_category", "highest_qualification", "state_honorary_title",
    "current_position", "planned_title", "concurrent_position", "party_position", "party_concurrent_position",
    "strengths", "longest_job", "job_position", "job_position_code", "health_status")
LONG_ITEMS = ("main_duties", "arrest_history", "housing", "land", "employer_assessment")
PLACE_ITEMS = ("birth_place", "home_town", "residence")
PLACE_PARTS = ("commune", "district", "province", "detail")
_TRAINING = (("institution", "field_of_study", "mode", "award"), ())
# Table → (one-line text columns, multi-line text columns). Codes, numbers, dates and the language
# score are not text; salary-history holds none.
TABLE_TEXT: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    **dict.fromkeys(("training-professional", "training-political", "training-state-management",
                     "training-defence", "training-it"), _TRAINING),
    "training-languages": (("institution", "language", "award"), ()),
    "work-history": (("unit", "title"), ()),
    "former-regime": ((), ("description",)), "foreign-ties": ((), ("description",)),
    "awards": (("professional_rating", "emulation_rating", "award"), ()),
    "discipline": (("form", "deciding_body"), ("violation",)),
    "family": (("relation", "full_name"), ("details",)), "family-in-law": (("relation", "full_name"), ("details",)),
    "allowance-history": (("kind", "form"), ()),
}
NAME_ITEMS = ("full_name", "other_names")
FAMILY_TABLES = ("family", "family-in-law")

# Words people type to get past a required box. Compared after cleaning and case folding. "Không" is
# a religion's name, but religion is stored as a code, so here it is always a placeholder.
JUNK = frozenset({"không", "khong", "không có", "ko", "n/a", "na", "n.a", "n.a.", "...", "…", "-", "--", "---",
                  "_", ".", "?", "x", "xx", "xxx", "chưa có", "chua co", "chưa", "0", "null", "none"})
NAME_JUNK = JUNK - {"na"}  # "Na" is a given name (Nguyễn Thị Na) and a plausible alias
JUNK_MAX_LENGTH = 16
# Dates no one is born, recruited or admitted on: the 1900-01-01 default, Excel's day 0 (1899-12-30,
# 1899-12-31 in the 1900 system) and the minimum date of many libraries.
PLACEHOLDER_DATES = frozenset({"1900-01-01", "1899-12-30", "1899-12-31", "0001-01-01"})
LATEST_PLACEHOLDER = max(PLACEHOLDER_DATES)  # no date after it can be one: the fast path's bound
DATE_KEYS = tuple(DATE_ITEMS)
PERIODS = frozenset(PERIOD_SECTIONS)
MOBILE = re.compile(r"^0[35789][0-9]{8}$")  # 10 digits since the 2018 renumbering
LANDLINE = re.compile(r"^02[0-9]{9}$")  # 11 digits: 02 + area code + subscriber


Suspect = Callable[[str, bool], bool]  # (value, multiline) → worth a closer look?


@dataclass(frozen=True, slots=True)
class FreeText:
    """The record's free text, looked at once per judged record by the Sạch rules' fast paths."""

    short: list[Any]  # one-line values
    long: list[Any]  # multi-line values
    blob: str | None  # the one-line values joined by "|"; None when one is not text
    tidy: bool  # every one-line value already in normal form (False: look closer)


def gather(record: Record) -> FreeText:
    result: FreeText = memoised(record, "free_text", _free_text)
    return result


def _free_text(record: Record) -> FreeText:
    short, long = _gather(record)
    try:
        blob: str | None = "|".join(short)
    except TypeError:  # a value that is not text: the slow path skips it
        blob = None
    return FreeText(short, long, blob, blob is not None and (not blob or tidy_blob(blob)))


def _gather(record: Record) -> tuple[list[Any], list[Any]]:
    """Every non-blank free-text value, in plain loops (compiled by mypyc): the fast path that most
    records, being clean, never leave."""
    items = record.get("items", {})
    short: list[Any] = [value for key in TEXT_ITEMS if (value := items.get(key))]
    long: list[Any] = [value for key in LONG_ITEMS if (value := items.get(key))]
    for key in PLACE_ITEMS:
        place = items.get(key)
        if isinstance(place, dict):
            short.extend([value for value in place.values() if value])
    for table, rows in record.get("sections", {}).items():
        if rows.__class__ is list and (columns := TABLE_TEXT.get(table)) is not None:
            _gather_rows(rows, columns, short, long)
    return short, long


def _gather_rows(rows: list[Any], columns: tuple[tuple[str, ...], tuple[str, ...]], short: list[Any],
                 long: list[Any]) -> None:
    one_line, multi_line = columns
    for row in rows:
        if isinstance(row, dict):
            for column in one_line:
                if value := row.get(column):
                    short.append(value)
            for column in multi_line:
                if value := row.get(column):
                    long.append(value)


def texts(record: Record, suspect: Suspect) -> Iterator[tuple[str, str, bool]]:
    """(field, value, multiline) of the free-text values that `suspect` picks, by name (the slow path)."""
    items = record.get("items", {})
    for keys, multiline in ((TEXT_ITEMS, False), (LONG_ITEMS, True)):
        for key in keys:
            value = items.get(key)
            if isinstance(value, str) and value and suspect(value, multiline):
                yield key, value, multiline
    for key in PLACE_ITEMS:
        place = items.get(key)
        for part in PLACE_PARTS if isinstance(place, dict) else ():
            value = place.get(part)
            if isinstance(value, str) and value and suspect(value, False):
                yield f"{key}.{part}", value, False
    for table, rows in record.get("sections", {}).items():
        if table in TABLE_TEXT and isinstance(rows, list):
            yield from _cells(table, rows, suspect)


def _cells(table: str, rows: list[Any], suspect: Suspect) -> Iterator[tuple[str, str, bool]]:
    short, long = TABLE_TEXT[table]
    columns = (*((c, False) for c in short), *((c, True) for c in long))
    for i, row in enumerate(rows):
        for column, multiline in columns if isinstance(row, dict) else ():
            value = row.get(column)
            if isinstance(value, str) and value and suspect(value, multiline):
                yield f"{table}[{i}].{column}", value, multiline


def tidy(value: str) -> bool:
    """Cheaply: a one-line value already in normal form (printable, NFC, single inner spaces, trimmed).
    False does not mean untidy, only that `normalise_text` must decide."""
    return (value.isprintable() and value[:1] != " " and value[-1:] != " " and "  " not in value
            and (value.isascii() or unicodedata.is_normalized("NFC", value)))


def tidy_blob(blob: str) -> bool:
    """`tidy` for values joined by "|" (which only adds false alarms: "a |b")."""
    return tidy(blob) and " |" not in blob and "| " not in blob


def all_tidy(text: FreeText) -> bool:
    """Every value in normal form, the one-line values judged all at once."""
    return text.tidy and all(isinstance(v, str) and normalise_multiline(v) == v for v in text.long)


def names(record: Record) -> Iterator[tuple[str, str]]:
    """(field, value) of the person's names and their relatives' names."""
    items = record.get("items", {})
    for key in NAME_ITEMS:
        if isinstance(value := items.get(key), str) and value:
            yield key, value
    sections = record.get("sections", {})
    for table in FAMILY_TABLES:
        rows = sections.get(table)
        for i, row in enumerate(rows if isinstance(rows, list) else ()):
            if isinstance(row, dict) and isinstance(value := row.get("full_name"), str) and value:
                yield f"{table}[{i}].full_name", value


def _clean(value: str, multiline: bool) -> str:
    return normalise_multiline(value) if multiline else normalise_text(value)


PROBLEMS = {  # (decomposed, badly spaced) → what is wrong, for the message
    (True, False): ("dấu tiếng Việt gõ bằng ký tự tổ hợp, chưa dựng sẵn (NFC)",
                    "accents typed as combining marks, not precomposed (NFC)"),
    (False, True): ("thừa khoảng trắng (đầu, cuối, giữa các chữ) hoặc có tab, xuống dòng lạ",
                    "stray whitespace (at the ends, between words) or tabs and odd line breaks"),
    (True, True): ("dấu gõ bằng ký tự tổ hợp (chưa NFC) và thừa khoảng trắng",
                   "accents typed as combining marks (not NFC) and stray whitespace"),
}


def _untidy(value: str, multiline: bool) -> bool:
    return _clean(value, multiline) != value


TEXT_READS = ["free-text items", "birth_place", "home_town", "residence", "text columns of the tables"]


@rule("SACH-TEXT-001", Criterion.SACH, Severity.WARNING, reads=TEXT_READS,
      vi="Văn bản chưa ở dạng chuẩn: {problem_vi}.", en="The text is not in normal form: {problem_en}.")
def _normal_text(record: Record, _: Any) -> Iterator[Hit]:
    if all_tidy(gather(record)):
        return
    for field, value, multiline in texts(record, _untidy):
        clean = _clean(value, multiline)
        decomposed = not unicodedata.is_normalized("NFC", value)
        vi, en = PROBLEMS[decomposed, clean != nfc(value)]
        yield Hit(field, {"problem_vi": vi, "problem_en": en}, Fix(field, clean))


@rule("SACH-NAME-001", Criterion.SACH, Severity.WARNING,
      reads=["full_name", "other_names", "family.full_name", "family-in-law.full_name"],
      vi="Họ tên chưa viết hoa đúng quy cách: mỗi chữ viết hoa chữ cái đầu, các chữ cái còn lại viết thường.",
      en="The name is not capitalised properly: each word starts with a capital, the other letters are small.")
def _name_case(record: Record, _: Any) -> Iterator[Hit]:
    if _names_plainly_proper(record):
        return
    for field, value in names(record):
        if tidy(value) and capitalised(value):
            continue
        proper = normalise_name(value)
        if proper != normalise_text(value):
            yield Hit(field, fix=Fix(field, proper))


def _names_plainly_proper(record: Record) -> bool:
    """Cheaply: every name tidy and capitalised, judged on the names joined by spaces (joining adds
    words, never a bad one). False means "look closer", not "wrong"."""
    items = record.get("items", {})
    found = [items.get("full_name"), items.get("other_names")]
    sections = record.get("sections", {})
    for table in FAMILY_TABLES:
        rows = sections.get(table)
        if rows:
            try:
                found.extend(map(dict.get, rows, repeat("full_name")))
            except TypeError:  # a row that is not a dict: the slow path names it
                return False
    try:
        blob = " ".join(filter(None, found))
    except TypeError:
        return False
    return not blob or (tidy(blob) and capitalised(blob))


def capitalised(value: str) -> bool:
    """Cheaply: each word a capital letter then small ones. False means `normalise_name` must decide."""
    for word in value.split(" "):
        head = word[:1]
        if not (head.isalpha() and head.isupper() and (len(word) == 1 or word[1:].islower())):
            return False
    return True


def _valid_phone(digits: str) -> bool:
    return bool(MOBILE.match(digits) or LANDLINE.match(digits))


@rule("SACH-PHONE-001", Criterion.SACH, Severity.WARNING, reads=["phone"],
      vi="Số điện thoại chưa chuẩn hoá: chỉ ghi chữ số, không dấu cách hay dấu chấm, đầu số 0 thay cho +84.",
      en="The phone number is not normalised: digits only, no spaces or dots, a leading 0 instead of +84.")
def _phone_form(record: Record, _: Any) -> Iterator[Hit]:
    value = record.get("items", {}).get("phone")
    if isinstance(value, str) and value and not _valid_phone(value):
        digits = normalise_phone(value)
        if digits != value and _valid_phone(digits):
            yield Hit("phone", fix=Fix("phone", digits))


@rule("SACH-PHONE-002", Criterion.SACH, Severity.WARNING, reads=["phone"],
      vi="Số điện thoại không phải số di động 10 chữ số (03, 05, 07, 08, 09) hay số cố định 11 chữ số (02…).",
      en="The phone number is neither a 10-digit mobile (03, 05, 07, 08, 09) nor an 11-digit landline (02…).")
def _phone_valid(record: Record, _: Any) -> Iterator[Hit]:
    value = record.get("items", {}).get("phone")
    if isinstance(value, str) and value and not _valid_phone(value) and not _valid_phone(normalise_phone(value)):
        yield Hit("phone")


def _placeholder(value: str, _: bool) -> bool:
    if len(value) > JUNK_MAX_LENGTH:
        return False
    return value.casefold() in JUNK or (not tidy(value) and normalise_text(value).casefold() in JUNK)


def _any_placeholder(text: FreeText) -> bool:
    """Cheaply: might a value be a placeholder? The one-line values are split back out of their joined,
    case-folded form (a "|" inside a value only splits it further: a false alarm at worst); multi-line
    values are few, and only short ones can be placeholders."""
    if not text.tidy or not JUNK.isdisjoint(text.blob.casefold().split("|") if text.blob else ()):
        return True
    return any(not isinstance(v, str) or (len(v) <= JUNK_MAX_LENGTH and _placeholder(v, True)) for v in text.long)


@rule("SACH-JUNK-001", Criterion.SACH, Severity.ERROR, reads=TEXT_READS,
      vi="Giá trị “{value}” là ký tự giữ chỗ, không phải dữ liệu: hãy để trống hoặc nhập giá trị thật.",
      en="“{value}” is a placeholder, not data: leave the item empty or enter the real value.")
def _junk_text(record: Record, _: Any) -> Iterator[Hit]:
    if not _any_placeholder(gather(record)):
        return
    for field, value, _multiline in texts(record, _placeholder):
        shown = normalise_text(value)
        if shown.casefold() in NAME_JUNK or not (field in NAME_ITEMS or field.endswith(".full_name")):
            yield Hit(field, {"value": shown})


@rule("SACH-JUNK-002", Criterion.SACH, Severity.ERROR, reads=["date items", "from_date and to_date of the tables"],
      vi="Ngày {value} là ngày giữ chỗ (mặc định của phần mềm), không phải ngày thật.",
      en="{value} is a placeholder date (a software default), not a real date.")
def _junk_date(record: Record, _: Any) -> Iterator[Hit]:
    if not any_on_or_before(record, LATEST_PLACEHOLDER):
        return
    items = record.get("items", {})
    for key in DATE_KEYS:
        if isinstance(value := items.get(key), str) and value in PLACEHOLDER_DATES:
            yield Hit(key, {"value": value})
    for table, rows in record.get("sections", {}).items():
        for i, row in enumerate(rows) if table in PERIODS and isinstance(rows, list) else ():
            for column in ("from_date", "to_date") if isinstance(row, dict) else ():
                if isinstance(value := row.get(column), str) and value in PLACEHOLDER_DATES:
                    yield Hit(f"{table}[{i}].{column}", {"value": value})
