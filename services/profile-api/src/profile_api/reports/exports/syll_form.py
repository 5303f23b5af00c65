"""The sơ yếu lý lịch of TT 06/2023/TT-BNV as data (DOMAIN §1.1): each numbered line with its labels
and the record items that fill them, and the tables with their columns. The PDF follows this order."""

from __future__ import annotations

from dataclasses import dataclass

from hoso_shared.form.layout import HEADINGS, TABLE_TITLES
from profile_api.reports.exports import formatting as f

TITLE = "SƠ YẾU LÝ LỊCH CÁN BỘ, CÔNG CHỨC, VIÊN CHỨC"
FORM_NOTE = "Mẫu Sơ yếu lý lịch (Ban hành kèm theo Thông tư số 06/2023/TT-BNV ngày 04/5/2023 của Bộ trưởng Bộ Nội vụ)"
HEADER = [("Cơ quan quản lý cán bộ, công chức, viên chức", "managing_agency", f.text),
          ("Cơ quan, đơn vị sử dụng cán bộ, công chức, viên chức", "employing_unit", f.text),
          ("Số hiệu", "file_number", f.text), ("Mã số định danh", "legacy_identifier", f.text)]

Field = tuple[str, str, f.Format]  # label, item key, how to print it
Column = tuple[str, str, f.Format, int]  # heading, row key, how to print it, relative width


@dataclass(frozen=True)
class Line:
    number: str
    fields: list[Field]


@dataclass(frozen=True)
class Heading:
    number: str
    title: str


@dataclass(frozen=True)
class Table:
    number: str
    title: str
    section: str  # the record's table (hoso_shared.form.SECTIONS)
    columns: list[Column]


def _period(*rest: Column) -> list[Column]:
    return [("Từ tháng, năm", "from_date", f.month, 13), ("Đến tháng, năm", "to_date", f.month, 13), *rest]


ITEMS: list[Line | Heading] = [
    Line("1)", [("Họ và tên khai sinh (viết chữ in hoa)", "full_name", f.upper), ("Giới tính", "sex", f.sex)]),
    Line("2)", [("Các tên gọi khác", "other_names", f.text)]),
    Line("3)", [("Sinh ngày", "birth_date", f.day)]),
    Line("4)", [("Nơi sinh", "birth_place", f.place)]),
    Line("5)", [("Quê quán (xã, phường) (huyện, quận) (tỉnh, TP)", "home_town", f.place)]),
    Line("6)", [("Dân tộc", "ethnicity_code", f.ethnicity)]),
    Line("7)", [("Tôn giáo", "religion_code", f.religion)]),
    Line("8)", [("Số CCCD", "citizen_id", f.text), ("Ngày cấp", "citizen_id_issued_on", f.day),
                ("SĐT liên hệ", "phone", f.text)]),
    Line("9)", [("Số BHXH", "social_insurance_no", f.text), ("Số thẻ BHYT", "health_insurance_no", f.text)]),
    Line("10)", [("Nơi ở hiện nay", "residence", f.place)]),
    Line("11)", [("Thành phần gia đình xuất thân", "family_origin", f.text)]),
    Line("12)", [("Nghề nghiệp trước khi được tuyển dụng", "occupation_before_recruitment", f.text)]),
    Line("13)", [("Ngày được tuyển dụng lần đầu", "first_recruited_on", f.day),
                 ("Cơ quan, tổ chức, đơn vị tuyển dụng", "recruiting_body", f.text)]),
    Line("14)", [("Ngày vào cơ quan hiện đang công tác", "joined_agency_on", f.day)]),
    Line("15)", [("Ngày vào Đảng Cộng sản Việt Nam", "party_joined_on", f.day),
                 ("Ngày chính thức", "party_official_on", f.day)]),
    Line("16)", [("Ngày tham gia tổ chức chính trị - xã hội đầu tiên (ngày vào Đoàn TNCSHCM, Công đoàn, Hội…)",
                  "first_org_joined_on", f.day), ("Tổ chức", "first_org_name", f.text)]),
    Line("17)", [("Ngày nhập ngũ", "enlisted_on", f.day), ("Ngày xuất ngũ", "discharged_on", f.day),
                 ("Quân hàm cao nhất", "highest_military_rank", f.text)]),
    Line("18)", [("Đối tượng chính sách", "policy_category", f.text)]),
    Line("19)", [("Trình độ giáo dục phổ thông (đã tốt nghiệp lớp mấy/thuộc hệ nào)", "general_education", f.text)]),
    Line("20)", [("Trình độ chuyên môn cao nhất", "highest_qualification", f.text)]),
    Line("21)", [("Học hàm", "academic_title", f.text)]),
    Line("22)", [("Danh hiệu nhà nước phong tặng", "state_honorary_title", f.text)]),
    Line("23)", [("Chức vụ hiện tại", "current_position", f.text),
                 ("Ngày bổ nhiệm/ngày phê chuẩn", "position_appointed_on", f.day),
                 ("Ngày bổ nhiệm lại/phê chuẩn nhiệm kỳ tiếp theo", "position_reappointed_on", f.day)]),
    Line("24)", [("Được quy hoạch chức danh", "planned_title", f.text)]),
    Line("25)", [("Chức vụ kiêm nhiệm", "concurrent_position", f.text)]),
    Line("26)", [("Chức vụ Đảng hiện tại", "party_position", f.text)]),
    Line("27)", [("Chức vụ Đảng kiêm nhiệm", "party_concurrent_position", f.text)]),
    Line("28)", [("Công việc chính được giao", "main_duties", f.text)]),
    Line("29)", [("Sở trường công tác", "strengths", f.text), ("Công việc làm lâu nhất", "longest_job", f.text)]),
    Heading("30)", HEADINGS["30"]),
    Line("30.1-", [("Ngạch/chức danh nghề nghiệp", "rank_code", f.rank), ("Mã số", "rank_code", f.text),
                   ("Ngày bổ nhiệm ngạch/chức danh nghề nghiệp", "rank_appointed_on", f.day),
                   ("Bậc lương", "salary_step", f.text), ("Hệ số", "salary_coefficient", f.text),
                   ("Ngày hưởng", "salary_effective_on", f.day), ("Phần trăm hưởng", "salary_percent", f.percent),
                   ("Phụ cấp thâm niên vượt khung", "over_ceiling_percent", f.percent),
                   ("Ngày hưởng PCTNVK", "over_ceiling_effective_on", f.day)]),
    Line("30.2-", [("Phụ cấp chức vụ", "position_allowance", f.text),
                   ("Phụ cấp kiêm nhiệm", "concurrent_allowance", f.text),
                   ("Phụ cấp khác", "other_allowance", f.text)]),
    Line("30.3-", [("Vị trí việc làm", "job_position", f.text), ("Mã số", "job_position_code", f.text),
                   ("Bậc lương", "job_salary_step", f.text),
                   ("Lương theo mức tiền", "job_salary_amount", f.money),
                   ("Ngày hưởng", "job_salary_effective_on", f.day),
                   ("Phần trăm hưởng", "job_salary_percent", f.percent),
                   ("Phụ cấp thâm niên vượt khung", "job_over_ceiling_percent", f.percent),
                   ("Ngày hưởng PCTNVK", "job_over_ceiling_effective_on", f.day)]),
    Line("31)", [("Tình trạng sức khoẻ", "health_status", f.text), ("Chiều cao", "height_cm", f.measure("cm")),
                 ("Cân nặng", "weight_kg", f.measure("kg")), ("Nhóm máu", "blood_group", f.text)]),
]

_TRAINED: list[Column] = [("Tên cơ sở đào tạo", "institution", f.text, 40)]
_CERTIFICATE: list[Column] = [*_TRAINED, ("Chứng chỉ được cấp", "award", f.text, 30)]
_FAMILY: list[Column] = [("Mối quan hệ", "relation", f.text, 16), ("Họ và tên", "full_name", f.text, 28),
           ("Năm sinh", "birth_year", f.text, 12),
           ("Quê quán, nghề nghiệp, chức danh, chức vụ, đơn vị công tác, học tập, nơi ở (trong, ngoài nước); "
            "thành viên các tổ chức chính trị - xã hội…", "details", f.text, 60)]

PARTS: list[Line | Heading | Table] = [
    Heading("32)", HEADINGS["32"].upper()),
    Table("32.1-", TABLE_TITLES["32.1"], "training-professional",
          _period(*_TRAINED, ("Chuyên ngành đào tạo", "field_of_study", f.text, 30),
                  ("Hình thức đào tạo", "mode", f.text, 20), ("Văn bằng, trình độ", "award", f.text, 22))),
    Table("32.2-", TABLE_TITLES["32.2"], "training-political",
          _period(*_TRAINED, ("Hình thức đào tạo", "mode", f.text, 22), ("Văn bằng được cấp", "award", f.text, 28))),
    Table("32.3-", TABLE_TITLES["32.3"],
          "training-state-management", _period(*_CERTIFICATE)),
    Table("32.4-", TABLE_TITLES["32.4"], "training-defence", _period(*_CERTIFICATE)),
    Table("32.5-", TABLE_TITLES["32.5"], "training-it", _period(*_CERTIFICATE)),
    Table("32.6-", TABLE_TITLES["32.6"], "training-languages",
          _period(*_TRAINED, ("Tên ngoại ngữ/tiếng dân tộc", "language", f.text, 22),
                  ("Chứng chỉ được cấp", "award", f.text, 20), ("Điểm số", "score", f.text, 12))),
    Table("33)", TABLE_TITLES["33"].upper(), "work-history",
          _period(("Đơn vị công tác (đảng, chính quyền, đoàn thể, tổ chức xã hội)", "unit", f.text, 50),
                  ("Chức danh/chức vụ", "title", f.text, 30))),
    Heading("34)", HEADINGS["34"].upper()),
    Line("34.1-", [("Khai rõ: bị bắt, bị tù (từ ngày tháng năm nào đến ngày tháng năm nào, ở đâu?), đã khai báo "
                    "cho ai, những vấn đề gì?", "arrest_history", f.text)]),
    Table("34.2-", TABLE_TITLES["34.2"], "former-regime",
          _period(("Chức danh, chức vụ, đơn vị, địa điểm đã làm việc", "description", f.text, 80))),
    Table("34.3-", TABLE_TITLES["34.3"],
          "foreign-ties", _period(("Tên tổ chức, địa chỉ trụ sở, công việc đã làm", "description", f.text, 80))),
    Heading("35)", HEADINGS["35"].upper()),
    Table("35.1-", TABLE_TITLES["35.1"], "awards",
          [("Năm", "year", f.text, 10), ("Xếp loại chuyên môn", "professional_rating", f.text, 25),
           ("Xếp loại thi đua", "emulation_rating", f.text, 25), ("Hình thức khen thưởng", "award", f.text, 40)]),
    Table("35.2-", TABLE_TITLES["35.2"], "discipline",
          _period(("Hình thức", "form", f.text, 20), ("Hành vi vi phạm chính", "violation", f.text, 30),
                  ("Cơ quan quyết định", "deciding_body", f.text, 24))),
    Heading("36)", HEADINGS["36"].upper()),
    Table("36.1-", TABLE_TITLES["36.1"], "family", _FAMILY),
    Table("36.2-", TABLE_TITLES["36.2"], "family-in-law", _FAMILY),
    Heading("37)", HEADINGS["37"].upper()),
    Table("37.1-", TABLE_TITLES["37.1"], "salary-history",
          _period(("Mã số", "rank_code", f.text, 14), ("Bậc lương", "salary_step", f.text, 10),
                  ("Hệ số lương", "coefficient", f.text, 12),
                  ("Tiền lương theo vị trí việc làm", "job_position_salary", f.money, 22))),
    Table("37.2-", TABLE_TITLES["37.2"], "allowance-history",
          _period(("Loại phụ cấp", "kind", f.text, 20), ("Phần trăm hưởng", "percent", f.percent, 12),
                  ("Hệ số", "coefficient", f.text, 10), ("Hình thức hưởng", "form", f.text, 15),
                  ("Giá trị (đồng)", "amount", f.money, 16))),
    Line("37.3-", [("Nguồn thu nhập chính của gia đình hàng năm — Tiền lương", "household_income_salary", f.money),
                   ("Các nguồn khác", "household_income_other", f.money)]),
    Line("", [("Nhà ở", "housing", f.text)]),
    Line("", [("Đất ở, đất sản xuất kinh doanh", "land", f.text)]),
    Line("38)", [("Nhận xét, đánh giá của cơ quan, tổ chức, đơn vị sử dụng cán bộ, công chức, viên chức",
                  "employer_assessment", f.text)]),
]
