"""A submitted quarterly review as an A4 PDF, before signing: its content (quality per criterion and the
rules that found the most records, the quarter's sync counts, outstanding change requests, overdue
items), then who signed it at submission and the hash of what they signed. The signed exports' page
(`exports.layout`: DejaVu, embedded as subsets). Pure: no I/O."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from hoso_shared.db.models import QuarterlyReview
from hoso_shared.time import ZONE
from profile_api.reports.exports.formatting import day
from profile_api.reports.exports.layout import FormPdf
from profile_api.reports.exports.schemas import SignerPerson
from profile_api.reports.exports.signer import Signer

TITLE = "BÁO CÁO RÀ SOÁT DỮ LIỆU HỒ SƠ CÁN BỘ, CÔNG CHỨC, VIÊN CHỨC HẰNG QUÝ"
SYNC = (("total", "Hồ sơ đang quản lý"), ("changed", "Hồ sơ có thay đổi trong quý"),
        ("approved", "Yêu cầu thay đổi đã phê duyệt"), ("released", "Thay đổi đã phát hành để đồng bộ"),
        ("synced", "Hồ sơ đã gửi lên CSDL quốc gia"), ("acknowledged", "CSDL quốc gia đã chấp nhận"),
        ("rejected", "Bị từ chối"))
STATES = {"draft": "Bản nháp", "submitted": "Đã gửi, chờ phê duyệt", "returned": "Bị trả lại",
          "approved": "Đã phê duyệt, chờ áp dụng"}


def moment(value: Any) -> str:
    """An ISO instant as Vietnamese local time, `HH:MM dd/mm/yyyy`; empty for none."""
    if not value:
        return ""
    when = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    return f"{when.astimezone(ZONE):%H:%M %d/%m/%Y}"


def _shown(value: Any) -> str:
    """A count or a decimal share ("66.67", as the content keeps it) as printed: "66,67"; "—" for none."""
    return "—" if value is None else str(value).replace(".", ",")


def _quality(pdf: FormPdf, quality: dict[str, Any]) -> None:
    pdf.heading("I.", "CHẤT LƯỢNG DỮ LIỆU (ĐÚNG – ĐỦ – SẠCH – SỐNG)")
    pdf.fields("", [("Số liệu ngày", day(quality["as_of"])), ("Số hồ sơ", str(quality["records"])),
                    ("Hồ sơ có lỗi chặn đồng bộ", str(quality["blocking"]))])
    pdf.grid(("Tiêu chí", "Số hồ sơ đạt", "Tỷ lệ đạt (%)"), (40, 30, 30),
             [(c["criterion"], str(c["passing"]), _shown(c["percent"])) for c in quality["criteria"]],
             empty="(không có)")
    pdf.grid(("Quy tắc", "Tiêu chí", "Mức độ", "Số hồ sơ", "Số lỗi"), (40, 20, 20, 18, 18),
             [(r["code"], r["criterion"], r["severity"], str(r["records"]), str(r["findings"]))
              for r in quality["rules"]], empty="(không có lỗi)")


def _sync(pdf: FormPdf, sync: dict[str, Any]) -> None:
    pdf.heading("II.", "ĐỒNG BỘ TRONG QUÝ")
    pdf.fields("", [("Từ", moment(sync["since"])), ("đến", moment(sync["until"]))])
    pdf.grid(("Chỉ tiêu", "Số lượng"), (100, 30), [(label, _shown(sync.get(key))) for key, label in SYNC], empty="")


def _requests(pdf: FormPdf, requests: dict[str, Any], overdue: dict[str, Any]) -> None:
    pdf.heading("III.", "YÊU CẦU THAY ĐỔI CHƯA XONG VÀ VIỆC QUÁ HẠN")
    pdf.grid(("Trạng thái", "Số yêu cầu", "Sớm nhất từ"), (50, 25, 45),
             [(STATES.get(state, state), str(v["count"]), moment(v["oldest_since"]))
              for state, v in requests["by_state"].items()], empty="(không có)")
    pdf.fields("", [("Tổng số yêu cầu chưa xong", str(requests["outstanding"])),
                    ("Yêu cầu quá hạn phê duyệt", str(overdue["change_requests"])),
                    ("Quá hạn từ", moment(overdue["oldest_overdue_since"]) or "—")])
    pdf.fields("", [("Người mới đến quá hạn chưa có tài khoản", str(overdue["incoming_without_account"]))])


def _signature(pdf: FormPdf, review: QuarterlyReview, approver: SignerPerson | None, signer: Signer) -> None:
    pdf.heading("IV.", "KÝ DUYỆT KHI NỘP")
    pdf.fields("", [("Người ký duyệt", approver.label() if approver else "—")])
    pdf.fields("", [("Ký lúc", moment(review.signed_at)), ("Nộp lúc", moment(review.submitted_at)),
                    ("Đúng hạn", "không (nộp muộn)" if review.late else "có")])
    pdf.grid(("Mã băm SHA-256 của nội dung đã ký (dạng chuẩn RFC 8785)",), (1,), [(review.content_hash,)], empty="")
    when = signer.signed_at.astimezone(ZONE)
    pdf.ln(2)
    pdf.boxed(
        f"BẢN ĐIỆN TỬ CÓ CHỮ KÝ SỐ. Báo cáo do {approver.display_name if approver else 'lãnh đạo đơn vị'} ký duyệt "
        f"khi nộp (chữ ký JWS tách rời, bản JSON: GET /api/v1/reports/reviews/{review.id}.json). Bản PDF này được "
        f"ký số bởi {signer.organisation} theo yêu cầu của {signer.person.label()} lúc {when:%H:%M ngày %d/%m/%Y}. "
        "Văn bản chỉ có giá trị khi chữ ký số còn nguyên vẹn: kiểm tra bằng POST /api/v1/reports/verify.")


def render_review(review: QuarterlyReview, approver: SignerPerson | None, signer: Signer) -> bytes:
    """The unsigned PDF of a submitted review; sign it with `exports.sign_pdf`."""
    content: dict[str, Any] = review.content
    unit = content["org_unit"]
    pdf = FormPdf(footer_text=f"Rà soát dữ liệu quý {review.quarter} — {unit['name']} — bản điện tử ký số")
    pdf.set_title(f"Báo cáo rà soát dữ liệu quý {review.quarter} — {unit['name']}")
    pdf.set_subject(TITLE)
    pdf.set_author(signer.organisation)
    pdf.set_creator("Hồ sơ Gateway — profile-api")
    pdf.set_creation_date(signer.signed_at)
    pdf.add_page()
    pdf.centred(TITLE, size=12, bold=True)
    pdf.centred(f"Quý {review.quarter}", size=11, bold=True)
    pdf.ln(2)
    pdf.fields("", [("Đơn vị", f"{unit['name']} ({unit['code']}) và các đơn vị trực thuộc")])
    pdf.fields("", [("Kỳ", f"từ {day(content['period']['from'])} đến {day(content['period']['to'])}"),
                    ("Hạn nộp", day(content["deadline"])), ("Quy định", content["policy"])])
    pdf.fields("", [("Số liệu lập lúc", moment(content["generated_at"]))])
    _quality(pdf, content["quality"])
    _sync(pdf, content["sync"])
    _requests(pdf, content["change_requests"], content["overdue"])
    _signature(pdf, review, approver, signer)
    return bytes(pdf.output())
