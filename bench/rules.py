"""`make bench` (part): the Đúng–Đủ–Sạch–Sống engine's throughput on one core, beside pydantic
validation of the same records' items alone (the raw floor every record pays anyway). The engine runs
compiled with mypyc where the build found a C compiler (shared/setup.py); the header says which.

Run: `python -m bench.rules` (BENCH_RECORDS, default 20,000). Nothing is asserted."""

from __future__ import annotations

import gc
import os
import random
import subprocess
import sys
import tempfile
import time
import unicodedata
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from hoso_devstack.demo import FAMILY, GIVEN, MIDDLE, citizen_id
from hoso_shared.form import ProfileItems
from hoso_shared.validation import RULES, CitizenCheck, Context, judge
from hoso_shared.validation.compiled import compiled_modules, copy_plain, describe

TODAY = date(2026, 11, 23)


def _defects() -> list[Callable[[dict[str, Any]], None]]:
    """What legacy HR data typically gets wrong, one per dirty record (they take the rules' slow paths)."""
    def items(**values: Any) -> Callable[[dict[str, Any]], None]:
        return lambda record: record["items"].update(values)

    def lower_name(record: dict[str, Any]) -> None:
        record["items"]["full_name"] = record["items"]["full_name"].lower()

    def corrupt_id(record: dict[str, Any]) -> None:
        cid = record["items"]["citizen_id"]
        record["items"]["citizen_id"] = cid[:3] + str((int(cid[3]) + 1) % 10) + cid[4:]

    def overlap(record: dict[str, Any]) -> None:
        record["sections"]["work-history"].insert(0, {"id": "w0", "from_date": "2015-01-01", "unit": "Sở Nội vụ"})

    return [lower_name, items(phone="+84 912 345 678"), items(highest_qualification="N/A"),
            items(residence={"commune": unicodedata.normalize("NFD", "phường  Ba Đình"), "province": "Hà Nội"}),
            items(salary_step=9), corrupt_id, items(birth_place={"province": "Sài Gòn"}), overlap,
            items(ethnicity_code=None), items(joined_agency_on="1900-01-01")]


DEFECTS = _defects()
DIRTY_EVERY = 5  # one record in five has one defect


def make_records(n: int, seed: int = 2026) -> list[dict[str, Any]]:
    rng, used = random.Random(seed), set[str]()
    records = []
    for i in range(n):
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
        if i % DIRTY_EVERY == 0:
            DEFECTS[i // DIRTY_EVERY % len(DEFECTS)](records[-1])
    return records


REPEAT = 3  # passes per figure; the best is shown, as timeit does: the slower ones measured the neighbours


def timed(label: str, fn: Any, records: list[dict[str, Any]]) -> float:
    passes = []
    for _ in range(REPEAT):
        gc.collect()
        start = time.perf_counter()
        for record in records:
            fn(record)
        passes.append(time.perf_counter() - start)
    seconds = min(passes)
    rate = len(records) / seconds
    print(f"  {label:<42} {rate:>10,.0f} records/s   ({seconds * 1e6 / len(records):.1f} µs/record)")
    return rate


CONTEXT = Context(today=TODAY, citizen_check=CitizenCheck(date(2026, 10, 1), "match"),
                  reviewed_at=datetime(2026, 9, 1, tzinfo=UTC))


def plain_python(n: int) -> float:
    """judge() from the same sources, not compiled: the package copied without its compiled libraries and
    run in a child process (a compiled module shadows its source in this one). Its records/s."""
    with tempfile.TemporaryDirectory() as folder:
        copy_plain(Path(folder))
        label = "judge(): plain Python, not compiled"
        code = f"import bench.rules as b; print(b.timed({label!r}, b.judge_one, b.make_records({n})))"
        child = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True,
                               cwd=Path(__file__).parents[1], env={**os.environ, "PYTHONPATH": folder})
    *lines, rate = child.stdout.splitlines()
    print(*lines, sep="\n")
    return float(rate)


def judge_one(record: dict[str, Any]) -> None:
    judge(record, CONTEXT)


def main() -> None:
    n = int(os.environ.get("BENCH_RECORDS", "20000"))
    records = make_records(n)
    context = CONTEXT
    print(f"rule engine: {len(RULES)} rules, {n:,} records, best of {REPEAT} passes, one core (this process), "
          f"{describe()}")
    floor = timed("pydantic ProfileItems validation alone", lambda r: ProfileItems.model_validate(r["items"]), records)
    engine = timed("judge(): every rule", lambda r: judge(r, context), records)
    if compiled_modules():
        print(f"  compiled / plain Python: {engine / plain_python(n):.2f}×")
    both = timed("pydantic + judge() (what a record costs)",
                 lambda r: (ProfileItems.model_validate(r["items"]), judge(r, context)), records)
    findings = sum(len(judge(r, context).findings) for r in records[:1000])
    print(f"  engine / pydantic throughput ratio: {engine / floor:.2f}; combined {both:,.0f} records/s "
          f"(goal ≥ 20,000 for the rules); findings in the first 1,000 records (one in {DIRTY_EVERY} has a "
          f"defect): {findings}")


if __name__ == "__main__":
    main()
