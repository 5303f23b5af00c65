"""What the versioned wire format costs (issue 19 item 3): per record, the v1 adapter's placement of our record
into NĐ 27/2026's ten groups (`sync_gateway.national`) and the check of it against the published JSON Schema,
format checks on, by ndxp-sim (`jsonschema-rs`, as `ndxp_sim.packets.formats` runs it) and by the tests (Python's
`jsonschema`), beside the baseline every packet already pays, the RFC 8785 canonical bytes of the same records.

`python -m bench.wire_format [--records 2000] [--repeat 3]` draws demo-like records (`bench.sim_memory`), prints
the best of `--repeat` runs per step, in µs a record and ms per 500-record packet, and writes them to
`bench/results/<UTC timestamp>-wire-format.json`. It asserts nothing about
speed."""

from __future__ import annotations

import argparse
import json
import random
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import jsonschema_rs
from jsonschema import Draft202012Validator  # type: ignore[import-untyped]

from bench.sim_memory import snapshot
from hoso_shared.canonical import canonical
from sync_gateway.national.formats import ADAPTERS

RESULTS = Path(__file__).parent / "results"


def records(n: int, seed: int = 2026) -> list[dict[str, Any]]:
    """Demo-like records as versions hold them: no top-level `category`/`status` among the items, row ids set."""
    rng, out = random.Random(seed), []
    for _ in range(n):
        shot = snapshot(rng)
        for key in ("category", "status"):
            shot["items"].pop(key)
        for rows in shot["sections"].values():
            for row in rows:
                row["id"] = str(uuid.UUID(int=rng.getrandbits(128), version=4))
        out.append(shot)
    return out


def best(step: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        began = time.perf_counter()
        step()
        times.append(time.perf_counter() - began)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--records", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    v1 = ADAPTERS["v1"]
    drawn = records(args.records)
    encoded = [v1.encode(r) for r in drawn]
    validator = Draft202012Validator(v1.schema(), format_checker=Draft202012Validator.FORMAT_CHECKER)
    fast = jsonschema_rs.Draft202012Validator(v1.schema(), validate_formats=True)
    if not all(validator.is_valid(p) for p in encoded):
        raise SystemExit("a demo-like record does not validate: fix the mapping before timing it")
    seconds = {
        "canonical bytes (baseline)": best(lambda: [canonical(r) for r in drawn], args.repeat),
        "v1 encode (gateway)": best(lambda: [v1.encode(r) for r in drawn], args.repeat),
        "schema check, jsonschema-rs (ndxp-sim)": best(lambda: [list(fast.iter_errors(p)) for p in encoded],
                                                       args.repeat),
        "schema check, jsonschema (tests)": best(lambda: [list(validator.iter_errors(p)) for p in encoded],
                                                 args.repeat),
    }
    figures = {name: {"us_per_record": round(s / args.records * 1e6, 1),
                      "ms_per_500_record_packet": round(s / args.records * 500 * 1e3, 1)}
               for name, s in seconds.items()}
    for name, f in figures.items():
        print(f"{name:40} {f['us_per_record']:9.1f} µs/record  {f['ms_per_500_record_packet']:8.1f} ms/packet")
    RESULTS.mkdir(exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    (RESULTS / f"{stamp}-wire-format.json").write_text(json.dumps({"records": args.records, "figures": figures},
                                                                  indent=2, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
