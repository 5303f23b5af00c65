"""The sơ yếu lý lịch as a PDF laid out like the TT 06/2023 form, before signing. Items a reader may
not see (above the level they read the record at: `withheld`) are printed as restricted, never silently left
blank."""

from __future__ import annotations

from typing import Any

from hoso_shared.time import ZONE
from profile_api.profiles.schemas import ProfileRead
from profile_api.reports.exports import syll_form as form
from profile_api.reports.exports.formatting import Format
from profile_api.reports.exports.layout import FAMILY, FormPdf
from profile_api.reports.exports.signer import Signer

RESTRICTED = "(thông tin hạn chế — không xuất cho người yêu cầu)"
PHOTO = (165.0, 20.0, 30.0, 40.0)  # x, y, w, h in mm: the "Ảnh màu (4 x 6 cm)" box


def _value(record: ProfileRead, key: str, fmt: Format) -> str:
    if key == "citizen_id" and not record.sensitive_included:
        return record.citizen_id_masked
    if key in record.withheld:
        return RESTRICTED
    return fmt(record.items.get(key))


def _header(pdf: FormPdf, record: ProfileRead) -> None:
    pdf.set_font(FAMILY, "", 7)
    pdf.set_xy(PHOTO[0] - 60, 8)
    pdf.multi_cell(PHOTO[2] + 60, 3.2, form.FORM_NOTE, align="R")
    pdf.set_xy(pdf.l_margin, PHOTO[1] + 2)
    for label, key, fmt in form.HEADER:
        pdf.set_font(FAMILY, "", 9)
        pdf.multi_cell(PHOTO[0] - pdf.l_margin - 5, 4.6, f"{label}: {fmt(record.items.get(key)) or '…'}",
                       new_x="LMARGIN", new_y="NEXT")
    pdf.rect(*PHOTO)
    pdf.set_xy(PHOTO[0], PHOTO[1] + PHOTO[3] / 2 - 4)
    pdf.set_font(FAMILY, "", 7)
    pdf.multi_cell(PHOTO[2], 3.5, "Ảnh màu\n(4 x 6 cm)", align="C")
    pdf.set_xy(pdf.l_margin, PHOTO[1] + PHOTO[3] + 3)
    pdf.centred(form.TITLE, size=13, bold=True)
    pdf.ln(2)


def _table(pdf: FormPdf, record: ProfileRead, part: form.Table) -> None:
    pdf.heading(part.number, part.title)
    if part.section in record.withheld:
        pdf.fields("", [("Nội dung", RESTRICTED)])
        return
    rows = [[fmt(row.get(key)) for _, key, fmt, _ in part.columns] for row in record.sections.get(part.section, [])]
    pdf.grid([c[0] for c in part.columns], [c[3] for c in part.columns], rows, empty="(không có)")


def _line(pdf: FormPdf, record: ProfileRead, part: form.Line | form.Heading) -> None:
    if isinstance(part, form.Heading):
        pdf.heading(part.number, part.title)
    else:
        pdf.fields(part.number, [(label, _value(record, key, fmt)) for label, key, fmt in part.fields])


def _closing(pdf: FormPdf, record: ProfileRead, signer: Signer) -> None:
    when = signer.signed_at.astimezone(ZONE)
    pdf.ln(3)
    width = (pdf.w - pdf.l_margin - pdf.r_margin) / 2
    top = pdf.get_y()
    pdf.set_font(FAMILY, "B", 9)
    pdf.multi_cell(width, 4.5, "Xác nhận của cơ quan, đơn vị quản lý\ncán bộ, công chức, viên chức", align="C")
    pdf.set_xy(pdf.l_margin + width, top)
    pdf.multi_cell(width, 4.5, f"Hà Nội, ngày {when:%d} tháng {when:%m} năm {when:%Y}\nNgười khai", align="C")
    pdf.set_x(pdf.l_margin + width)
    pdf.set_font(FAMILY, "", 8)
    pdf.multi_cell(width, 4, "Tôi xin cam đoan những lời khai trên đây là đúng sự thật", align="C",
                   new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    pdf.boxed(
        f"BẢN ĐIỆN TỬ CÓ CHỮ KÝ SỐ. Dữ liệu trích xuất từ Cơ sở dữ liệu cán bộ, công chức, viên chức và được ký "
        f"số bởi {signer.organisation} theo yêu cầu của {signer.person.label()} lúc {when:%H:%M ngày %d/%m/%Y}. "
        f"Mã hồ sơ {record.id}, phiên bản {record.version}. Mục đích: {signer.purpose}. "
        "Văn bản chỉ có giá trị khi chữ ký số còn nguyên vẹn: kiểm tra bằng POST /api/v1/reports/verify.")


def render_syll(record: ProfileRead, signer: Signer) -> bytes:
    """The unsigned PDF (fonts embedded as subsets); sign it with `pades.sign_pdf`."""
    name = str(record.items.get("full_name", ""))
    pdf = FormPdf(footer_text=f"Sơ yếu lý lịch — {name} — bản điện tử ký số")
    pdf.set_title(f"Sơ yếu lý lịch — {name}")
    pdf.set_subject("Sơ yếu lý lịch cán bộ, công chức, viên chức (TT 06/2023/TT-BNV)")
    pdf.set_author(signer.organisation)
    pdf.set_creator("Hồ sơ Gateway — profile-api")
    pdf.set_creation_date(signer.signed_at)
    pdf.add_page()
    _header(pdf, record)
    parts: list[Any] = [*form.ITEMS, *form.PARTS]
    for part in parts:
        if isinstance(part, form.Table):
            _table(pdf, record, part)
        else:
            _line(pdf, record, part)
    _closing(pdf, record, signer)
    return bytes(pdf.output())
