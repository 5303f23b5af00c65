"""Writes tests/data/golden/dung_du.jsonl, the golden records of the Đúng and Đủ rules:
`uv run python tests/validation/make_golden_dung_du.py`.

Deterministic (seeded): each case draws a clean person, builds a record that every registered rule
accepts, then applies one or two mutations. `expect` is written by hand per case, never read back
from the engine. Records stay clean for the other criteria too: capitalised NFC names, real phone
numbers, no placeholders, a recent review and matching population-DB check, no change facts unless
the case is about them, no sync timestamps."""

from __future__ import annotations

import json
import random
import uuid
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any, NamedTuple

from hoso_shared.codes import scale_of
from hoso_shared.form import SECTIONS

SEED = 2026
TODAY = date(2026, 11, 23)
OUT = Path(__file__).resolve().parents[1] / "data" / "golden" / "dung_du.jsonl"

FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Phan", "Vũ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương", "Đinh"]
MIDDLE = {"M": ["Văn", "Đức", "Minh", "Hữu", "Quang", "Thanh", "Công", "Xuân"],
          "F": ["Thị", "Thu", "Ngọc", "Thanh", "Hồng", "Minh", "Phương", "Bích"]}
GIVEN = {"M": ["Anh", "Bình", "Cường", "Dũng", "Hải", "Hùng", "Khánh", "Long", "Nam", "Sơn", "Tùng", "Việt"],
         "F": ["Chi", "Dung", "Giang", "Hà", "Hạnh", "Hằng", "Hoa", "Hương", "Lan", "Linh", "Mai", "Trang"]}
BIRTH_PREFIXES = ["001", "001", "001", "034", "036", "037", "030", "027", "040", "038", "025", "079"]
PLACES = [("Phường Ba Đình", "Thành phố Hà Nội"), ("Phường Hoàn Kiếm", "Thành phố Hà Nội"),
          ("Xã Sóc Sơn", "Thành phố Hà Nội"), ("Phường Hồng Bàng", "Thành phố Hải Phòng"),
          ("Phường Nam Định", "Tỉnh Ninh Bình"), ("Xã Giao Thủy", "Tỉnh Ninh Bình"),
          ("Phường Thái Bình", "Tỉnh Hưng Yên"), ("Phường Vinh Phú", "Tỉnh Nghệ An"), ("Xã Tam Nông", "Tỉnh Phú Thọ"),
          ("Phường Hạc Thành", "Tỉnh Thanh Hóa")]
STREETS = ["phố Kim Mã", "phố Đội Cấn", "đường Hoàng Hoa Thám", "phố Nguyễn Chí Thanh", "đường Láng"]
UNITS = ["Sở Nội vụ thành phố Hà Nội", "Sở Tài chính thành phố Hà Nội", "Ủy ban nhân dân phường Ba Đình",
         "Văn phòng Ủy ban nhân dân thành phố Hà Nội", "Trường Trung học phổ thông Phan Đình Phùng"]
SCHOOLS = [("Học viện Hành chính Quốc gia", "Quản lý nhà nước"), ("Trường Đại học Luật Hà Nội", "Luật"),
           ("Học viện Tài chính", "Tài chính – Ngân hàng"), ("Trường Đại học Kinh tế Quốc dân", "Kế toán")]
RANKS = {"cong_chuc": ["01.001", "01.002", "01.003", "01.003", "01.004", "02.007", "04.025", "06.031"],
         "vien_chuc": ["06.031", "01.003", "02.008", "06.032"], "cap_xa": ["01.003", "01.004", "01.005"],
         "can_bo": ["01.002", "01.003"]}
POSITIONS = {"can_bo": ["Chủ tịch Ủy ban nhân dân phường", "Phó Chủ tịch Hội đồng nhân dân phường"],
             "cap_xa": ["Công chức Văn phòng – Thống kê", "Công chức Tư pháp – Hộ tịch"]}
ETHNICITIES = ["01"] * 8 + ["02", "03", "06", "07"]
RELIGIONS = ["00"] * 6 + ["01", "02"]
LEFT_ON = {"retired": date(2025, 7, 1), "transferred_out": date(2025, 9, 15), "resigned": date(2026, 3, 2),
           "deceased": date(2024, 10, 8)}  # archived statuses: when the person left


Person = dict[str, Any]  # category, status, sex, born, recruited, joined, rank (or None), party


def month(day: date, later: int = 0) -> str:
    """The first day of the month `later` months after `day`'s, as the tables store it."""
    index = day.year * 12 + day.month - 1 + later
    return date(index // 12, index % 12 + 1, 1).isoformat()


def draw(rng: random.Random, category: str = "cong_chuc", status: str = "active") -> Person:
    """A plausible clean person of this category and status (recruited at 22–26, before leaving)."""
    old, limit = status in ("retired", "deceased"), LEFT_ON.get(status, date(2026, 6, 1))
    born = date(rng.randint(1961, 1964) if old else rng.randint(1966, 2001), rng.randint(1, 12), rng.randint(1, 28))
    recruited = min(date(born.year + rng.randint(22, 26), rng.randint(1, 12), rng.randint(1, 28)),
                    date(limit.year - 1, limit.month, 1))
    joined = max(min(date(recruited.year + rng.randint(0, 6), rng.randint(1, 12), 1), limit), recruited)
    rank = rng.choice(RANKS[category]) if category != "can_bo" or rng.random() < 0.5 else None
    return {"category": category, "status": status, "sex": rng.choice("MF"), "born": born, "recruited": recruited,
            "joined": joined, "rank": rank, "party": rng.random() < 0.5 and recruited.year <= 2022}


def place(rng: random.Random, detail: bool = False) -> dict[str, str]:
    commune, province = rng.choice(PLACES)
    where = {"commune": commune, "province": province}
    return {"detail": f"Số {rng.randint(2, 120)} {rng.choice(STREETS)}", **where} if detail else where


def salary_rows(person: Person, until: date | None) -> list[dict[str, Any]]:
    """One row per step since recruitment, each `step_months` long; the last one open while serving."""
    scale = scale_of(person["rank"]) if person["rank"] else None
    if scale is None:
        return []
    starts = [month(person["recruited"], i * scale.step_months) for i in range(len(scale.coefficients))]
    starts = [start for start in starts if start <= (until or TODAY).isoformat()]
    ends = [*starts[1:], None if until is None else month(until)]
    return [{"from_date": start, "to_date": end, "rank_code": person["rank"], "salary_step": step,
             "coefficient": str(scale.coefficients[step - 1])}
            for step, (start, end) in enumerate(zip(starts, ends, strict=True), start=1)]


def work_rows(rng: random.Random, person: Person, until: date | None) -> list[dict[str, Any]]:
    first, current = rng.sample(UNITS, 2)
    earlier = [{"from_date": month(person["recruited"]), "to_date": month(person["joined"]), "unit": first,
                "title": "Chuyên viên"}] if person["joined"] > person["recruited"] else []
    return [*earlier, {"from_date": month(person["joined"]), "to_date": None if until is None else month(until),
                       "unit": current, "title": "Chuyên viên"}]


def items_of(rng: random.Random, person: Person, salary: list[dict[str, Any]]) -> dict[str, Any]:
    sex, born = person["sex"], person["born"]
    digit = 2 * ((born.year - 1900) // 100) + (sex == "F")  # DOMAIN §3: century and sex
    items: dict[str, Any] = {
        "full_name": " ".join(rng.choice(names) for names in (FAMILY, MIDDLE[sex], GIVEN[sex])),
        "sex": sex, "birth_date": born.isoformat(),
        "citizen_id": f"{rng.choice(BIRTH_PREFIXES)}{digit}{born.year % 100:02d}{rng.randrange(10**6):06d}",
        "citizen_id_issued_on": date(2021, rng.randint(3, 12), rng.randint(1, 28)).isoformat(),
        "phone": f"09{rng.randrange(10**8):08d}", "ethnicity_code": rng.choice(ETHNICITIES),
        "religion_code": rng.choice(RELIGIONS), "birth_place": place(rng), "home_town": place(rng),
        "residence": place(rng, detail=True), "first_recruited_on": person["recruited"].isoformat(),
        "joined_agency_on": person["joined"].isoformat(), "highest_qualification": rng.choice(["Đại học", "Thạc sĩ"]),
    }
    if person["category"] in POSITIONS:
        items["current_position"] = rng.choice(POSITIONS[person["category"]])
    if salary:
        last = salary[-1]
        items.update(rank_code=person["rank"], salary_step=last["salary_step"], salary_coefficient=last["coefficient"],
                     salary_effective_on=last["from_date"])
    if person["party"] and person["recruited"].year <= 2022:  # official a year later, in the past
        joined = date(person["recruited"].year + 1, rng.randint(1, 12), rng.randint(1, 28))
        items.update(party_joined_on=joined.isoformat(), party_official_on=date(joined.year + 1, joined.month,
                                                                                 joined.day).isoformat())
    return items


def build(rng: random.Random, person: Person) -> dict[str, Any]:
    until = LEFT_ON.get(person["status"])
    school, field = rng.choice(SCHOOLS)
    sections: dict[str, list[dict[str, Any]]] = {name: [] for name in SECTIONS}
    year = person["born"].year
    sections["training-professional"] = [{"from_date": f"{year + 18}-09-01", "to_date": f"{year + 22}-06-01",
                                          "institution": school, "field_of_study": field, "award": "Cử nhân"}]
    sections["work-history"] = work_rows(rng, person, until)
    sections["salary-history"] = salary_rows(person, until)
    for table in sections.values():
        for row in table:
            row["id"] = str(uuid.UUID(int=rng.getrandbits(128), version=4))
    return {"profile_id": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
            "org_unit_id": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
            "category": person["category"], "status": person["status"],
            "items": items_of(rng, person, sections["salary-history"]), "sections": sections}


def context_of(rng: random.Random, policy: str = "hanoi-2024") -> dict[str, Any]:
    reviewed = date(2026, rng.randint(6, 10), rng.randint(1, 28))
    checked = date(2026, rng.randint(3, 10), rng.randint(1, 28))
    return {"today": TODAY.isoformat(), "policy": policy, "reviewed_at": f"{reviewed.isoformat()}T09:30:00+07:00",
            "citizen_check": {"checked_on": checked.isoformat(), "result": "match"}}


Mutation = Callable[[dict[str, Any], dict[str, Any]], None]  # (record, context) → None, in place


class Start(NamedTuple):  # among a case's mutations: the person it starts from, a change to the drawn one
    change: Callable[[Person], Person]


def items(**values: Any) -> Mutation:
    return lambda r, _: r["items"].update(values)


def drop(*keys: str) -> Mutation:
    """Empties items (null, as the form's JSON has them)."""
    return items(**dict.fromkeys(keys))


def cell(section: str, row: int, column: str, value: Any) -> Mutation:
    return lambda r, _: r["sections"][section][row].__setitem__(column, value)


def add_row(section: str, at: int | None = None, **row: Any) -> Mutation:
    def apply(r: dict[str, Any], _: dict[str, Any]) -> None:
        table = r["sections"][section]
        table.insert(len(table) if at is None else at, {"id": str(uuid.UUID(int=len(table) + 7, version=4)), **row})
    return apply


def clear(section: str) -> Mutation:
    return lambda r, _: r["sections"].__setitem__(section, [])


def reverse(section: str) -> Mutation:
    return lambda r, _: r["sections"][section].reverse()


def cid(change: Callable[[str], str]) -> Mutation:
    """Rewrites the personal ID."""
    return lambda r, _: r["items"].__setitem__("citizen_id", change(r["items"]["citizen_id"]))


def check(result: str, *mismatched: str) -> Mutation:
    return lambda _, c: c["citizen_check"].update(result=result, mismatched=list(mismatched))


def change(state: str, needs: bool = True, has: bool = False, decided: str | None = None) -> Mutation:
    fact = {"occurred_on": "2026-11-19", "entered_on": "2026-11-20", "state": state, "needs_evidence": needs,
            "has_evidence": has, **({"decided_on": decided} if decided else {})}
    return lambda _, c: c.setdefault("changes", []).append(fact)


def nd27(_: dict[str, Any], c: dict[str, Any]) -> None:
    c["policy"] = "nd27-2026"


def person(**changes: Any) -> Start:
    """SEASONED with these changes."""
    return Start(lambda p: {**p, **KNOWN, **changes})


# Cases start from SEASONED (known dates, 7 salary steps, 2 work rows) unless a Start says otherwise;
# AS_DRAWN keeps the random person as drawn.
KNOWN = {"born": date(1984, 7, 9), "recruited": date(2008, 3, 3), "joined": date(2014, 8, 1), "rank": "01.003"}
SEASONED, AS_DRAWN = person(), Start(lambda p: p)
BORN_2001 = person(sex="F", born=date(2001, 2, 3), recruited=date(2024, 9, 3), joined=date(2024, 9, 3))
CASES: list[tuple[str, str, list[str], list[Mutation], Start]] = []


def group(expect: str, *cases: tuple[Any, ...]) -> None:
    """Cases (name, "category[/status]", mutation or Start, …) giving exactly the codes in `expect`."""
    for name, kind, *steps in cases:
        start = next((s for s in steps if isinstance(s, Start)), SEASONED)
        CASES.append((name, kind, expect.split(), [s for s in steps if not isinstance(s, Start)], start))


def recruited_at(age: int, born: date) -> Start:
    return person(born=born, recruited=born.replace(year=born.year + age), joined=date(2024, 6, 1))


def id_put(position: int, text: str) -> Mutation:
    """Writes `text` over the personal ID from a 1-based position."""
    return cid(lambda v: v[:position - 1] + text + v[position - 1 + len(text):])


# Clean records, in every category and status, and on the edges the rules must accept.
group("", *[(f"clean {k} {n}", k, AS_DRAWN) for n in (1, 2, 3) for k in ("cong_chuc", "vien_chuc", "can_bo", "cap_xa")],
      *[(f"clean {k}", k, AS_DRAWN) for k in ("cong_chuc/retired", "vien_chuc/transferred_out", "cap_xa/resigned",
                                             "cong_chuc/deceased", "can_bo/retired", "vien_chuc/resigned")],
      ("clean under nd27-2026", "cong_chuc", nd27, AS_DRAWN),
      ("clean: recruited on the 18th birthday", "cong_chuc", recruited_at(18, date(1990, 4, 12))),
      ("clean: recruited at 64, the last working age", "cong_chuc/retired", recruited_at(64, date(1959, 6, 2))),
      ("clean: coefficient 3.0 equals 3.00", "cong_chuc", items(salary_step=3, salary_coefficient="3.0")),
      ("clean: Party full membership a day after admission", "cong_chuc",
       items(party_joined_on="2012-05-19", party_official_on="2012-05-20")),
      ("clean: born 2001, female", "vien_chuc", BORN_2001),
      ("clean: commune official without professional training", "cap_xa", clear("training-professional")),
      ("clean: commune official without a rank", "cap_xa", clear("salary-history"),
       drop("rank_code", "salary_step", "salary_coefficient", "salary_effective_on")),
      ("clean: cadre without a qualification", "can_bo", drop("highest_qualification")),
      ("clean: current work row ends this month", "cong_chuc", cell("work-history", -1, "to_date", "2026-11-01")),
      ("clean: ethnicity 54, religion 16", "vien_chuc", items(ethnicity_code="54", religion_code="16")),
      ("clean: a course under way ends next year", "cong_chuc", add_row(
          "training-it", from_date="2026-09-01", to_date="2027-01-01", institution="Trung tâm Tin học Hà Nội",
          award="Chứng chỉ ứng dụng công nghệ thông tin nâng cao")),
      ("clean: an earlier job before recruitment", "cong_chuc", add_row(
          "work-history", at=0, from_date="2006-07-01", to_date="2008-03-01",
          unit="Công ty Cổ phần Xây dựng Thăng Long", title="Nhân viên kỹ thuật")),
      ("clean: change with its document", "cong_chuc", change("submitted", has=True)),
      ("clean: withdrawn change without a document", "cong_chuc", change("withdrawn")),
      ("clean: change that needs no document", "vien_chuc", change("submitted", needs=False), nd27),
      ("clean: enlisted and discharged", "cong_chuc", items(enlisted_on="2003-02-20", discharged_on="2005-02-15")))

# DUNG-CCCD: the personal ID's structure and its agreement with sex and birth year (born 1984 unless said).
group("DUNG-CCCD-001", ("id of 11 digits", "cong_chuc", cid(lambda v: v[:11])),
      ("id of 13 digits", "vien_chuc", cid(lambda v: v + "7")), ("id with a letter", "cap_xa", id_put(9, "O")))
group("DUNG-CCCD-002", *[(f"id province {p} unlisted", "cap_xa", id_put(1, p)) for p in ("003", "099", "000", "063")])
group("DUNG-CCCD-003", ("id digit 4 of the other sex", "cong_chuc", id_put(4, "1"), person(sex="M")),
      ("id digit 4 of the 21st century", "vien_chuc", id_put(4, "3"), person(sex="F")),
      ("id digit 4 of the 20th century, born 2001", "vien_chuc", id_put(4, "1"), BORN_2001))
group("DUNG-CCCD-004", ("id year off by one", "can_bo", id_put(6, "5")), ("id year swapped", "cap_xa", id_put(5, "48")))
group("DUNG-CCCD-003 DUNG-CCCD-004", ("id digit 4 and year wrong", "cong_chuc", id_put(4, "299")))
group("DUNG-CCCD-002 DUNG-CCCD-004", ("id province and year wrong", "cong_chuc", id_put(1, "003"), id_put(5, "70")))

# Code lists.
group("DUNG-DANTOC-001", *[(f"ethnicity {v!r} not a code", "cong_chuc", items(ethnicity_code=v))
                           for v in ("99", "00", "Kinh")])
group("DUNG-DANTOC-002", *[(f"ethnicity extension {v}", "vien_chuc", items(ethnicity_code=v)) for v in ("55", "56")])
group("DUNG-TONGIAO-001", *[(f"religion {v!r} not a code", "cap_xa", items(religion_code=v))
                            for v in ("17", "99", "Phật giáo")])
group("DUNG-NGACH-001", ("rank code not listed", "cong_chuc", items(rank_code="01.999")),
      ("rank code without its leading zero", "vien_chuc", items(rank_code="1.003")),
      ("salary-history rank not listed", "cong_chuc", cell("salary-history", 0, "rank_code", "03.100")))

# Dates: nothing in the future or before birth, working age at recruitment, events in order.
group("DUNG-NGAY-001", ("citizen ID issued next year", "cong_chuc", items(citizen_id_issued_on="2027-02-10")),
      ("salary effective next month", "vien_chuc", items(salary_effective_on="2026-12-01")),
      ("Party full membership next year", "cong_chuc",
       items(party_joined_on="2026-03-02", party_official_on="2027-03-02")),
      ("course starting next year", "cap_xa", add_row("training-political", from_date="2027-01-01",
                                                      to_date="2027-06-01", institution="Trường Chính trị Tô Hiệu")))
group("DUNG-NGAY-001 DUNG-NGAY-002 DUNG-CCCD-003 DUNG-CCCD-004",
      ("born in the future (ID left as it was)", "cong_chuc", items(birth_date="2027-01-05")))
group("DUNG-NGAY-002", ("citizen ID issued before birth", "cong_chuc", items(citizen_id_issued_on="1983-01-10")),
      ("first organisation joined before birth", "vien_chuc", items(first_org_joined_on="1980-03-26")),
      ("work-history row before birth", "cong_chuc", add_row(
          "work-history", at=0, from_date="1983-01-01", to_date="1984-01-01",
          unit="Hợp tác xã Nông nghiệp Đông Anh", title="Xã viên")),
      ("recruited before birth", "cong_chuc", items(first_recruited_on="1983-05-04")))
group("DUNG-NGAY-003", ("recruited at 17", "cong_chuc", recruited_at(17, date(1992, 10, 7))),
      ("recruited at 16", "cap_xa", recruited_at(16, date(1993, 1, 20))),
      ("recruited at exactly 65", "cong_chuc/retired", recruited_at(65, date(1959, 6, 1))),
      ("recruited at 70", "vien_chuc/retired", recruited_at(70, date(1954, 2, 1))))
group("DUNG-NGAY-004", ("joined the agency before first recruitment", "cong_chuc",
                        items(joined_agency_on="2007-06-01")),
      ("Party full membership on the admission day", "cong_chuc",
       items(party_joined_on="2012-05-19", party_official_on="2012-05-19")),
      ("Party full membership before admission", "vien_chuc",
       items(party_joined_on="2012-05-19", party_official_on="2011-05-19")),
      ("discharged before enlisting", "cong_chuc", items(enlisted_on="2003-02-20", discharged_on="2002-02-15")),
      ("re-appointed before appointed", "can_bo",
       items(position_appointed_on="2021-06-01", position_reappointed_on="2020-06-01")))

# Periods: from ≤ to, rows in order, no overlap (a warning in work history, an error in salary history).
group("DUNG-NGAY-005", ("work-history row ends before it starts", "cong_chuc",
                        cell("work-history", 0, "to_date", "2007-01-01")),
      ("training row ends before it starts", "vien_chuc", cell("training-professional", 0, "to_date", "2002-06-01")),
      ("salary-history row ends before it starts", "cong_chuc", cell("salary-history", 1, "to_date", "2011-01-01")),
      ("discipline period reversed", "cong_chuc", add_row("discipline", from_date="2019-06-01", to_date="2018-06-01",
                                                          form="Khiển trách", deciding_body="Sở Nội vụ Hà Nội")))
group("DUNG-NGAY-006", ("work history newest first", "cong_chuc", reverse("work-history")),
      ("salary history newest first", "vien_chuc", reverse("salary-history")),
      ("both histories newest first", "cong_chuc", reverse("work-history"), reverse("salary-history")))
group("DUNG-QTCT-001", ("work rows overlap by half a year", "cong_chuc", cell("work-history", 0, "to_date",
                                                                            "2015-02-01")),
      ("first work row left open", "vien_chuc", cell("work-history", 0, "to_date", None)),
      ("a concurrent role", "cong_chuc", add_row("work-history", from_date="2020-01-01", to_date=None,
                                                 unit="Hội Cựu chiến binh phường Ba Đình", title="Phó Chủ tịch")))
group("DUNG-NGAY-005 DUNG-NGAY-006 DUNG-QTCT-001", ("reversed period in the first job", "cap_xa",
                                                    cell("work-history", 0, "to_date", "2007-01-01"),
                                                    cell("work-history", 0, "from_date", "2015-01-01")))
group("DUNG-QTL-001", ("salary rows overlap", "cong_chuc", cell("salary-history", 0, "to_date", "2011-07-01")),
      ("earlier salary row left open", "vien_chuc", cell("salary-history", 2, "to_date", None)),
      ("salary row entered twice", "cong_chuc", lambda r, _: r["sections"]["salary-history"].append(
          {**r["sections"]["salary-history"][-1], "id": "dup"})))

# Salary: the step exists in the rank's scale and the coefficient is the scale's (A1: 9 steps, B: 12).
group("DUNG-LUONG-001", ("step 10 of a nine-step rank", "cong_chuc", items(salary_step=10)),
      ("step 0", "vien_chuc", items(salary_step=0)), ("step written as a word", "cong_chuc", items(salary_step="ba")),
      ("salary-history step 13 of a twelve-step rank", "cong_chuc", cell("salary-history", 0, "rank_code", "01.005"),
       cell("salary-history", 0, "salary_step", 13)))
group("DUNG-LUONG-002", ("coefficient of the wrong step", "cong_chuc", items(salary_step=3, salary_coefficient="3.33")),
      ("coefficient that is not a number", "vien_chuc", items(salary_coefficient="hai")),
      ("salary-history coefficient off", "cong_chuc", cell("salary-history", 1, "coefficient", "2.76")))

# The population DB (CSDLQG về dân cư).
group("DUNG-DANCU-001", ("population DB: name differs", "cong_chuc", check("mismatch", "full_name")),
      ("population DB: birth date and sex differ", "vien_chuc", check("mismatch", "birth_date", "sex")),
      ("population DB: mismatch naming no field", "cap_xa", check("mismatch")))
group("DUNG-DANCU-002", ("population DB: not found", "cong_chuc", check("not_found")),
      ("population DB: retired, not found", "cong_chuc/retired", check("not_found")))

# Đủ: required items by category and status, a current work row, professional training, evidence.
group("DU-TRUONG-001", *[(f"{kind} without {key}", kind, drop(key)) for kind, key in (
    ("cong_chuc", "rank_code"), ("cong_chuc", "salary_coefficient"), ("vien_chuc", "salary_step"),
    ("cong_chuc", "first_recruited_on"), ("vien_chuc", "highest_qualification"), ("can_bo", "current_position"),
    ("cap_xa", "current_position"), ("cap_xa", "first_recruited_on"), ("cong_chuc", "residence"),
    ("cong_chuc/retired", "residence"), ("can_bo", "home_town"), ("vien_chuc/deceased", "birth_place"),
    ("cap_xa", "religion_code"))],
      ("ethnicity left blank", "cong_chuc", items(ethnicity_code="")),
      ("birth place with no parts", "vien_chuc", items(birth_place={})),
      ("home town with empty parts", "can_bo", items(home_town={"commune": None, "province": None})),
      ("three required items missing", "cap_xa", drop("ethnicity_code", "religion_code", "home_town")))
group("DU-QTCT-001", ("active without any work row", "cong_chuc", clear("work-history")),
      ("active, every work row closed", "vien_chuc", cell("work-history", -1, "to_date", "2026-06-01")),
      ("active, last work row ended last month", "cap_xa", cell("work-history", -1, "to_date", "2026-10-01")))
group("DU-DAOTAO-001", *[(f"{kind} without professional training", kind, clear("training-professional"))
                         for kind in ("cong_chuc", "vien_chuc", "cong_chuc/retired")])
group("DU-MINHCHUNG-001", ("submitted change without its document", "cong_chuc", change("submitted")),
      ("draft change without its document", "vien_chuc", change("draft")),
      ("applied change without its document", "cap_xa", change("applied", decided="2026-11-20")),
      ("one of two changes without its document", "can_bo", change("submitted", has=True), change("submitted"), nd27))

# Several findings at once.
group("DUNG-DANTOC-001 DUNG-LUONG-002 DUNG-DANCU-001", ("wrong ethnicity, coefficient and name", "cong_chuc",
      items(ethnicity_code="60", salary_step=2, salary_coefficient="2.76"), check("mismatch", "full_name")))
group("DU-TRUONG-001 DU-DAOTAO-001",
      ("missing home town and no training", "vien_chuc", drop("home_town"), clear("training-professional")))
group("DU-MINHCHUNG-001 DUNG-DANCU-002 DUNG-TONGIAO-001", ("undocumented change, unknown ID, bad religion",
      "cong_chuc", change("submitted"), check("not_found"), items(religion_code="20")))
group("DUNG-DANTOC-002 DUNG-NGAY-001 DU-QTCT-001", ("extension ethnicity, future ID issue, no work row", "cap_xa",
      items(ethnicity_code="56", citizen_id_issued_on="2026-12-24"), clear("work-history")))


def main() -> None:
    rng = random.Random(SEED)
    lines = []
    for name, kind, expect, mutations, start in CASES:
        category, _, status = kind.partition("/")
        record, context = build(rng, start.change(draw(rng, category, status or "active"))), context_of(rng)
        for mutate in mutations:
            mutate(record, context)
        lines.append(json.dumps({"name": name, "record": record, "context": context, "expect": sorted(expect)},
                                ensure_ascii=False, separators=(",", ":")))
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text("\n".join(lines) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
