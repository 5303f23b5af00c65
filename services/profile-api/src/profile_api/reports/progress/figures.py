"""What the page and its PDF show, computed once from the page's data: labels (Vietnamese), shares and
dates. Pure: no I/O. Shares are whole-number percents of the unit's kept records."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from hoso_shared.time import ZONE

TITLE = "Tiến độ cập nhật, đồng bộ và chất lượng dữ liệu hồ sơ cán bộ, công chức, viên chức"
NOTICE = "Số liệu tổng hợp theo đơn vị — không chứa thông tin cá nhân."
# (key in the data, label, bar colour)
STAGES = (
    ("updated_month", "Cập nhật trong tháng", "#9ecae1"),
    ("updated_quarter", "Cập nhật trong quý", "#3182bd"),
    ("approved", "Đã phê duyệt", "#31a354"),
    ("synced", "Đã đồng bộ lên CSDL quốc gia", "#fd8d3c"),
    ("acknowledged", "CSDL quốc gia đã xác nhận", "#756bb1"),
)
CRITERIA = (("Đúng", "#2b8cbe"), ("Đủ", "#41ab5d"), ("Sạch", "#fe9929"), ("Sống", "#dd3497"))
ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}
WEEKDAYS = ("thứ Hai", "thứ Ba", "thứ Tư", "thứ Năm", "thứ Sáu", "thứ Bảy", "Chủ nhật")


def percent(part: int, whole: int) -> int | None:
    return round(100 * part / whole) if whole else None


def shown(value: int | None) -> str:
    return "—" if value is None else f"{value}%"


def when(moment: datetime) -> str:
    local = moment.astimezone(ZONE)
    return f"{local:%H:%M} ngày {local:%d/%m/%Y} (giờ Việt Nam)"


def edition_line(scheduled_for: datetime, published_at: datetime, late: bool) -> str:
    """What an edition says of itself: the slot it stands for and, always, when it was really published."""
    slot = scheduled_for.astimezone(ZONE)
    published = "Công bố muộn lúc" if late else "Công bố lúc"
    return (f"Bản công bố kỳ {slot:%H:%M} {WEEKDAYS[slot.weekday()]} ngày {slot:%d/%m/%Y} (giờ Việt Nam). "
            f"{published} {when(published_at)}.")


def day(value: str) -> str:
    return f"{date.fromisoformat(value):%d/%m/%Y}"


@dataclass(frozen=True)
class Row:
    code: str
    name: str
    level: int  # 0: the section's head (its whole subtree), 1: one of its units
    records: int
    stages: tuple[int | None, ...]  # per STAGES, a percent of `records`
    quality: tuple[int | None, ...]  # per CRITERIA, the percent passing (latest snapshot)
    quality_day: str | None

    @classmethod
    def of(cls, row: dict[str, Any]) -> Row:
        total, snapshot = int(row["total"]), row["quality"]
        quality: tuple[int | None, ...] = (None,) * len(CRITERIA)
        if snapshot is not None:
            quality = tuple(percent(int(snapshot["passing"][c]), int(snapshot["records"])) for c, _ in CRITERIA)
        return cls(code=row["code"], name=row["name"], level=int(row["level"]), records=total,
                   stages=tuple(percent(int(row[key]), total) for key, _, _ in STAGES), quality=quality,
                   quality_day=day(snapshot["day"]) if snapshot is not None else None)


@dataclass(frozen=True)
class Section:
    code: str
    name: str
    rows: tuple[Row, ...]


@dataclass(frozen=True)
class Figures:
    generated_at: datetime
    month: str  # "11/2026"
    quarter: str  # "IV/2026"
    sections: tuple[Section, ...]

    @classmethod
    def of(cls, data: dict[str, Any]) -> Figures:
        generated = datetime.fromisoformat(data["generated_at"])
        local = generated.astimezone(ZONE)
        sections = tuple(Section(s["code"], s["name"], tuple(Row.of(r) for r in s["rows"])) for s in data["sections"])
        return cls(generated_at=generated, month=f"{local:%m/%Y}",
                   quarter=f"{ROMAN[(local.month - 1) // 3 + 1]}/{local.year}", sections=sections)

    @property
    def period(self) -> str:
        return f"Tháng {self.month}, quý {self.quarter}. Tỷ lệ trên tổng số hồ sơ đang quản lý của đơn vị."
