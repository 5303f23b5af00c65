"""What the new-grant form takes, checked before profile-api is asked (its own rules said at the field): the account,
a unit or named people, a level the viewer may give, the days it works, and the written decision (number, date,
issuing body; hanoi-2024 Điều 8 khoản 3: the managing authority agrees in writing). Pure: nothing here calls an API."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from portal.dates import read_day
from portal.i18n import N_, nfc

CITIZEN_ID = re.compile(r"^\d{12}$")
CONTROL = re.compile(r"[\x00-\x1f\x7f]")
MAX_PEOPLE = 100  # profile-api's `profile_ids` holds at most 100
TEXT_FIELDS = ("grantee_id", "target", "org_unit_id", "people", "level", "starts_on", "ends_on", "decision_number",
               "decision_date", "issuing_body", "decision_id")
UNIT, PEOPLE = "don-vi", "nguoi"  # the form's two kinds of target

NO_GRANTEE = N_("Chọn tài khoản được cấp quyền.")
NO_TARGET = N_("Chọn cấp quyền xem cả một đơn vị, hoặc xem hồ sơ của những người được nêu tên.")
NO_UNIT = N_("Chọn đơn vị được xem hồ sơ.")
NO_PEOPLE = N_("Nhập số định danh cá nhân (12 chữ số) hoặc mã hồ sơ của từng người, mỗi dòng một người, tối đa 100 người.")  # noqa: E501
BAD_PERSON = N_("Mỗi dòng là một số định danh cá nhân gồm đúng 12 chữ số, hoặc một mã hồ sơ.")
NO_LEVEL = N_("Chọn mức độ hạn chế tiếp cận được xem.")
NO_START = N_("Nhập ngày bắt đầu, ví dụ 01/12/2026.")
NO_END = N_("Nhập ngày kết thúc, ví dụ 31/12/2026.")
END_BEFORE_START = N_("Ngày kết thúc không được trước ngày bắt đầu.")
END_PAST = N_("Ngày kết thúc đã qua: quyền phải còn hiệu lực ít nhất đến hết hôm nay.")
NO_NUMBER = N_("Nhập số văn bản, ví dụ 125/QĐ-SNV.")
NO_DECISION_DATE = N_("Nhập ngày ban hành văn bản, ví dụ 01/12/2026.")
FUTURE_DECISION = N_("Ngày ban hành văn bản không được sau hôm nay.")
NO_BODY = N_("Nhập cơ quan ban hành văn bản, ví dụ Sở Nội vụ thành phố Hà Nội.")
NO_SCAN = N_("Chọn tệp bản quét văn bản (PDF, JPEG hoặc PNG).")


@dataclass(frozen=True)
class Grant:
    """The form's answers as profile-api's body wants them, the people still to be found (citizen IDs or ids)."""

    grantee_id: str
    org_unit_id: str | None
    people: tuple[str, ...]
    level: int
    starts_on: date
    ends_on: date
    number: str
    issued_on: date
    issuing_body: str

    def body(self, profile_ids: list[str] | None, decision_id: str) -> dict[str, Any]:
        return {"grantee_id": self.grantee_id, "org_unit_id": self.org_unit_id, "profile_ids": profile_ids,
                "level": self.level, "starts_on": self.starts_on.isoformat(), "ends_on": self.ends_on.isoformat(),
                "decision": {"number": self.number, "issued_on": self.issued_on.isoformat(),
                             "issuing_body": self.issuing_body, "decision_id": decision_id}}


@dataclass
class Checked:
    grant: Grant | None = None
    errors: dict[str, str] = field(default_factory=dict)


def an_id(value: str) -> str | None:
    try:
        return str(uuid.UUID(value.strip())) if value.strip() else None
    except ValueError:
        return None


def text(value: str, limit: int = 200) -> str | None:
    cleaned = nfc(value).strip()
    return cleaned if cleaned and len(cleaned) <= limit and not CONTROL.search(cleaned) else None


def people_of(value: str) -> tuple[str, ...] | None:
    """The lines typed (separated by new lines, commas or semicolons): citizen IDs and record ids, each once;
    None when one is neither, or there are none or too many."""
    found = [w.replace(" ", "") for w in re.split(r"[\n,;]+", nfc(value)) if w.strip()]
    if not found or len(found) > MAX_PEOPLE:
        return None
    kept = [w if CITIZEN_ID.fullmatch(w) else an_id(w) for w in found]
    return tuple(dict.fromkeys(k for k in kept if k)) if all(kept) else None


def _days(form: dict[str, str], today: date, errors: dict[str, str]) -> tuple[date | None, date | None, date | None]:
    start, end, issued = read_day(form["starts_on"]), read_day(form["ends_on"]), read_day(form["decision_date"])
    if start is None:
        errors["starts_on"] = NO_START
    if end is None:
        errors["ends_on"] = NO_END
    elif start is not None and end < start:
        errors["ends_on"] = END_BEFORE_START
    elif end < today:
        errors["ends_on"] = END_PAST
    if issued is None:
        errors["decision_date"] = NO_DECISION_DATE
    elif issued > today:
        errors["decision_date"] = FUTURE_DECISION
    return start, end, issued


def check(form: dict[str, str], today: date, offered: list[int], scan_given: bool) -> Checked:
    """The grant, or each field's error (in the form's order, the summary's)."""
    errors: dict[str, str] = {}
    grantee = an_id(form["grantee_id"])
    if grantee is None:
        errors["grantee_id"] = NO_GRANTEE
    unit, people = an_id(form["org_unit_id"]), people_of(form["people"])
    if form["target"] not in (UNIT, PEOPLE):
        errors["target"] = NO_TARGET
    elif form["target"] == UNIT and unit is None:
        errors["target"] = NO_UNIT
    elif form["target"] == PEOPLE and people is None:
        errors["target"] = BAD_PERSON if form["people"].strip() else NO_PEOPLE
    level = int(form["level"]) if form["level"].isdigit() and int(form["level"]) in offered else None
    if level is None:
        errors["level"] = NO_LEVEL
    start, end, issued = _days(form, today, errors)
    number, body = text(form["decision_number"], 100), text(form["issuing_body"])
    if number is None:
        errors["decision_number"] = NO_NUMBER
    if body is None:
        errors["issuing_body"] = NO_BODY
    if not scan_given:
        errors["file"] = NO_SCAN
    order = {name: n for n, name in enumerate((*TEXT_FIELDS, "file"))}
    errors = dict(sorted(errors.items(), key=lambda e: order.get(e[0], 99)))
    if errors or grantee is None or level is None or start is None or end is None or issued is None:
        return Checked(errors=errors)
    return Checked(Grant(grantee, unit if form["target"] == UNIT else None,
                         people or () if form["target"] == PEOPLE else (), level, start, end, number or "",
                         issued, body or ""))
