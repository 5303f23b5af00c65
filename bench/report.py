"""Per-target figures over all rounds, the table, and the JSON file in bench/results/."""

from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench.cases import Pair
from bench.driver import Round

RESULTS = Path(__file__).parent / "results"


def percentile(sorted_values: list[float], q: float) -> float:
    """Nearest-rank percentile of an ascending list."""
    if not sorted_values:
        return math.nan
    return sorted_values[max(0, math.ceil(q * len(sorted_values)) - 1)]


@dataclass
class Stats:
    target: str
    ok: int
    errors: dict[str, int]
    seconds: float
    rps: float
    p50_ms: float
    p90_ms: float
    p99_ms: float
    max_ms: float
    mean_ms: float
    rounds_rps: list[float]
    server_cpu_ms_per_req: float  # the cost that does not depend on who else shares the machine
    server_cpu: float  # share of one core over the windows
    load_cpu: float
    db_cpu: float | None
    other_cpu: float  # the rest of the machine (cores busy minus the three above)


def summarise(target: str, rounds: list[Round]) -> Stats:
    mine = [r for r in rounds if r.target == target]
    latencies = sorted(x for r in mine for x in r.result.latencies_ms)
    seconds = sum(r.result.window_s for r in mine)
    errors: dict[str, int] = {}
    for r in mine:
        for status, count in r.result.errors.items():
            errors[status] = errors.get(status, 0) + count
    db = [r.db_cpu_s for r in mine if r.db_cpu_s is not None]
    ours = sum(r.server_cpu_s + r.result.client_cpu_s + (r.db_cpu_s or 0.0) for r in mine)
    return Stats(
        target=target, ok=len(latencies), errors=errors, seconds=seconds,
        rps=len(latencies) / seconds, p50_ms=percentile(latencies, 0.50),
        p90_ms=percentile(latencies, 0.90), p99_ms=percentile(latencies, 0.99),
        max_ms=latencies[-1] if latencies else math.nan,
        mean_ms=sum(latencies) / len(latencies) if latencies else math.nan,
        rounds_rps=[round(r.result.ok / r.result.window_s, 1) for r in mine],
        server_cpu_ms_per_req=1000 * sum(r.server_cpu_s for r in mine) / max(1, len(latencies)),
        server_cpu=sum(r.server_cpu_s for r in mine) / seconds,
        load_cpu=sum(r.result.client_cpu_s for r in mine) / seconds,
        db_cpu=sum(db) / seconds if db else None,
        other_cpu=max(0.0, sum(r.machine_cpu_s for r in mine) - ours) / seconds,
    )


def _over(a: float, b: float) -> float:
    return a / b if b else math.nan


def ratios(api: Stats, raw: Stats) -> dict[str, float]:
    """profile-api as a fraction of the raw floor: 1.0 would be free, lower costs more."""
    return {"rps_api_over_raw": _over(api.rps, raw.rps),
            "p50_raw_over_api": _over(raw.p50_ms, api.p50_ms),
            "p99_raw_over_api": _over(raw.p99_ms, api.p99_ms),
            "cpu_per_req_raw_over_api": _over(raw.server_cpu_ms_per_req, api.server_cpu_ms_per_req)}


def per_round(rounds: list[Round]) -> list[dict[str, Any]]:
    out = []
    for r in rounds:
        latencies = sorted(r.result.latencies_ms)
        out.append({"target": r.target, "ok": r.result.ok, "errors": r.result.errors,
                    "rps": r.result.ok / r.result.window_s, "p50_ms": percentile(latencies, 0.5),
                    "p99_ms": percentile(latencies, 0.99), "server_cpu_s": r.server_cpu_s,
                    "load_cpu_s": r.result.client_cpu_s, "db_cpu_s": r.db_cpu_s,
                    "machine_cpu_s": r.machine_cpu_s})
    return out


def _pct(share: float | None) -> str:
    return "-" if share is None else f"{share:.0%}"


COLUMNS = [("target", 14), ("req/s", 9), ("p50 ms", 8), ("p99 ms", 8), ("errors", 7),
           ("CPU ms/req", 11), ("server CPU", 11), ("load CPU", 9), ("pg CPU", 7),
           ("other CPU", 10)]


def _row(cells: list[str], columns: list[tuple[str, int]] = COLUMNS, text_columns: int = 1) -> str:
    return " ".join(c.ljust(w) if i < text_columns else c.rjust(w)
                    for i, (c, (_, w)) in enumerate(zip(cells, columns, strict=True)))


def print_table(stats: list[Stats]) -> None:
    print("\n" + _row([name for name, _ in COLUMNS]) + "   req/s per round")
    for s in stats:
        print(_row([s.target, f"{s.rps:.1f}", f"{s.p50_ms:.2f}", f"{s.p99_ms:.2f}",
                    str(sum(s.errors.values())), f"{s.server_cpu_ms_per_req:.3f}",
                    _pct(s.server_cpu), _pct(s.load_cpu), _pct(s.db_cpu), _pct(s.other_cpu)])
              + "   " + ", ".join(f"{x:.0f}" for x in s.rounds_rps))
        if s.errors:
            print(f"{'':<14} errors by status: {s.errors}")
    print("(CPU ms/req: the server process's CPU per 200 response. CPU %: share of one core over"
          " the measured windows;\n `other` is the rest of the machine, a PostgreSQL on"
          " $DATABASE_URL's host included: high means a noisy run.)")


RATIO_COLUMNS = [("pair", 16), ("api vs raw", 26), ("req/s api/raw", 14), ("p50 raw/api", 12),
                 ("p99 raw/api", 12), ("CPU/req raw/api", 16), ("api × CPU/req", 14)]


def print_ratios(pairs: list[Pair], ratios: dict[str, dict[str, float]]) -> None:
    """Each profile-api target against its floor: 1.0 would be free, lower costs more."""
    print("\nprofile-api / raw floor (1.0 = as cheap as the floor; lower = profile-api costs more):")
    print(_row([name for name, _ in RATIO_COLUMNS], RATIO_COLUMNS, 2))
    for pair in pairs:
        r = ratios[pair.name]
        cpu = r["cpu_per_req_raw_over_api"]
        print(_row([pair.name, f"{pair.api} / {pair.raw}", f"{r['rps_api_over_raw']:.3f}",
                    f"{r['p50_raw_over_api']:.3f}", f"{r['p99_raw_over_api']:.3f}", f"{cpu:.3f}",
                    f"{_over(1, cpu):.2f}×"], RATIO_COLUMNS, 2))


def write(config: dict[str, Any], stats: list[Stats], ratios: dict[str, dict[str, float]],
          rounds: list[Round], started: datetime) -> Path:
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"{started.strftime('%Y%m%dT%H%M%SZ')}.json"
    document = {"started_at": started.isoformat(), "finished_at": datetime.now(UTC).isoformat(),
                "config": config, "targets": {s.target: asdict(s) for s in stats}, "ratios": ratios,
                "rounds": per_round(rounds)}
    path.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n")
    return path
