"""The scorecard's history as an inline SVG line chart drawn on the server: one line per criterion (the share of
records passing it, 0–100 %), days along the bottom. Pure geometry: the template writes the elements; no client
library, and each line also differs by its dash pattern, so colour is not the only cue (WCAG 1.4.1)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

WIDTH, HEIGHT = 640, 260
LEFT, RIGHT, TOP, BOTTOM = 48, 16, 12, 36  # margins: the axis labels' room
CRITERIA = ("Đúng", "Đủ", "Sạch", "Sống")
# Each criterion's stroke: colour (contrast ≥ 3:1 on white) and dash pattern.
STROKES = {"Đúng": ("#0b5cad", ""), "Đủ": ("#b3261e", "8 4"), "Sạch": ("#1e6b2f", "2 4"),
           "Sống": ("#6b3fa0", "12 4 2 4")}
TICKS = (0, 25, 50, 75, 100)


@dataclass(frozen=True)
class Line:
    criterion: str
    colour: str
    dash: str
    points: str  # the polyline's "x,y x,y …"
    dots: list[tuple[float, float]]  # where a single day's point stands


def _x(index: int, count: int) -> float:
    span = WIDTH - LEFT - RIGHT
    return round(LEFT + (span * index / (count - 1) if count > 1 else span / 2), 1)


def _y(percent: float) -> float:
    return round(TOP + (HEIGHT - TOP - BOTTOM) * (1 - percent / 100), 1)


def percent(share: float | None) -> float | None:
    return None if share is None else round(100 * share, 1)


def chart(points: list[dict[str, Any]]) -> dict[str, Any] | None:
    """None without a snapshot to draw; else the lines, the y-axis ticks and the first and last day."""
    if not points:
        return None
    count = len(points)
    lines = []
    for criterion in CRITERIA:
        coords = []
        for index, point in enumerate(points):
            shares = {c["criterion"]: c["share"] for c in point["criteria"]}
            value = percent(shares.get(criterion))
            if value is not None:
                coords.append((_x(index, count), _y(value)))
        colour, dash = STROKES[criterion]
        lines.append(Line(criterion, colour, dash, " ".join(f"{x},{y}" for x, y in coords),
                          coords if len(coords) == 1 else []))
    first, last = date.fromisoformat(str(points[0]["day"])), date.fromisoformat(str(points[-1]["day"]))
    return {"width": WIDTH, "height": HEIGHT, "left": LEFT, "right": WIDTH - RIGHT, "bottom": HEIGHT - BOTTOM,
            "ticks": [(t, _y(t)) for t in TICKS], "lines": lines, "first": first, "last": last,
            "first_x": _x(0, count), "last_x": _x(count - 1, count), "label_y": HEIGHT - BOTTOM + 20}
