"""Writing an xlsx workbook as a stream: the SpreadsheetML parts written straight into a zip whose bytes the
caller drains as it goes, each cell formatted by hand (text as inline strings, so never a formula; numbers;
dates as serial days with a date style). Memory stays that of one page of rows, whatever the sheet's length.

Why by hand: on this project's machine, 10,000 rows × 75 cells took 9.2 s with openpyxl (write-only), 3.7 s
with XlsxWriter (constant_memory) and 0.4 s here; at 200,000 rows only this fits the 30 s an export may take.
The parts are the minimum a spreadsheet needs (openpyxl, calamine and this package's reader open them).
Pure: no I/O.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from xml.sax.saxutils import quoteattr

_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG = "http://schemas.openxmlformats.org/package/2006/relationships"
_CT = "application/vnd.openxmlformats-officedocument.spreadsheetml"
# Style indexes of styles.xml below.
DATE, BOLD, REQUIRED, TEXT, WRAP = 1, 2, 3, 4, 5
_STYLES = (
    f'<styleSheet xmlns="{_MAIN}"><numFmts count="1"><numFmt numFmtId="164" formatCode="yyyy\\-mm\\-dd"/></numFmts>'
    '<fonts count="3"><font><sz val="11"/><name val="Calibri"/></font><font><b/><sz val="11"/><name val="Calibri"/>'
    '</font><font><b/><sz val="11"/><color rgb="FFC00000"/><name val="Calibri"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill>'
    '</fills><borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs><cellXfs count="6">'
    '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>'
    '<xf numFmtId="0" fontId="2" fillId="0" borderId="0" xfId="0" applyFont="1"/>'
    '<xf numFmtId="49" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0" applyAlignment="1"><alignment wrapText="1" '
    'vertical="top"/></xf></cellXfs><cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/>'
    '</cellStyles></styleSheet>')
# XML 1.0 refuses these characters; a value holding one loses it rather than break the workbook.
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_EPOCH = date(1899, 12, 30).toordinal()
_LETTERS: list[str] = []


def letter(index: int) -> str:
    """0-based column index → its letters ("A", …, "Z", "AA", …)."""
    while len(_LETTERS) <= index:
        n, text = len(_LETTERS) + 1, ""
        while n:
            n, rest = divmod(n - 1, 26)
            text = chr(65 + rest) + text
        _LETTERS.append(text)
    return _LETTERS[index]


def row_xml(values: Sequence[Any], number: int, style: int = 0, styles: Sequence[int] | None = None) -> str:
    """Row `number`: str as text, int/float/Decimal as numbers, date/datetime as dates, None as empty. `style` (or
    per column, `styles`) is the text cells' style (BOLD, REQUIRED …). The hot loop of an export: kept plain."""
    letter(len(values))
    letters, cells = _LETTERS, [f'<row r="{number}">']
    for index, value in enumerate(values):
        if value is None:
            continue
        kind = value.__class__
        if kind is str:
            # isprintable() is False for every character _ILLEGAL takes (and for tab and newline): the regex runs
            # only then; the replaces are `escape`'s without its call. A value of illegal characters only is empty.
            text = (value if value.isprintable() else _ILLEGAL.sub("", value)).replace("&", "&amp;").replace(
                "<", "&lt;").replace(">", "&gt;")
            if text:
                space = ' xml:space="preserve"' if text[0].isspace() or text[-1].isspace() else ""
                chosen = styles[index] if styles is not None else style
                styled = f' s="{chosen}"' if chosen else ""
                cells.append(f'<c r="{letters[index]}{number}"{styled} t="inlineStr"><is><t{space}>{text}</t></is></c>')
        elif kind is int or kind is Decimal or kind is float:
            cells.append(f'<c r="{letters[index]}{number}"><v>{value}</v></c>')
        elif kind is date:
            cells.append(f'<c r="{letters[index]}{number}" s="{DATE}"><v>{value.toordinal() - _EPOCH}</v></c>')
        elif kind is datetime:
            cells.append(f'<c r="{letters[index]}{number}" s="{DATE}"><v>{value.date().toordinal() - _EPOCH}</v></c>')
        elif kind is bool:
            cells.append(f'<c r="{letters[index]}{number}" t="b"><v>{int(value)}</v></c>')
        else:
            raise TypeError(f"no cell for a {kind.__name__}")
    cells.append("</row>")
    return "".join(cells)


class Sink:
    """Where the zip writes: bytes kept until drained (zipfile writes data descriptors to a sink that can't seek)."""

    def __init__(self) -> None:
        self.parts: list[bytes] = []

    def write(self, data: bytes) -> int:
        self.parts.append(bytes(data))
        return len(data)

    def flush(self) -> None:
        pass

    def close(self) -> None:
        pass

    def drain(self) -> bytes:
        out, self.parts = b"".join(self.parts), []
        return out


class Sheet:
    """One sheet being written: rows go straight into its compressed part."""

    def __init__(self, stream: Any, widths: Sequence[float], column_styles: Sequence[int] | None,
                 freeze: bool) -> None:
        self.stream, self.number = stream, 0
        head = [_HEAD, f'<worksheet xmlns="{_MAIN}" xmlns:r="{_REL}">']
        if freeze:
            head.append('<sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" '
                        'activePane="bottomLeft" state="frozen"/></sheetView></sheetViews>')
        if widths:
            styles = column_styles or [0] * len(widths)
            head.append("<cols>" + "".join(
                f'<col min="{i}" max="{i}" width="{w:g}" customWidth="1"' + (f' style="{s}"/>' if s else "/>")
                for i, (w, s) in enumerate(zip(widths, styles, strict=True), start=1)) + "</cols>")
        head.append("<sheetData>")
        self.buffer: list[str] = ["".join(head)]

    def row(self, values: Sequence[Any], style: int = 0, styles: Sequence[int] | None = None) -> None:
        """Appends a row (see `row_xml`)."""
        self.number += 1
        self.buffer.append(row_xml(values, self.number, style, styles))
        if len(self.buffer) >= 256:
            self.flush()

    def rows_xml(self, xml: bytes, count: int) -> None:
        """Appends `count` rows formatted elsewhere (`row_xml`, numbered from `self.number + 1` on)."""
        self.flush()
        self.stream.write(xml)
        self.number += count

    def flush(self) -> None:
        if self.buffer:
            self.stream.write("".join(self.buffer).encode())
            self.buffer = []

    def close(self) -> None:
        self.buffer.append("</sheetData></worksheet>")
        self.flush()
        self.stream.close()


class Workbook:
    """Sheets are written one after the other (`add_sheet`, rows, next sheet …); `close` writes the parts that
    list them. Bytes appear in `sink` as they are compressed: drain it as often as you like."""

    def __init__(self, sink: Sink | None = None, *, level: int = 1) -> None:
        self.sink = sink or Sink()
        self.zip = zipfile.ZipFile(self.sink, "w", zipfile.ZIP_DEFLATED, compresslevel=level)
        self.names: list[str] = []
        self.current: Sheet | None = None

    def add_sheet(self, name: str, *, widths: Sequence[float] = (), column_styles: Sequence[int] | None = None,
                  freeze: bool = True) -> Sheet:
        self._end_sheet()
        self.names.append(name)
        stream = self.zip.open(f"xl/worksheets/sheet{len(self.names)}.xml", "w", force_zip64=True)
        self.current = Sheet(stream, widths, column_styles, freeze)
        return self.current

    def _end_sheet(self) -> None:
        if self.current is not None:
            self.current.close()
            self.current = None

    def abort(self) -> None:
        """Lets go of an unfinished workbook (the download was dropped): its bytes are never sent."""
        if self.current is not None:
            self.current.stream.close()
            self.current = None
        self.zip.close()
        self.sink.drain()

    def close(self) -> bytes:
        """Finishes the workbook; returns what the sink still held."""
        self._end_sheet()
        sheets = range(1, len(self.names) + 1)
        self.zip.writestr("[Content_Types].xml", _HEAD + (
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            f'<Override PartName="/xl/workbook.xml" ContentType="{_CT}.sheet.main+xml"/>'
            f'<Override PartName="/xl/styles.xml" ContentType="{_CT}.styles+xml"/>'
            + "".join(f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="{_CT}.worksheet+xml"/>'
                      for i in sheets) + "</Types>"))
        self.zip.writestr("_rels/.rels", _HEAD + f'<Relationships xmlns="{_PKG}"><Relationship Id="rId1" Type="'
                          f'{_REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>')
        self.zip.writestr("xl/workbook.xml", _HEAD + f'<workbook xmlns="{_MAIN}" xmlns:r="{_REL}"><sheets>' + "".join(
            f'<sheet name={quoteattr(name)} sheetId="{i}" r:id="rId{i}"/>'
            for i, name in enumerate(self.names, start=1)) + "</sheets></workbook>")
        self.zip.writestr("xl/_rels/workbook.xml.rels", _HEAD + f'<Relationships xmlns="{_PKG}">' + "".join(
            f'<Relationship Id="rId{i}" Type="{_REL}/worksheet" Target="worksheets/sheet{i}.xml"/>' for i in sheets)
            + f'<Relationship Id="rId{len(self.names) + 1}" Type="{_REL}/styles" Target="styles.xml"/>'
            + "</Relationships>")
        self.zip.writestr("xl/styles.xml", _HEAD + _STYLES)
        self.zip.close()
        return self.sink.drain()
