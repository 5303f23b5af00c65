"""A form page in fpdf2: A4, DejaVu (the vendored font has every Vietnamese glyph; fpdf2 embeds a
subset of it), labels in regular and filled-in values in bold as on a completed paper form."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from fpdf import FPDF, FontFace

FONTS = Path(__file__).resolve().parents[1] / "fonts"
FAMILY = "DejaVu"
LINE = 5.2  # mm, for 10 pt text


class FormPdf(FPDF):
    """Pages with a running footer (`footer_text — Trang n/N`); helpers for numbered lines and tables."""

    def __init__(self, *, footer_text: str) -> None:
        super().__init__(orientation="P", unit="mm", format="A4")
        self.add_font(FAMILY, "", FONTS / "DejaVuSans.ttf")
        self.add_font(FAMILY, "B", FONTS / "DejaVuSans-Bold.ttf")
        self.set_margins(left=20, top=15, right=15)
        self.set_auto_page_break(auto=True, margin=18)
        self.set_lang("vi-VN")
        self.footer_text = footer_text

    def footer(self) -> None:
        self.set_y(-13)
        self.set_font(FAMILY, "", 7)
        self.cell(0, 4, f"{self.footer_text} — Trang {self.page_no()}/{{nb}}", align="C")

    def centred(self, text: str, *, size: float, bold: bool = False) -> None:
        self.set_font(FAMILY, "B" if bold else "", size)
        self.multi_cell(0, size * 0.5, text, align="C", new_x="LMARGIN", new_y="NEXT")

    def heading(self, number: str, title: str) -> None:
        self.ln(1.5)
        self.set_font(FAMILY, "B", 10)
        self.multi_cell(0, LINE, f"{number} {title}".strip(), align="L", new_x="LMARGIN", new_y="NEXT")

    def fields(self, number: str, parts: Sequence[tuple[str, str]]) -> None:
        """One numbered line of the form: `number label: value, label: value …`, wrapping as needed."""
        self.set_x(self.l_margin)
        if number:
            self.set_font(FAMILY, "", 10)
            self.write(LINE, f"{number} ")
        for i, (label, value) in enumerate(parts):
            self.set_font(FAMILY, "", 10)
            self.write(LINE, f"{';  ' if i else ''}{label}: ")
            self.set_font(FAMILY, "B", 10)
            self.write(LINE, value or "…")
        self.ln(LINE)

    def grid(self, headings: Sequence[str], widths: Sequence[int], rows: Sequence[Sequence[str]],
             *, empty: str) -> None:
        """A bordered table; its heading row repeats on each page it spans."""
        self.set_font(FAMILY, "", 8)
        head = FontFace(emphasis="BOLD", fill_color=(235, 235, 235))
        with self.table(col_widths=tuple(widths), headings_style=head, line_height=4, text_align="LEFT",
                        padding=1, repeat_headings=1) as table:
            heading = table.row()
            for text in headings:
                heading.cell(text)
            for values in rows:
                row = table.row()
                for text in values:
                    row.cell(text)
            if not rows:
                table.row().cell(empty, colspan=len(headings), align="C")
        self.ln(1)
        self.set_font(FAMILY, "", 10)

    def boxed(self, text: str, *, size: float = 8.5) -> None:
        self.set_font(FAMILY, "", size)
        self.multi_cell(0, size * 0.48, text, border=1, padding=2, new_x="LMARGIN", new_y="NEXT")
