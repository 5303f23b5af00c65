"""The table: what | measured | raw baseline | ratio | goal, printed and written to
bench/results/<UTC timestamp>-scale.json and .md. The formatting is pure."""

from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from bench.report import RESULTS

HEADER = ("what", "measured", "raw baseline (same run)", "ratio", "goal (issue 17)")
RATES = ("rows/s", "records/s")  # higher is better: the ratio is the baseline's rate over ours


@dataclass
class Figure:
    """One row. `value` and `baseline` are in `unit`; an operation that failed or timed out has `error`
    (and, for a time, how long it ran before that)."""

    what: str
    value: float | None = None
    unit: str = "s"
    error: str | None = None
    baseline: float | None = None
    baseline_what: str = ""  # e.g. "COPY out of 200,000 profiles"
    goal: str = ""
    note: str = ""  # shown after the value, e.g. "p50 12 ms, max 6.5 s"
    detail: dict[str, Any] = field(default_factory=dict)

    @property
    def ratio(self) -> float | None:
        """How many times the raw cost ours is (1.0 would be free; rates are inverted so more is worse)."""
        if self.value is None or not self.baseline or self.error is not None:
            return None
        if self.unit in RATES:
            return self.baseline / self.value if self.value else None
        return self.value / self.baseline


def amount(value: float | None, unit: str) -> str:
    if value is None or math.isnan(value):
        return "–"
    if unit == "s":
        return f"{value:.2f} s" if value < 100 else f"{value:,.0f} s"
    if unit == "ms":
        return f"{value:.1f} ms" if value < 1000 else f"{value / 1000:.2f} s"
    if unit == "%":
        return f"{value:.1f}% of a core"
    if unit == "MB":
        return f"{value:,.0f} MB"
    return f"{value:,.0f} {unit}"


def ratio_text(ratio: float | None) -> str:
    if ratio is None or math.isnan(ratio):
        return ""
    return f"{ratio:.2f}×" if ratio < 10 else f"{ratio:,.0f}×"


def cells(figure: Figure) -> tuple[str, str, str, str, str]:
    if figure.error is not None:
        ran = f" after {amount(figure.value, figure.unit)}" if figure.value is not None and figure.unit == "s" else ""
        measured = f"FAILED{ran}: {figure.error}"
    else:
        measured = amount(figure.value, figure.unit) + (f" ({figure.note})" if figure.note else "")
    baseline = ""
    if figure.baseline_what:
        baseline = figure.baseline_what + (f": {amount(figure.baseline, figure.unit)}"
                                           if figure.baseline is not None else "")
    return figure.what, measured, baseline, ratio_text(figure.ratio), figure.goal


def _clip(text: str, width: int) -> str:
    return text if len(text) <= width else text[:width - 1] + "…"


def text_table(figures: list[Figure], widths: tuple[int, ...] = (46, 44, 44, 8, 24)) -> str:
    """For the terminal: fixed columns, long cells clipped (the .md file has them whole)."""
    lines = ["  ".join(h.ljust(w) for h, w in zip(HEADER, widths, strict=True))]
    for figure in figures:
        lines.append("  ".join(_clip(c, w).ljust(w) for c, w in zip(cells(figure), widths, strict=True)).rstrip())
    return "\n".join(lines)


def markdown_table(figures: list[Figure]) -> str:
    def escape(text: str) -> str:
        return text.replace("|", "\\|").replace("\n", " ")

    lines = ["| " + " | ".join(HEADER) + " |", "|" + "---|" * len(HEADER)]
    lines += ["| " + " | ".join(escape(c) for c in cells(f)) + " |" for f in figures]
    return "\n".join(lines)


def write(figures: list[Figure], described: dict[str, Any], started: datetime, notes: list[str],
          results: Path = RESULTS, kind: str = "scale") -> tuple[Path, Path]:
    """The JSON (every figure with its detail) and the Markdown (the table and the notes); `kind` names the
    benchmark (`bench.bulk` shares this table)."""
    results.mkdir(parents=True, exist_ok=True)
    stem = results / f"{started.strftime('%Y%m%dT%H%M%SZ')}-{kind}"
    document = {**described, "figures": [{**asdict(f), "ratio": f.ratio} for f in figures], "notes": notes}
    json_path, md_path = stem.with_suffix(".json"), stem.with_suffix(".md")
    json_path.write_text(json.dumps(document, indent=2, ensure_ascii=False, default=str) + "\n")
    setup = ", ".join(f"{k} {v}" for k, v in described.items() if not isinstance(v, dict | list))
    md_path.write_text(f"# {kind.capitalize()} benchmark, {started.isoformat()}\n\n{setup}\n\n"
                       f"{markdown_table(figures)}\n\n" + "".join(f"- {n}\n" for n in notes))
    return json_path, md_path
