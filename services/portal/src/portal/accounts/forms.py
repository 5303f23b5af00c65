"""What the account forms take, checked before profile-api is asked (its own rules, said at the field): a username,
a display name, roles, a written request's number and date (hanoi-2024 Điều 19 khoản 4), and a list of personal
accounts pasted from a spreadsheet or sent as a small CSV file. Pure functions: nothing here calls an API."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from datetime import date

from portal.dates import read_day
from portal.i18n import N_, nfc

USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{2,63}$")  # profile-api's accounts.schemas.Username
CONTROL = re.compile(r"[\x00-\x1f\x7f]")
CITIZEN_ID = re.compile(r"^\d{12}$")
MAX_LINES = 100  # accounts made from one list (each is one call to profile-api, a password hashed there)
MAX_LIST_BYTES = 64 * 1024
HEADERS = frozenset({"username", "ten_dang_nhap", "tên đăng nhập", "ten dang nhap"})
# A list's role cell (officer by default): the API's codes, or the words an HR officer writes.
ROLE_WORDS = {"": "officer", "officer": "officer", "cán bộ": "officer", "cbccvc": "officer", "cá nhân": "officer",
              "approver": "approver", "phê duyệt": "approver", "người phê duyệt": "approver"}

BAD_USERNAME = N_("Tên đăng nhập dài 3–64 ký tự, chỉ gồm chữ thường không dấu, chữ số và . _ - (ví dụ: nguyen.van.an).")
NO_NAME = N_("Nhập họ tên hiển thị của tài khoản (tối đa 200 ký tự).")
NO_ROLE = N_("Chọn ít nhất một quyền.")
NO_UNIT = N_("Chọn đơn vị của tài khoản.")
BAD_CITIZEN_ID = N_("Số định danh cá nhân gồm đúng 12 chữ số.")
NO_REQUEST_NO = N_("Nhập số văn bản đề nghị, ví dụ 125/SNV-CCVC (Điều 19 khoản 4).")
BAD_REQUEST_DATE = N_("Nhập ngày của văn bản đề nghị, ví dụ 20/11/2026.")
FUTURE_REQUEST = N_("Ngày văn bản đề nghị không được sau hôm nay.")
BAD_ROLE_WORD = N_("Vai trò không rõ: để trống (cán bộ), hoặc ghi officer, approver, cán bộ, phê duyệt.")
TOO_MANY = N_("Mỗi lần tạo tối đa 100 tài khoản: chia danh sách thành nhiều lần.")
EMPTY_LIST = N_("Dán danh sách hoặc chọn tệp CSV: mỗi dòng một người.")
NOT_UTF8 = N_("Tệp phải là CSV mã UTF-8 (Excel: Lưu thành CSV UTF-8), không quá 64 KB.")
TWICE = N_("Tên đăng nhập này đã có ở một dòng trước trong danh sách.")


def clean_username(value: str) -> str:
    return nfc(value).strip().lower()


def username_problem(username: str) -> str | None:
    return None if USERNAME.fullmatch(username) else BAD_USERNAME


def name_problem(name: str) -> str | None:
    return None if name and len(name) <= 200 and not CONTROL.search(name) else NO_NAME


@dataclass(frozen=True)
class WrittenRequest:
    """Văn bản đề nghị (Điều 19 khoản 4): every access change names it."""

    number: str
    day: date | None

    def body(self) -> dict[str, str]:
        return {"request_no": self.number, "request_date": self.day.isoformat() if self.day else ""}


def check_request(number: str, day: str, today: date) -> tuple[WrittenRequest, dict[str, str]]:
    request = WrittenRequest(nfc(number).strip(), read_day(day))
    errors: dict[str, str] = {}
    if not request.number or len(request.number) > 100 or CONTROL.search(request.number):
        errors["request_no"] = NO_REQUEST_NO
    if request.day is None:
        errors["request_date"] = BAD_REQUEST_DATE
    elif request.day > today:
        errors["request_date"] = FUTURE_REQUEST
    return request, errors


@dataclass(frozen=True)
class Line:
    """One person of a list: line `number` of what was pasted or sent."""

    number: int
    username: str
    display_name: str
    citizen_id: str | None
    roles: tuple[str, ...]


@dataclass
class Parsed:
    lines: list[Line] = field(default_factory=list)
    problems: list[tuple[int, str]] = field(default_factory=list)  # (line number, message); 0: the whole list


def _roles(cell: str) -> tuple[str, ...] | None:
    words = [ROLE_WORDS.get(w.strip()) for w in nfc(cell).lower().split("+")]
    return None if any(w is None for w in words) else tuple(sorted({w for w in words if w}))


def _line(number: int, cells: list[str], seen: set[str]) -> Line | str:
    cells = [nfc(c).strip() for c in cells] + ["", "", "", ""]
    username, name, citizen_id, role = clean_username(cells[0]), cells[1], cells[2].replace(" ", ""), cells[3]
    roles = _roles(role)
    problem = (username_problem(username) or (TWICE if username in seen else None) or name_problem(name)
               or (BAD_CITIZEN_ID if citizen_id and not CITIZEN_ID.fullmatch(citizen_id) else None)
               or (BAD_ROLE_WORD if roles is None else None))
    if problem:
        return problem
    seen.add(username)
    return Line(number, username, name, citizen_id or None, roles or ("officer",))


def _delimiter(text: str) -> str:
    return "\t" if "\t" in text else ";" if ";" in text else ","


def parse_list(text: str) -> Parsed:
    """Lines of "tên đăng nhập, họ tên, số định danh cá nhân (nếu có), vai trò (nếu có)", separated by commas,
    semicolons or tabs (a spreadsheet's copied cells); a header line and blank lines are skipped."""
    found = Parsed()
    rows = [(n, r) for n, r in enumerate(csv.reader(io.StringIO(text), delimiter=_delimiter(text)), 1)
            if any(c.strip() for c in r)]
    if rows and nfc(rows[0][1][0]).strip().lower() in HEADERS:
        rows = rows[1:]
    if not rows:
        found.problems.append((0, EMPTY_LIST))
    elif len(rows) > MAX_LINES:
        found.problems.append((0, TOO_MANY))
    seen: set[str] = set()
    for number, cells in rows[:MAX_LINES]:
        made = _line(number, cells, seen)
        if isinstance(made, Line):
            found.lines.append(made)
        else:
            found.problems.append((number, made))
    return found


def read_upload(content: bytes) -> str | None:
    """A CSV file's text (Excel's UTF-8 CSV starts with a byte-order mark), or None when it is no such file."""
    if len(content) > MAX_LIST_BYTES:
        return None
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None
