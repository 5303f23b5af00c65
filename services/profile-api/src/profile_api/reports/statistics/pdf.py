"""The workforce statistics as an A4 PDF, before signing: the title, the unit, the day and the period,
who asked for it, the totals, then one table per dimension (code, name, headcount, share). The signed
exports' page (`exports.layout`: DejaVu, embedded as subsets, so the Vietnamese can be searched). Pure."""

from __future__ import annotations

from hoso_shared.time import ZONE
from profile_api.reports.exports.formatting import day
from profile_api.reports.exports.layout import FormPdf
from profile_api.reports.exports.signer import Signer
from profile_api.reports.statistics.export import name_of
from profile_api.reports.statistics.schemas import WorkforceStatistics

TITLE = "BÁO CÁO THỐNG KÊ ĐỘI NGŨ CÁN BỘ, CÔNG CHỨC, VIÊN CHỨC"
DIMENSIONS: dict[str, str] = {
    "category": "Theo phân loại cán bộ, công chức, viên chức",
    "rank_group": "Theo loại ngạch",
    "rank": "Theo ngạch, chức danh nghề nghiệp",
    "highest_qualification": "Theo trình độ chuyên môn cao nhất",
    "political_theory": "Theo trình độ lý luận chính trị",
    "state_management": "Theo trình độ quản lý nhà nước",
    "sex": "Theo giới tính",
    "age_band": "Theo độ tuổi",
    "age_band_by_sex": "Theo giới tính và độ tuổi",
    "ethnicity": "Theo dân tộc",
    "party": "Đảng viên Đảng Cộng sản Việt Nam",
}
HEADINGS, WIDTHS = ("Mã", "Tên", "Số người", "Tỷ lệ"), (34, 66, 18, 18)
KEEP_WITH_HEADING = 28.0  # mm: a heading, the table's head and two rows stay on one page
NO_PARTY = ("Không thống kê đảng viên: người yêu cầu không được phép đọc thông tin về Đảng và chính trị "
            "(mức hạn chế tiếp cận 3).")


def share(count: int, total: int) -> str:
    return f"{100 * count / total:.1f}%".replace(".", ",") if total else "—"


def label(dimension: str, value: str) -> str:
    name = name_of(dimension, value)
    if not name and dimension == "rank_group":
        return f"Loại {value}"
    return name or value


def _summary(pdf: FormPdf, stats: WorkforceStatistics, signer: Signer) -> None:
    unit, period = stats.org_unit, stats.period
    when = signer.signed_at.astimezone(ZONE)
    pdf.fields("", [("Đơn vị", f"{unit.name} ({unit.code}) và các đơn vị trực thuộc")])
    pdf.fields("", [("Số liệu tại ngày", day(stats.as_of)),
                    ("Kỳ báo cáo", f"từ {day(period.first)} đến {day(period.last)}")])
    pdf.fields("", [("Người yêu cầu", signer.person.label())])
    pdf.fields("", [("Lập lúc", f"{when:%H:%M ngày %d/%m/%Y}"), ("Ký số", signer.organisation)])
    pdf.heading("I.", "TỔNG HỢP")
    pdf.grid(("Chỉ tiêu", "Số người"), (100, 36), [
        ("Tổng số cán bộ, công chức, viên chức tại ngày báo cáo", str(stats.total)),
        ("Tuyển dụng, tiếp nhận trong kỳ", str(stats.recruited)),
        ("Thôi việc, nghỉ hưu, chuyển đi trong kỳ", str(stats.departed)),
    ], empty="")


def _dimensions(pdf: FormPdf, stats: WorkforceStatistics) -> None:
    pdf.heading("II.", "CƠ CẤU ĐỘI NGŨ TẠI NGÀY BÁO CÁO")
    for number, (dimension, counts) in enumerate(stats.by.items(), start=1):
        if pdf.will_page_break(KEEP_WITH_HEADING):
            pdf.add_page()
        pdf.heading(f"{number}.", DIMENSIONS.get(dimension, dimension))
        rows = [(value, label(dimension, value), str(count), share(count, stats.total))
                for value, count in counts.items()]
        pdf.grid(HEADINGS, WIDTHS, rows, empty="(không có)")
    if "party" not in stats.by:
        pdf.fields("", [("Ghi chú", NO_PARTY)])


def render_workforce(stats: WorkforceStatistics, signer: Signer) -> bytes:
    """The unsigned PDF (fonts embedded as subsets); sign it with `exports.sign_pdf`."""
    unit = stats.org_unit
    pdf = FormPdf(footer_text=f"Thống kê đội ngũ — {unit.name} — ngày {day(stats.as_of)} — bản điện tử ký số")
    pdf.set_title(f"Thống kê đội ngũ — {unit.name} — {day(stats.as_of)}")
    pdf.set_subject(TITLE)
    pdf.set_author(signer.organisation)
    pdf.set_creator("Hồ sơ Gateway — profile-api")
    pdf.set_creation_date(signer.signed_at)
    pdf.add_page()
    pdf.centred(TITLE, size=13, bold=True)
    pdf.ln(3)
    _summary(pdf, stats, signer)
    _dimensions(pdf, stats)
    when = signer.signed_at.astimezone(ZONE)
    pdf.ln(3)
    pdf.boxed(
        f"BẢN ĐIỆN TỬ CÓ CHỮ KÝ SỐ. Số liệu tổng hợp từ Cơ sở dữ liệu cán bộ, công chức, viên chức, được ký số "
        f"bởi {signer.organisation} theo yêu cầu của {signer.person.label()} lúc {when:%H:%M ngày %d/%m/%Y}. "
        f"Mục đích: {signer.purpose}. Văn bản chỉ có giá trị khi chữ ký số còn nguyên vẹn: kiểm tra bằng "
        "POST /api/v1/reports/verify.")
    return bytes(pdf.output())
