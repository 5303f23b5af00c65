"""The progress page as one self-contained HTML document: inline CSS and SVG bar charts, no script, no
external resource, so it loads anywhere (a kiosk, a phone, a headless browser) and prints well."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from profile_api.reports.progress.figures import CRITERIA, NOTICE, STAGES, TITLE, Figures, Row, Section, shown, when

BAR_MAX = 300  # px for 100%
BAR_HEIGHT, BAR_GAP, LABEL_WIDTH, ROW_GAP = 11, 3, 220, 16
CSS = """
body{font-family:"DejaVu Sans",Arial,sans-serif;margin:24px;color:#1a1a1a;background:#fff}
h1{font-size:24px;margin:0 0 4px}h2{font-size:19px;margin:28px 0 8px;border-bottom:2px solid #3182bd}
.meta{color:#555;margin:2px 0}.charts{display:flex;flex-wrap:wrap;gap:24px}
figure{margin:0;max-width:600px}figcaption{font-weight:bold;margin-bottom:4px}
.legend span{display:inline-block;margin-right:14px;font-size:13px}
.legend i{display:inline-block;width:12px;height:12px;margin-right:4px;vertical-align:middle}
table{border-collapse:collapse;margin-top:12px;font-size:13px}
th,td{border:1px solid #ccc;padding:4px 6px;text-align:right}th{background:#f0f4f8}
td.name,th.name{text-align:left}tr.head td{font-weight:bold;background:#fafafa}
footer{margin-top:28px;color:#666;font-size:12px}
"""


def _legend(items: tuple[tuple[str, str], ...]) -> str:
    return '<div class="legend">' + "".join(
        f'<span><i style="background:{colour}"></i>{escape(label)}</span>' for label, colour in items) + "</div>"


def _label(row: Row) -> str:
    name = row.name if len(row.name) <= 30 else row.name[:29] + "…"
    return ("" if row.level == 0 else "· ") + name


def _length(value: int | None) -> int:
    """The bar's pixels: none for no data or 0%, at least one for anything above."""
    return max(1, round(BAR_MAX * min(value, 100) / 100)) if value else 0


def _chart(rows: tuple[Row, ...], values: list[tuple[int | None, ...]], colours: list[str], title: str) -> str:
    """Grouped horizontal bars: one group per unit, one bar per series, its percent written after it."""
    group = len(colours) * (BAR_HEIGHT + BAR_GAP)
    height = len(rows) * (group + ROW_GAP) + 4
    width = LABEL_WIDTH + BAR_MAX + 60
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{width}" height="{height}" '
             f'viewBox="0 0 {width} {height}" aria-label="{escape(title)}">']
    for i, (row, series) in enumerate(zip(rows, values, strict=True)):
        top = i * (group + ROW_GAP) + 2
        weight = "bold" if row.level == 0 else "normal"
        parts.append(f'<text x="0" y="{top + group / 2 + 4:.0f}" font-size="13" font-weight="{weight}">'
                     f"{escape(_label(row))}</text>")
        parts.append(f'<rect x="{LABEL_WIDTH}" y="{top}" width="{BAR_MAX}" height="{group - BAR_GAP}" fill="#f3f3f3"/>')
        if all(value is None for value in series):
            parts.append(f'<text x="{LABEL_WIDTH + 8}" y="{top + group / 2 + 4:.0f}" font-size="12" fill="#777">'
                         "chưa có số liệu</text>")
            continue
        for j, (value, colour) in enumerate(zip(series, colours, strict=True)):
            y = top + j * (BAR_HEIGHT + BAR_GAP)
            length = _length(value)
            parts.append(f'<rect x="{LABEL_WIDTH}" y="{y}" width="{length}" height="{BAR_HEIGHT}" fill="{colour}"/>')
            parts.append(f'<text x="{LABEL_WIDTH + length + 4}" y="{y + BAR_HEIGHT - 1}" font-size="11">'
                         f"{shown(value)}</text>")
    parts.append("</svg>")
    return "".join(parts)


def _table(section: Section) -> str:
    heads = ["Đơn vị", "Số hồ sơ", *(label for _, label, _ in STAGES), *(f"Chất lượng: {c}" for c, _ in CRITERIA),
             "Số liệu chất lượng ngày"]
    cells = ["<tr>" + "".join(f'<th{" class=name" if i == 0 else ""}>{escape(h)}</th>'
                              for i, h in enumerate(heads)) + "</tr>"]
    for row in section.rows:
        values = [f"{row.records:,}".replace(",", "."), *(shown(v) for v in row.stages),
                  *(shown(v) for v in row.quality), row.quality_day or "chưa có"]
        name = row.name if row.level == 0 else f"· {row.name}"  # in full: the chart shortens long names
        cells.append(f'<tr{" class=head" if row.level == 0 else ""}><td class="name">{escape(name)}</td>'
                     + "".join(f"<td>{escape(v)}</td>" for v in values) + "</tr>")
    return "<table>" + "".join(cells) + "</table>"


def _section(section: Section) -> str:
    rows = section.rows
    stages = _chart(rows, [r.stages for r in rows], [c for _, _, c in STAGES], "Tiến độ cập nhật và đồng bộ")
    quality = _chart(rows, [r.quality for r in rows], [c for _, c in CRITERIA], "Chất lượng dữ liệu")
    return (f"<section><h2>{escape(section.name)}</h2><div class=\"charts\">"
            f"<figure><figcaption>Tiến độ cập nhật và đồng bộ</figcaption>"
            f"{_legend(tuple((label, colour) for _, label, colour in STAGES))}{stages}</figure>"
            f"<figure><figcaption>Chất lượng dữ liệu (Đúng – Đủ – Sạch – Sống)</figcaption>"
            f"{_legend(CRITERIA)}{quality}</figure></div>{_table(section)}</section>")


def _edition(line: str | None, downloads: Sequence[tuple[str, str]]) -> str:
    if line is None:
        return ""
    links = " · ".join(f'<a href="{escape(href)}">{escape(label)}</a>' for label, href in downloads)
    return f'<p class="meta edition"><strong>{escape(line)}</strong>{" " + links if links else ""}</p>'


def render(figures: Figures, *, edition: str | None = None, downloads: Sequence[tuple[str, str]] = ()) -> str:
    """The page; an edition's says which slot it stands for and links its signed files (`downloads`)."""
    body = "".join(_section(s) for s in figures.sections) or "<p>Chưa có đơn vị nào.</p>"
    generated = when(figures.generated_at)
    return (
        '<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(TITLE)}</title><style>{CSS}</style></head><body>"
        f"<h1>{escape(TITLE)}</h1>{_edition(edition, downloads)}<p class=\"meta\">{escape(figures.period)}</p>"
        f'<p class="meta">Số liệu tạo lúc <time datetime="{figures.generated_at.isoformat()}">{escape(generated)}'
        f"</time>.</p>{body}<footer>{escape(NOTICE)} Chất lượng theo ảnh chụp số liệu gần nhất của từng đơn vị; "
        "tiến độ tính trên hồ sơ đang quản lý (không gồm hồ sơ đã lưu trữ).</footer></body></html>"
    )
