"""The statistics as unsigned files (the PDF and the signed JSON are `service.sign_workforce`'s). Pure.

CSV: one table `dimension,value,count` (UTF-8 with a BOM, so spreadsheet programs read the
diacritics): a `total` row, one row per value of each dimension, then `recruited` and `departed`
with the period as their value. xlsx: a `summary` sheet, then one sheet per dimension with the
value, its count and its name in words where one is known."""

from __future__ import annotations

import csv
import io
import re
from typing import Any

from openpyxl import Workbook  # type: ignore[import-untyped]
from openpyxl.cell import WriteOnlyCell  # type: ignore[import-untyped]
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE  # type: ignore[import-untyped]

from hoso_shared.codes import ETHNICITIES, RANKS
from profile_api.reports.statistics.schemas import ReportFormat, WorkforceStatistics

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV = "text/csv; charset=utf-8"
JSON = "application/json"
PDF = "application/pdf"
MEDIA_TYPES: dict[str, str] = {"json": JSON, "csv": CSV, "xlsx": XLSX, "pdf": PDF}
DESCRIPTION = ("`?format=csv`: one table `dimension,value,count`: a `total` row (value `all`), a row per value "
               "of each dimension, then `recruited` and `departed` (value: the period, `from/to`). "
               "`?format=xlsx`: a `summary` sheet, then one sheet per dimension (value, count, name). "
               "`?format=pdf`: an A4 report (title, unit, as-of day, period, who asked, totals, a table per "
               "dimension; DejaVu fonts embedded), always signed PAdES by the province on behalf of the caller. "
               "`?format=json&signed=true`: the same JSON plus `schema`, `exported_at` and a detached JWS in "
               "`signature`, as syll.json (docs/exports.md); without `signed` the JSON is unchanged and unsigned. "
               "Check either file with POST /api/v1/reports/verify.")
NAMES: dict[str, str] = {
    "can_bo": "Cán bộ", "cong_chuc": "Công chức", "vien_chuc": "Viên chức", "cap_xa": "Cán bộ, công chức cấp xã",
    "tien_si": "Tiến sĩ", "thac_si": "Thạc sĩ", "dai_hoc": "Đại học", "cao_dang": "Cao đẳng",
    "trung_cap": "Trung cấp", "so_cap": "Sơ cấp", "cao_cap": "Cao cấp, cử nhân",
    "chuyen_vien_cao_cap": "Chuyên viên cao cấp", "chuyen_vien_chinh": "Chuyên viên chính",
    "chuyen_vien": "Chuyên viên", "can_su": "Cán sự", "other": "Khác (chưa xếp được)", "none": "Không có, chưa khai",
    "unknown": "Mã không có trong danh mục", "M": "Nam", "F": "Nữ", "member": "Đảng viên",
    "non_member": "Không phải đảng viên", "under_30": "Dưới 30", "30_39": "30–39", "40_49": "40–49",
    "50_59": "50–59", "60_over": "Từ 60",
}


def _period(stats: WorkforceStatistics) -> str:
    return f"{stats.period.first.isoformat()}/{stats.period.last.isoformat()}"


def rows(stats: WorkforceStatistics) -> list[tuple[str, str, int]]:
    """(dimension, value, count): what both files hold."""
    return [("total", "all", stats.total),
            *((dimension, value, count) for dimension, counts in stats.by.items() for value, count in counts.items()),
            ("recruited", _period(stats), stats.recruited), ("departed", _period(stats), stats.departed)]


def to_csv(stats: WorkforceStatistics) -> bytes:
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(("dimension", "value", "count"))
    writer.writerows(rows(stats))
    return b"\xef\xbb\xbf" + out.getvalue().encode()


def name_of(dimension: str, value: str) -> str:
    table = {"rank": RANKS, "ethnicity": ETHNICITIES}.get(dimension)
    entry = table.get(value) if table is not None else None
    if entry is not None:
        return entry.name
    if dimension == "age_band_by_sex":
        sex, _, band = value.partition(":")
        return f"{NAMES.get(sex, sex)}, {NAMES.get(band, band)}"
    return NAMES.get(value, "")


def _text(sheet: Any, value: str) -> Any:
    cell = WriteOnlyCell(sheet, value=ILLEGAL_CHARACTERS_RE.sub("", value))
    cell.data_type = "s"  # openpyxl would make "=…" a formula
    return cell


def to_xlsx(stats: WorkforceStatistics) -> bytes:
    workbook = Workbook(write_only=True)
    summary = workbook.create_sheet("summary")
    for key, value in (("org_unit_code", stats.org_unit.code), ("org_unit_name", stats.org_unit.name),
                       ("as_of", stats.as_of.isoformat()), ("from", stats.period.first.isoformat()),
                       ("to", stats.period.last.isoformat())):
        summary.append([key, _text(summary, value)])
    for key, count in (("total", stats.total), ("recruited", stats.recruited), ("departed", stats.departed)):
        summary.append([key, count])
    for dimension, counts in stats.by.items():
        sheet = workbook.create_sheet(dimension)  # every dimension's key is ≤ 31 characters, as sheet names must be
        sheet.append(["value", "count", "name"])
        for value, count in counts.items():
            sheet.append([_text(sheet, value), count, _text(sheet, name_of(dimension, value))])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def render(stats: WorkforceStatistics, file_format: ReportFormat) -> bytes:
    if file_format == "pdf":
        raise ValueError("the PDF is always signed: service.sign_workforce makes it")
    if file_format == "csv":
        return to_csv(stats)
    if file_format == "xlsx":
        return to_xlsx(stats)
    return stats.model_dump_json(by_alias=True).encode()


def filename(stats: WorkforceStatistics, file_format: ReportFormat) -> str:
    code = re.sub(r"[^A-Za-z0-9._-]", "_", stats.org_unit.code)
    return f"hoso-workforce-{code}-{stats.as_of.isoformat()}.{file_format}"
