"""`make bench` (part): the Đúng–Đủ–Sạch–Sống engine's throughput on one core, beside pydantic
validation of the same records' items alone (the raw floor every record pays anyway). The engine runs
compiled with mypyc where the build found a C compiler (shared/setup.py); the header says which.

Run: `python -m bench.rules` (BENCH_RECORDS, default 20,000). Nothing is asserted."""

from __future__ import annotations

import gc
import os
import random
import time
from datetime import UTC, date, datetime, timedelta
from typing import Any

from hoso_shared.devstack.demo import FAMILY, GIVEN, MIDDLE, citizen_id
from hoso_shared.form import ProfileItems
from hoso_shared.validation import RULES, CitizenCheck, Context, judge
from hoso_shared.validation.compiled import describe

TODAY = date(2026, 11, 23)


def make_records(n: int, seed: int = 2026) -> list[dict[str, Any]]:
    rng, used = random.Random(seed), set[str]()
    records = []
    for _ in range(n):
        sex = rng.choice("MF")
        birth = date(1965, 1, 1) + timedelta(days=rng.randrange(365 * 35))
        recruited = date(birth.year + 23, rng.randint(1, 12), 1).isoformat()
        items = {
            "full_name": f"{rng.choice(FAMILY)} {rng.choice(MIDDLE[sex])} {rng.choice(GIVEN[sex])}",
            "sex": sex, "birth_date": birth.isoformat(), "citizen_id": citizen_id(rng, birth, sex, used),
            "ethnicity_code": "01", "religion_code": "00", "birth_place": {"province": "Hà Nội"},
            "home_town": {"province": "Nam Định"}, "residence": {"commune": "phường Ba Đình", "province": "Hà Nội"},
            "first_recruited_on": recruited, "joined_agency_on": recruited, "highest_qualification": "Đại học",
            "rank_code": "01.003", "salary_step": 3, "salary_coefficient": "3.00", "phone": "0912345678",
        }
        records.append({"category": "cong_chuc", "status": "active", "items": items, "sections": {
            "training-professional": [{"id": "t1", "from_date": "2000-09-01", "to_date": "2004-06-01",
                                       "institution": "Học viện Hành chính Quốc gia", "award": "Cử nhân"}],
            "work-history": [{"id": "w1", "from_date": recruited, "unit": "Sở Tài chính", "title": "Chuyên viên"}]}})
    return records


def timed(label: str, fn: Any, records: list[dict[str, Any]]) -> float:
    gc.collect()
    start = time.perf_counter()
    for record in records:
        fn(record)
    seconds = time.perf_counter() - start
    rate = len(records) / seconds
    print(f"  {label:<42} {rate:>10,.0f} records/s   ({seconds * 1e6 / len(records):.1f} µs/record)")
    return rate


def main() -> None:
    n = int(os.environ.get("BENCH_RECORDS", "20000"))
    records = make_records(n)
    context = Context(today=TODAY, citizen_check=CitizenCheck(date(2026, 10, 1), "match"),
                      reviewed_at=datetime(2026, 9, 1, tzinfo=UTC))
    print(f"rule engine: {len(RULES)} rules, {n:,} records, one core (this process), {describe()}")
    floor = timed("pydantic ProfileItems validation alone", lambda r: ProfileItems.model_validate(r["items"]), records)
    engine = timed("judge(): every rule", lambda r: judge(r, context), records)
    both = timed("pydantic + judge() (what a record costs)",
                 lambda r: (ProfileItems.model_validate(r["items"]), judge(r, context)), records)
    findings = sum(len(judge(r, context).findings) for r in records[:1000])
    print(f"  engine / pydantic throughput ratio: {engine / floor:.2f}; combined {both:,.0f} records/s "
          f"(goal ≥ 20,000 for the rules); findings in the first 1,000 records: {findings}")


if __name__ == "__main__":
    main()
