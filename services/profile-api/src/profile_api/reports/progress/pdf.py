"""The progress page as a PDF (fpdf2, the vendored DejaVu fonts for Vietnamese): the same figures, one
table per province with a bar drawn in every share's cell, A4 landscape, and a line naming who signs it
(the province, for the system: the page is public). Unsigned here: `service.signed_pdf` signs it."""

from __future__ import annotations

from pathlib import Path

from fpdf import FPDF

from profile_api.reports.exports.signer import Signer
from profile_api.reports.progress.figures import CRITERIA, NOTICE, STAGES, TITLE, Figures, Row, Section, shown, when

FONTS = Path(__file__).resolve().parents[1] / "fonts"
FAMILY = "DejaVu"
SHORT = {"updated_month": "Cập nhật tháng", "updated_quarter": "Cập nhật quý", "approved": "Đã phê duyệt",
         "synced": "Đã đồng bộ", "acknowledged": "Đã xác nhận"}
NAME_W, RECORDS_W, STAGE_W, CRITERION_W, DAY_W = 60.0, 16.0, 23.0, 15.0, 24.0
ROW_H, HEAD_H = 7.0, 8.0


def _rgb(colour: str) -> tuple[int, int, int]:
    return int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16)


def _pdf() -> FPDF:
    pdf = FPDF(orientation="L", unit="mm", format="A4")
    pdf.set_auto_page_break(auto=False)
    pdf.set_margins(10, 10, 10)
    pdf.add_font(FAMILY, "", str(FONTS / "DejaVuSans.ttf"))
    pdf.add_font(FAMILY, "B", str(FONTS / "DejaVuSans-Bold.ttf"))
    pdf.set_title(TITLE)
    pdf.set_creator("Hồ sơ Gateway")
    return pdf


def _header(pdf: FPDF) -> None:
    pdf.set_font(FAMILY, "B", 7.5)
    pdf.set_fill_color(240, 244, 248)
    columns = [("Đơn vị", NAME_W), ("Số hồ sơ", RECORDS_W), *((SHORT[key], STAGE_W) for key, _, _ in STAGES),
               *((c, CRITERION_W) for c, _ in CRITERIA), ("Chất lượng ngày", DAY_W)]
    for text, width in columns:
        pdf.cell(width, HEAD_H, text, border=1, align="C", fill=True)
    pdf.ln(HEAD_H)


def _bar_cell(pdf: FPDF, width: float, value: int | None, colour: str) -> None:
    """A cell with the share drawn as a bar under its percent."""
    x, y = pdf.get_x(), pdf.get_y()
    if value:
        pdf.set_fill_color(*_rgb(colour))
        pdf.rect(x + 0.5, y + ROW_H - 2.2, (width - 1) * min(value, 100) / 100, 1.7, style="F")
    pdf.cell(width, ROW_H, shown(value), border=1, align="R")


def _row(pdf: FPDF, row: Row) -> None:
    pdf.set_font(FAMILY, "B" if row.level == 0 else "", 8)
    name = ("" if row.level == 0 else "· ") + row.name
    while pdf.get_string_width(name) > NAME_W - 2 and len(name) > 4:
        name = name[:-2] + "…"
    pdf.cell(NAME_W, ROW_H, name, border=1)
    pdf.cell(RECORDS_W, ROW_H, f"{row.records:,}".replace(",", "."), border=1, align="R")
    for value, (_, _, colour) in zip(row.stages, STAGES, strict=True):
        _bar_cell(pdf, STAGE_W, value, colour)
    for value, (_, colour) in zip(row.quality, CRITERIA, strict=True):
        _bar_cell(pdf, CRITERION_W, value, colour)
    pdf.cell(DAY_W, ROW_H, row.quality_day or "chưa có", border=1, align="C")
    pdf.ln(ROW_H)


def _section(pdf: FPDF, section: Section) -> None:
    if pdf.get_y() + 10 + HEAD_H + 2 * ROW_H > pdf.page_break_trigger:
        pdf.add_page()
    pdf.set_font(FAMILY, "B", 11)
    pdf.cell(0, 9, section.name, new_x="LMARGIN", new_y="NEXT")
    _header(pdf)
    for row in section.rows:
        if pdf.get_y() + ROW_H > pdf.page_break_trigger:
            pdf.add_page()
            _header(pdf)
        _row(pdf, row)
    pdf.ln(3)


def render(figures: Figures, signer: Signer, edition: str | None = None) -> bytes:
    """`edition`: the line an edition says of itself (`figures.edition_line`), printed under the title."""
    pdf = _pdf()
    pdf.set_author(signer.organisation)
    pdf.set_creation_date(signer.signed_at)
    pdf.add_page()
    pdf.set_font(FAMILY, "B", 13)
    pdf.multi_cell(0, 7, TITLE, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FAMILY, "", 9)
    if edition is not None:
        pdf.multi_cell(0, 5, edition, align="L", new_x="LMARGIN", new_y="NEXT")
    pdf.cell(0, 5, figures.period, new_x="LMARGIN", new_y="NEXT")
    pdf.cell(0, 5, f"Số liệu tạo lúc {when(figures.generated_at)}. {NOTICE}", new_x="LMARGIN", new_y="NEXT")
    pdf.multi_cell(0, 5, f"Bản điện tử ký số bởi {signer.organisation} cho {signer.person.display_name} (trang "
                         f"công khai) lúc {when(signer.signed_at)}; kiểm tra bằng POST /api/v1/reports/verify.",
                   align="L", new_x="LMARGIN", new_y="NEXT")
    for section in figures.sections:
        _section(pdf, section)
    if not figures.sections:
        pdf.cell(0, 8, "Chưa có đơn vị nào.")
    return bytes(pdf.output())
