"""Writes tests/data/golden/sach_song.jsonl, the golden records of the Sạch and Sống rules:
`uv run python tests/validation/make_golden_sach_song.py [--check]` (--check only reports).

Deterministic (seeded). Each case draws a person whose record every registered rule accepts (a
consistent personal ID, listed codes, rank 01.003 step 3 at 3.00, places, first recruited at 22 or
later, a training row, a current work-history row), in a context with a recent review and a recent
matching population-DB check, then mutates it. `expect` is written by hand, never read back from the
engine; the script refuses to write while the engine disagrees, and prints where."""

from __future__ import annotations

import json
import random
import sys
import unicodedata
import uuid
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

SEED = 20261123
TODAY = date(2026, 11, 23)  # a Monday; Tue 24/11/2026 is a day off (Ngày Văn hóa Việt Nam)
OUT = Path(__file__).resolve().parents[1] / "data" / "golden" / "sach_song.jsonl"

# Every family name carries a diacritic, so decomposing a name always changes it.
FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương"]
MIDDLE = {"M": ["Văn", "Đức", "Hữu", "Quang", "Công"], "F": ["Thị", "Thu", "Ngọc", "Hồng", "Phương"]}
GIVEN = {"M": ["Bình", "Cường", "Dũng", "Hải", "Hùng", "Khánh", "Sơn", "Tùng", "Việt", "Đạt"],
         "F": ["Dung", "Giang", "Hà", "Hạnh", "Hằng", "Hương", "Lan", "Linh", "Mai", "Trang"]}
PREFIXES = ["001", "001", "001", "034", "036", "037", "040"]
PLACES = [("Phường Ba Đình", "Thành phố Hà Nội"), ("Phường Hoàn Kiếm", "Thành phố Hà Nội"),
          ("Xã Sóc Sơn", "Thành phố Hà Nội"), ("Xã Giao Thủy", "Tỉnh Ninh Bình"), ("Phường Vinh Phú", "Tỉnh Nghệ An")]
UNITS = ["Sở Nội vụ thành phố Hà Nội", "Sở Tài chính thành phố Hà Nội", "Ủy ban nhân dân phường Ba Đình"]
SCHOOLS = [("Học viện Hành chính Quốc gia", "Quản lý nhà nước"), ("Trường Đại học Luật Hà Nội", "Luật"),
           ("Học viện Tài chính", "Tài chính – Ngân hàng")]

Record = dict[str, Any]
Mutation = Callable[[Record, Record], None]  # (record, context) → None, in place


def person(rng: random.Random) -> Record:
    """A clean, serving công chức: rank 01.003 (A1) at step 3, coefficient 3.00."""
    sex = rng.choice("MF")
    born = date(rng.randint(1970, 1998), rng.randint(1, 12), rng.randint(1, 28))
    recruited = date(born.year + rng.randint(22, 26), rng.randint(1, 12), rng.randint(1, 28))
    digit = 2 * ((born.year - 1900) // 100) + (1 if sex == "F" else 0)
    commune, province = rng.choice(PLACES)
    school, field = rng.choice(SCHOOLS)
    start = recruited.replace(day=1).isoformat()
    work_id, training_id, profile_id, org_unit_id = (str(uuid.UUID(int=rng.getrandbits(128), version=4))
                                                     for _ in range(4))
    items = {
        "full_name": f"{rng.choice(FAMILY)} {rng.choice(MIDDLE[sex])} {rng.choice(GIVEN[sex])}", "sex": sex,
        "birth_date": born.isoformat(),
        "citizen_id": f"{rng.choice(PREFIXES)}{digit}{born.year % 100:02d}{rng.randrange(10**6):06d}",
        "citizen_id_issued_on": date(2021, rng.randint(3, 12), rng.randint(1, 28)).isoformat(),
        "phone": f"09{rng.randrange(10**8):08d}", "ethnicity_code": "01", "religion_code": "00",
        "birth_place": {"commune": commune, "province": province},
        "home_town": {"commune": rng.choice(PLACES)[0], "province": province},
        "residence": {"detail": f"Số {rng.randint(2, 99)} phố Kim Mã", "commune": "Phường Ba Đình",
                      "province": "Thành phố Hà Nội"},
        "first_recruited_on": recruited.isoformat(), "joined_agency_on": recruited.isoformat(),
        "general_education": "12/12", "highest_qualification": "Đại học", "employing_unit": rng.choice(UNITS),
        "rank_code": "01.003", "salary_step": 3, "salary_coefficient": "3.00",
    }
    work = {"id": work_id, "from_date": start, "to_date": None, "unit": items["employing_unit"],
            "title": "Chuyên viên"}
    training = {"id": training_id, "from_date": f"{born.year + 18}-09-01", "to_date": f"{born.year + 22}-06-01",
                "institution": school, "field_of_study": field, "mode": "Chính quy", "award": "Cử nhân"}
    return {"profile_id": profile_id, "org_unit_id": org_unit_id, "category": "cong_chuc", "status": "active",
            "items": items, "sections": {"training-professional": [training], "work-history": [work]}}


def context(rng: random.Random, policy: str = "hanoi-2024") -> Record:
    reviewed = date(2026, rng.randint(5, 10), rng.randint(1, 28))
    checked = date(2026, rng.randint(4, 10), rng.randint(1, 28))
    return {"today": TODAY.isoformat(), "policy": policy, "reviewed_at": f"{reviewed.isoformat()}T09:30:00+07:00",
            "citizen_check": {"checked_on": checked.isoformat(), "result": "match"}}


def put(path: tuple[Any, ...], value: Any) -> Mutation:
    """Sets the record's value at `path` (items, key[, part]; sections, table[, row, column]) or its function."""
    def apply(record: Record, _: Record) -> None:
        target: Any = record
        for step in path[:-1]:
            target = target[step]
        target[path[-1]] = value(target.get(path[-1])) if callable(value) else value
    return apply


def item(key: str, value: Any) -> Mutation:
    return put(("items", key), value)


def cell(table: str, column: str, value: Any, row: int = 0) -> Mutation:
    return put(("sections", table, row, column), value)


def relative(relation: str, name: str, year: int = 1950) -> Mutation:
    row = {"relation": relation, "full_name": name, "birth_year": year, "details": "Hưu trí, ở Hà Nội"}
    return put(("sections", "family"), lambda rows: [*(rows or []), row])


def ctx(**values: Any) -> Mutation:
    def apply(_: Record, context: Record) -> None:
        context.update(values)
        for key in [k for k, v in values.items() if v is None]:
            del context[key]
    return apply


def change(occurred: str, entered: str, state: str = "applied") -> Mutation:
    def apply(_: Record, context: Record) -> None:
        context.setdefault("changes", []).append({"occurred_on": occurred, "entered_on": entered, "state": state})
    return apply


def candidate(name: Callable[[str], str] | None = None, born: str | None = None, place: str | None = "birth",
              same_id: bool = False) -> Mutation:
    """A possible duplicate, by default the same person; `place`: "birth", "province" (its own), a line or None."""
    def apply(record: Record, context: Record) -> None:
        items, where = record["items"], place
        if place in ("birth", "province"):
            birth = items["birth_place"]
            where = birth["province"] if place == "province" else f"{birth['commune']}, {birth['province']}"
        context.setdefault("candidates", []).append({
            "profile_id": f"p-{len(context.get('candidates', [])) + 1}",
            "full_name": name(items["full_name"]) if name else items["full_name"],
            "birth_date": born or items["birth_date"], "birth_place": where, "same_citizen_id": same_id})
    return apply


def status(value: str) -> Mutation:
    """The person left (in June 2026, after any recruitment date drawn): the work-history row closes."""
    def apply(record: Record, _: Record) -> None:
        record["status"] = value
        record["sections"]["work-history"][0]["to_date"] = "2026-06-01"
    return apply


def nfd(text: str) -> str:
    return unicodedata.normalize("NFD", text)


def spaced(text: str) -> str:  # one doubled space
    return text.replace(" ", "  ", 1)


HANOI, ND27 = "hanoi-2024", "nd27-2026"  # the policy presets
Case = tuple[str, list[Mutation], dict[str, list[str]]]  # name, mutations, policy → expected codes


def one(name: str, mutations: list[Mutation], expect: list[str], policy: str = HANOI) -> Case:
    return name, mutations, {policy: expect}


def pair(name: str, mutations: list[Mutation], hanoi: list[str], nd27: list[str]) -> Case:  # both presets
    return name, mutations, {HANOI: hanoi, ND27: nd27}


TEXT, NAME, JUNK, DUP = ["SACH-TEXT-001"], ["SACH-NAME-001"], ["SACH-JUNK-001"], ["SACH-DUP-002"]
LATE, WINDOW, AGENCY = ["SONG-CHANGE-001"], ["SONG-APPROVE-001"], ["SONG-APPROVE-002"]
STALE, NEVER, OLD_CHECK, WAITING = ["SONG-REVIEW-001"], ["SONG-REVIEW-002"], ["SONG-CITIZEN-001"], ["SONG-SYNC-001"]
NONE: list[str] = []


def other_id() -> Mutation:  # someone else holding the same personal ID
    return candidate(lambda v: "Lê Văn Khác", born="1960-01-01", same_id=True)


def at(day: str) -> str:  # a moment of that day, Hanoi time
    return f"{day}T09:00:00+07:00"


def checked(day: str, result: str = "match", **more: Any) -> Mutation:
    return ctx(citizen_check={"checked_on": day, "result": result, **more})


def clean_cases() -> list[Case]:
    return [
        *(pair(f"clean record {i + 1}", [], NONE, NONE) for i in range(20)),
        *(one(f"transferred out, no review and no population check, nothing live to judge {i + 1}",
              [status("transferred_out"), ctx(reviewed_at=None, citizen_check=None)], NONE) for i in range(4)),
        one("clean multi-paragraph duties", [item("main_duties", "Tham mưu ngân sách.\n\nTổng hợp báo cáo.")], NONE),
        one("a relative with a proper name", [relative("Mẹ", "Trần Thị Lan")], NONE),
        one("alias Na is a name, not a placeholder", [item("other_names", "Na")], NONE),
        one("landline in national form", [item("phone", "02438251234")], NONE),
        one("religion code 00 is not the placeholder Không", [item("religion_code", "00")], NONE)]


def text_cases() -> list[Case]:
    return [
        one("decomposed full name", [item("full_name", nfd)], TEXT),
        one("decomposed commune of residence", [put(("items", "residence", "commune"), nfd)], TEXT),
        one("decomposed training institution", [cell("training-professional", "institution", nfd)], TEXT),
        one("decomposed multi-line assessment", [item("employer_assessment", nfd("Tốt.\nCó trách nhiệm."))], TEXT),
        one("doubled space in employing unit", [item("employing_unit", spaced)], TEXT),
        one("padded qualification", [item("highest_qualification", lambda v: f" {v} ")], TEXT),
        one("padded full name", [item("full_name", lambda v: f" {v} ")], TEXT),
        one("tab in a work-history title", [cell("work-history", "title", "Chuyên\tviên")], TEXT),
        one("no-break space in home town", [put(("items", "home_town", "commune"), lambda v: v.replace(" ", "\u00a0"))],
            TEXT),
        one("ragged multi-line duties", [item("main_duties", "Tham mưu ngân sách.  \n\n\n\nTheo dõi báo cáo. ")], TEXT),
        one("decomposed and doubled", [item("employing_unit", lambda v: nfd(spaced(v)))], TEXT),
        one("decomposed in two places", [item("full_name", nfd), cell("work-history", "unit", nfd)], TEXT),
    ]


def name_cases() -> list[Case]:
    return [
        one("name in capitals", [item("full_name", str.upper)], NAME),
        one("name in small letters", [item("full_name", str.lower)], NAME),
        one("name small and doubled", [item("full_name", lambda v: spaced(v.lower()))], NAME + TEXT),
        one("middle name in small letters", [item("full_name", lambda v: f"{v.split()[0]} văn {v.split()[-1]}")], NAME),
        one("name starting with đ", [item("full_name", "đỗ thị hà")], NAME),
        one("relative's name in capitals", [relative("Cha", "TRẦN VĂN ĐỨC")], NAME),
        one("alias in small letters", [item("other_names", "bé tí")], NAME),
        one("name in capitals, decomposed", [item("full_name", lambda v: nfd(v.upper()))], NAME + TEXT),
    ]


def phone_cases() -> list[Case]:
    fixable = [("+84 912 345 678", "international with spaces"), ("0912.345.678", "dotted"),
               ("84912345678", "country code without plus"), ("024 3825 1234", "landline with spaces"),
               ("+84 0912 345 678", "international keeping the 0"), ("0912-345-678", "dashed")]
    broken = [("12345678", "eight digits"), ("+84 12 345", "too short"), ("0112345678", "retired 01 prefix"),
              ("091234567890", "twelve digits")]
    return [*(one(f"phone {why}", [item("phone", value)], ["SACH-PHONE-001"]) for value, why in fixable),
            *(one(f"phone {why}", [item("phone", value)], ["SACH-PHONE-002"]) for value, why in broken)]


def junk_cases() -> list[Case]:
    texts = [("policy_category", "Không"), ("health_status", "N/A"), ("family_origin", "x"),
             ("state_honorary_title", "chưa có"), ("social_insurance_no", "0"), ("longest_job", "..."),
             ("strengths", "na"), ("other_names", "-"), ("arrest_history", "Không"),
             ("highest_qualification", "N/A"), ("occupation_before_recruitment", "Không có")]
    dates = [("party_joined_on", "1900-01-01"), ("citizen_id_issued_on", "1900-01-01"), ("enlisted_on", "1899-12-30")]
    before_birth = ["SACH-JUNK-002", "DUNG-NGAY-002"]  # a placeholder date is before the birth date too
    return [
        *(one(f"placeholder {value!r} in {key}", [item(key, value)], JUNK) for key, value in texts),
        one("placeholder in a work-history title", [cell("work-history", "title", "-")], JUNK),
        one("placeholder in a training award", [cell("training-professional", "award", "x")], JUNK),
        one("placeholder house number", [put(("items", "residence", "detail"), "...")], JUNK),
        one("padded placeholder", [item("policy_category", "Không ")], JUNK + TEXT),
        *(one(f"placeholder date in {key}", [item(key, value)], before_birth) for key, value in dates),
        one("placeholder date in a training row", [cell("training-professional", "from_date", "1900-01-01")],
            before_birth),
    ]


def duplicate_cases() -> list[Case]:
    return [
        one("same personal ID elsewhere", [other_id()], ["SACH-DUP-001"]),
        one("same person exactly", [candidate()], DUP),
        one("same person, family name last", [candidate(lambda v: " ".join([*v.split()[1:], v.split()[0]]))], DUP),
        one("same person, one letter more", [candidate(lambda v: v + "h")], DUP),
        one("same person, name in capitals", [candidate(str.upper)], DUP),
        one("same person, only the province known", [candidate(place="province")], DUP),
        one("same person, birth place unknown", [candidate(place=None)], DUP),
        one("same name, other birth date", [candidate(born="1969-12-31")], NONE),
        one("same name and date, born elsewhere", [candidate(place="Xã Cát Hải, Thành phố Hải Phòng")], NONE),
        one("other name, same date and place", [candidate(lambda v: "Phan Thanh Kiều")], NONE),
        one("same ID and same name: one error", [candidate(same_id=True)], ["SACH-DUP-001"]),
        one("one same ID, one same person", [other_id(), candidate()], ["SACH-DUP-001", *DUP]),
    ]


def change_cases() -> list[Case]:
    return [
        # Tue 10/11 → Mon 16/11 is 4 working days (11, 12, 13, 16): within 5, beyond 3.
        pair("change entered after 4 working days", [change("2026-11-10", "2026-11-16")], NONE, LATE),
        pair("change entered after 5 working days", [change("2026-11-10", "2026-11-17")], NONE, LATE),
        pair("change entered after 6 working days", [change("2026-11-10", "2026-11-18")], LATE, LATE),
        pair("change entered after 1 working day", [change("2026-11-10", "2026-11-11")], NONE, NONE),
        # Fri 13/2/2026, Tết 16–20/2: 5 working days end Fri 27/2, 3 end Wed 25/2.
        pair("change across Tết, entered on the 5th working day", [change("2026-02-13", "2026-02-27")], NONE, LATE),
        pair("change across Tết, entered on the 6th working day", [change("2026-02-13", "2026-03-02")], LATE, LATE),
        pair("change across Tết, entered on the 3rd working day", [change("2026-02-13", "2026-02-25")], NONE, NONE),
        # With Sat 14/2 worked, 5 working days end Thu 26/2.
        pair("change across Tết with a make-up Saturday",
             [ctx(extra_working_days=["2026-02-14"]), change("2026-02-13", "2026-02-27")], LATE, LATE),
        # Fri 28/8/2026; 31/8 (swapped), 1–2/9 off: 5 working days end Wed 9/9, 3 end Mon 7/9.
        pair("change across 2 September", [change("2026-08-28", "2026-09-09")], NONE, LATE),
        pair("change across 2 September, a day late", [change("2026-08-28", "2026-09-10")], LATE, LATE),
        pair("change across 2 September with 3/9 off",
             [ctx(extra_holidays=["2026-09-03"]), change("2026-08-28", "2026-09-10")], NONE, LATE),
        # Fri 21/8: Sat 22/8 is worked (in exchange for 31/8), so 5 working days end Thu 27/8.
        pair("change before the make-up Saturday of August", [change("2026-08-21", "2026-08-27")], NONE, LATE),
        # Occurred on a Saturday: counting starts on Monday 16/11.
        pair("change that occurred on a Saturday", [change("2026-11-14", "2026-11-20")], NONE, LATE),
        pair("late change that was rejected", [change("2026-10-01", "2026-10-30", "rejected")], NONE, NONE),
        pair("late change that was withdrawn", [change("2026-10-01", "2026-10-30", "withdrawn")], NONE, NONE),
        pair("late change still a draft", [change("2026-10-01", "2026-10-30", "draft")], LATE, LATE),
        pair("two late changes", [change("2026-10-01", "2026-10-30"), change("2026-09-01", "2026-09-30")], LATE, LATE),
    ]


def approval_cases() -> list[Case]:
    return [
        pair("submitted in October, still waiting", [change("2026-10-09", "2026-10-12", "submitted")], WINDOW, AGENCY),
        pair("submitted inside October's window, still waiting", [change("2026-10-29", "2026-10-30", "submitted")],
             WINDOW, AGENCY),
        # Fri 13/11 + 3 working days = Wed 18/11, passed; November's window has not come yet.
        pair("submitted 13 November, waiting", [change("2026-11-12", "2026-11-13", "submitted")], NONE, AGENCY),
        # Tue 17/11 + 3 = Fri 20/11, passed on Mon 23/11.
        pair("submitted 17 November, waiting", [change("2026-11-16", "2026-11-17", "submitted")], NONE, AGENCY),
        # Wed 18/11 + 3 = Mon 23/11: today is the last day.
        pair("submitted 18 November, due today", [change("2026-11-17", "2026-11-18", "submitted")], NONE, NONE),
        # Fri 20/11 + 3 = Thu 26/11, because Tue 24/11 is a day off.
        pair("submitted 20 November, not yet due", [change("2026-11-19", "2026-11-20", "submitted")], NONE, NONE),
        pair("submitted in October and approved", [change("2026-10-09", "2026-10-12", "approved")], NONE, NONE),
        pair("submitted in October and returned", [change("2026-10-09", "2026-10-12", "returned")], NONE, NONE),
    ]


def review_cases() -> list[Case]:
    return [
        pair("reviewed over a year ago", [ctx(reviewed_at=at("2025-10-01"))], STALE, STALE),
        one("reviewed exactly 12 months ago", [ctx(reviewed_at=at("2025-11-23"))], NONE),
        one("reviewed 12 months and a day ago", [ctx(reviewed_at=at("2025-11-22"))], STALE),
        pair("never reviewed", [ctx(reviewed_at=None)], NEVER, NEVER),
        one("transferred out, reviewed long ago", [status("transferred_out"), ctx(reviewed_at=at("2023-01-05"))], NONE),
        one("check a year and a month old", [checked("2025-10-01")], OLD_CHECK),
        one("check exactly 365 days old", [checked("2025-11-23")], NONE),
        one("check 366 days old", [checked("2025-11-22")], OLD_CHECK),
        pair("never checked", [ctx(citizen_check=None)], ["SONG-CITIZEN-002"], ["SONG-CITIZEN-002"]),
        one("old check that disagreed", [checked("2025-01-10", "mismatch", mismatched=["full_name"])],
            [*OLD_CHECK, "DUNG-DANCU-001"]),
        one("resigned, never checked", [status("resigned"), ctx(citizen_check=None)], NONE),
    ]


def sync_cases() -> list[Case]:
    return [
        one("sent 13 days ago, no receipt", [ctx(approved_at=at("2026-11-10"))], WAITING),
        one("sent 5 days ago, no receipt", [ctx(approved_at=at("2026-11-18"))], NONE),
        one("sent 7 days ago, no receipt", [ctx(approved_at=at("2026-11-16"))], NONE),
        one("sent 8 days ago, no receipt", [ctx(approved_at=at("2026-11-15"))], WAITING),
        one("sent and acknowledged", [ctx(approved_at=at("2026-11-01"), acknowledged_at=at("2026-11-02"))], NONE),
        one("only an older version acknowledged",
            [ctx(approved_at=at("2026-11-10"), acknowledged_at=at("2026-11-05"))], WAITING),
        one("acknowledged within the hour, other time zone",
            [ctx(approved_at=at("2026-11-01"), acknowledged_at="2026-11-01T02:30:00+00:00")], NONE),
    ]


def combined_cases() -> list[Case]:
    return [
        one("capitals, dotted phone, placeholder, stale review",
            [item("full_name", str.upper), item("phone", "0912.345.678"), item("policy_category", "N/A"),
             ctx(reviewed_at=at("2025-01-15"))], [*NAME, "SACH-PHONE-001", *JUNK, *STALE]),
        one("decomposed name, ID in another profile, never checked",
            [item("full_name", nfd), other_id(), ctx(citizen_check=None)],
            [*TEXT, "SACH-DUP-001", "SONG-CITIZEN-002"]),
        pair("late, waiting and unacknowledged",
             [change("2026-10-01", "2026-10-12", "submitted"), ctx(approved_at=at("2026-11-02"))],
             [*LATE, *WINDOW, *WAITING], [*LATE, *AGENCY, *WAITING]),
        pair("everything stale", [ctx(reviewed_at=None), checked("2024-05-02"), change("2026-11-03", "2026-11-09")],
             [*NEVER, *OLD_CHECK], [*NEVER, *OLD_CHECK, *LATE]),
        one("wrong coefficient and a spaced phone", [item("salary_coefficient", "3.33"), item("phone", "0912 345 678")],
            ["DUNG-LUONG-002", "SACH-PHONE-001"]),
        one("relative in capitals and junk details",
            [relative("Anh trai", "LÊ VĂN HÙNG", 1980), cell("family", "details", "Không")], NAME + JUNK),
    ]


def build() -> list[Record]:
    rng, lines = random.Random(SEED), []
    for name, mutations, expectations in (*clean_cases(), *text_cases(), *name_cases(), *phone_cases(),
                                          *junk_cases(), *duplicate_cases(), *change_cases(), *approval_cases(),
                                          *review_cases(), *sync_cases(), *combined_cases()):
        base, base_context = json.dumps(person(rng)), json.dumps(context(rng))
        for policy, expect in expectations.items():
            record, ctx_ = json.loads(base), {**json.loads(base_context), "policy": policy}
            for mutate in mutations:
                mutate(record, ctx_)
            label = f"{name} ({policy})" if len(expectations) > 1 else name
            lines.append({"name": label, "record": record, "context": ctx_, "expect": sorted(expect)})
    return lines


def main(argv: list[str]) -> int:
    from hoso_shared.validation import Context, judge

    lines = build()
    problems = [f"{line['name']}: expected {line['expect']}, engine gives {sorted(got)}\n" for line in lines
                if (got := judge(line["record"], Context.from_json(line["context"])).codes()) != set(line["expect"])]
    sys.stderr.write("".join(problems) + f"{len(lines)} records, {len(problems)} disagreements\n")
    if problems or argv == ["--check"]:
        return 1 if problems else 0
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text("".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines), encoding="utf-8")
    sys.stderr.write(f"wrote {OUT}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
