"""The sheets of bulk files as this project writes them: the import template (xlsx with a "Hướng dẫn" sheet that
documents every column in Vietnamese, or csv) and the sheets of an export. Pure: no I/O.

Text cells are written as text, never as formulas: a value starting with "=" stays a value. CSV is UTF-8 with a
BOM, so Excel shows Vietnamese correctly when it opens the file.
"""

from __future__ import annotations

import csv
import io

from profile_api.bulk.columns import COLUMNS, TEXT_ONLY, Column
from profile_api.bulk.files import DATA_SHEET
from profile_api.bulk.tables import KEY, TABLES, Table
from profile_api.bulk.xlsx_writer import BOLD, REQUIRED, TEXT, WRAP, Sheet, Workbook

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV = "text/csv; charset=utf-8"
JSON = "application/json"
HELP_SHEET = "Hướng dẫn"
NOTES = (
    "Trang «profiles»: mỗi dòng một người; dòng 1 là tên cột (giữ nguyên), có thể bỏ bớt cột trừ các cột bắt buộc "
    "(tên cột màu đỏ).",
    "Mỗi bảng lặp lại của mẫu (quá trình công tác, đào tạo, lương, gia đình …) có một trang riêng, đặt tên theo mã "
    "bảng (ví dụ «work-history»); mỗi dòng một dòng của bảng, nối với người có hồ sơ bằng cột citizen_id (như ở "
    "trang profiles). Trang không dùng có thể để trống hoặc xoá.",
    "Người đang công tác cần ít nhất một dòng «work-history» chưa có ngày kết thúc (quy tắc DU-QTCT-001), nếu không "
    "hồ sơ không được đồng bộ.",
    "Tệp CSV chỉ chứa trang profiles; các bảng chỉ nhập được bằng tệp Excel.",
    "Hồ sơ nhập vào là hồ sơ mới chờ duyệt: mỗi người có một yêu cầu tạo hồ sơ gửi người duyệt của đơn vị "
    "(Quy chế hanoi-2024 Điều 7).",
    "Số định danh, số điện thoại, số BHXH/BHYT ghi dạng văn bản để giữ số 0 ở đầu; ngày ghi YYYY-MM-DD, DD/MM/YYYY "
    "hoặc ô kiểu ngày.",
)


def _widths(columns: tuple[Column, ...]) -> list[float]:
    return [max(14, len(c.key) + 2) for c in columns]


def export_workbook() -> Workbook:
    return Workbook()


def _keys(sheet: Sheet, columns: tuple[Column, ...]) -> None:
    """The header row of column keys, the required ones in red."""
    sheet.row([c.key for c in columns], styles=[REQUIRED if c.required else BOLD for c in columns])


def start_profiles(workbook: Workbook, columns: tuple[Column, ...]) -> Sheet:
    sheet = workbook.add_sheet(DATA_SHEET, widths=_widths(columns),
                               column_styles=[TEXT if c.key in TEXT_ONLY else 0 for c in columns])
    _keys(sheet, columns)
    return sheet


def start_table(workbook: Workbook, table: Table) -> Sheet:
    sheet = workbook.add_sheet(table.section, widths=_widths(table.columns),
                               column_styles=[TEXT if c.key == KEY else 0 for c in table.columns])
    _keys(sheet, table.columns)
    return sheet


def template_xlsx() -> bytes:
    """The profiles sheet and every table sheet (their header rows), then "Hướng dẫn": each column of each sheet
    with its label, how to write it, whether it is required and whether it is sensitive, and the notes."""
    workbook = Workbook()
    start_profiles(workbook, COLUMNS)
    for table in TABLES:
        start_table(workbook, table)
    help_sheet = workbook.add_sheet(HELP_SHEET, widths=(18, 28, 60, 52, 10, 10),
                                    column_styles=[0, 0, WRAP, WRAP, 0, 0])
    help_sheet.row(["Trang (sheet)", "Cột (column)", "Tên mục trên mẫu", "Cách ghi", "Bắt buộc", "Nhạy cảm"],
                   style=BOLD)
    for column in COLUMNS:
        help_sheet.row([DATA_SHEET, column.key, column.label, column.hint, "có" if column.required else "",
                        "có" if column.sensitive else ""])
    for table in TABLES:
        help_sheet.row([table.section, "", f"{table.number}. {table.title}", "bảng lặp lại: mỗi dòng một dòng của "
                        "bảng", "", "có" if table.sensitive else ""], style=REQUIRED)
        for column in table.columns:
            help_sheet.row([table.section, column.key, column.label, column.hint, "có" if column.required else "",
                            "có" if column.sensitive else ""])
    help_sheet.row([])
    for note in NOTES:
        help_sheet.row(["Ghi chú", "", note])
    return workbook.close()


def template_csv() -> bytes:
    out = io.StringIO(newline="")
    csv.writer(out, lineterminator="\r\n").writerow([c.key for c in COLUMNS])
    return b"\xef\xbb\xbf" + out.getvalue().encode()
