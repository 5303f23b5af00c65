"""The scalar items 1–38 of the unified sơ yếu lý lịch (Thông tư 06/2023/TT-BNV, DOMAIN §1.1).

Keys are English; each field's description carries the item number and the Vietnamese label.
Each field's degree of access restriction (levels.py) is in its `json_schema_extra`; unmarked fields are at
`DEFAULT_LEVEL`. Fields at `SENSITIVE_LEVEL` or above are encrypted at rest and shown only to readers cleared for
their level (docs/access-levels.md).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import Field

from hoso_shared.codes.types import EthnicityCode, RankCode, ReligionCode
from hoso_shared.form.base import FormModel, LongText, Place, Text
from hoso_shared.form.levels import DEFAULT_LEVEL, SENSITIVE_LEVEL, Level, at_level

PUBLIC, SENSITIVE, POLITICAL = at_level(Level.public), at_level(Level.personal), at_level(Level.political)
Sex = Literal["M", "F"]
Category = Literal["can_bo", "cong_chuc", "vien_chuc", "cap_xa"]
Status = Literal["active", "transferred_out", "retired", "resigned", "deceased"]
BloodGroup = Literal["O", "A", "B", "AB"]
Percent = Annotated[Decimal, Field(ge=0, le=100, max_digits=5, decimal_places=2)]
Coefficient = Annotated[Decimal, Field(ge=0, le=20, max_digits=5, decimal_places=2)]
CitizenId = Annotated[str, Field(pattern=r"^\d{12}$")]
Phone = Annotated[str, Field(pattern=r"^\+?[\d .-]{8,20}$")]


class ProfileItems(FormModel):
    # Header
    managing_agency: Text | None = Field(None, description="Cơ quan quản lý CBCCVC", json_schema_extra=PUBLIC)
    employing_unit: Text | None = Field(None, description="Cơ quan, đơn vị sử dụng CBCCVC", json_schema_extra=PUBLIC)
    file_number: Text | None = Field(None, description="Số hiệu (legacy, kept as an attribute)")
    legacy_identifier: Text | None = Field(None, description="Mã số định danh (legacy)")
    # 1–9
    full_name: Annotated[str, Field(min_length=1, max_length=200)] = Field(description="1. Họ và tên khai sinh",
                                                                            json_schema_extra=PUBLIC)
    sex: Sex = Field(description="1. Giới tính", json_schema_extra=PUBLIC)
    other_names: Text | None = Field(None, description="2. Các tên gọi khác")
    birth_date: date = Field(description="3. Sinh ngày", json_schema_extra=PUBLIC)
    birth_place: Place | None = Field(None, description="4. Nơi sinh")
    home_town: Place | None = Field(None, description="5. Quê quán")
    ethnicity_code: EthnicityCode | None = Field(None, description="6. Dân tộc (QĐ 121-TCTK)")
    religion_code: ReligionCode | None = Field(None, description="7. Tôn giáo")
    citizen_id: CitizenId = Field(description="8. Số CCCD / số định danh cá nhân", json_schema_extra=SENSITIVE)
    citizen_id_issued_on: date | None = Field(None, description="8. Ngày cấp", json_schema_extra=SENSITIVE)
    phone: Phone | None = Field(None, description="8. Số điện thoại liên hệ", json_schema_extra=SENSITIVE)
    social_insurance_no: Text | None = Field(None, description="9. Số BHXH", json_schema_extra=SENSITIVE)
    health_insurance_no: Text | None = Field(None, description="9. Số thẻ BHYT", json_schema_extra=SENSITIVE)
    # 10–18
    residence: Place | None = Field(None, description="10. Nơi ở hiện nay")
    family_origin: Text | None = Field(None, description="11. Thành phần gia đình xuất thân")
    occupation_before_recruitment: Text | None = Field(None, description="12. Nghề nghiệp trước khi được tuyển dụng")
    first_recruited_on: date | None = Field(None, description="13. Ngày được tuyển dụng lần đầu")
    recruiting_body: Text | None = Field(None, description="13. Cơ quan, tổ chức, đơn vị tuyển dụng")
    joined_agency_on: date | None = Field(None, description="14. Ngày vào cơ quan hiện đang công tác")
    party_joined_on: date | None = Field(None, description="15. Ngày vào Đảng", json_schema_extra=POLITICAL)
    party_official_on: date | None = Field(None, description="15. Ngày chính thức", json_schema_extra=POLITICAL)
    first_org_joined_on: date | None = Field(None, description="16. Ngày tham gia tổ chức CT-XH đầu tiên")
    first_org_name: Text | None = Field(None, description="16. Tổ chức (Đoàn, Công đoàn, Hội)")
    enlisted_on: date | None = Field(None, description="17. Ngày nhập ngũ")
    discharged_on: date | None = Field(None, description="17. Ngày xuất ngũ")
    highest_military_rank: Text | None = Field(None, description="17. Quân hàm cao nhất")
    policy_category: Text | None = Field(None, description="18. Đối tượng chính sách")
    # 19–29
    general_education: Annotated[str, Field(pattern=r"^\d{1,2}/\d{1,2}$")] | None = Field(
        None, description="19. Trình độ giáo dục phổ thông (12/12, 10/10)")
    highest_qualification: Text | None = Field(None, description="20. Trình độ chuyên môn cao nhất")
    academic_title: Literal["GS", "PGS"] | None = Field(None, description="21. Học hàm")
    state_honorary_title: Text | None = Field(None, description="22. Danh hiệu nhà nước phong tặng")
    current_position: Text | None = Field(None, description="23. Chức vụ hiện tại", json_schema_extra=PUBLIC)
    position_appointed_on: date | None = Field(None, description="23. Ngày bổ nhiệm/phê chuẩn")
    position_reappointed_on: date | None = Field(None, description="23. Ngày bổ nhiệm lại")
    planned_title: Text | None = Field(None, description="24. Được quy hoạch chức danh")
    concurrent_position: Text | None = Field(None, description="25. Chức vụ kiêm nhiệm")
    party_position: Text | None = Field(None, description="26. Chức vụ Đảng hiện tại", json_schema_extra=POLITICAL)
    party_concurrent_position: Text | None = Field(
        None, description="27. Chức vụ Đảng kiêm nhiệm", json_schema_extra=POLITICAL)
    main_duties: LongText | None = Field(None, description="28. Công việc chính được giao")
    strengths: Text | None = Field(None, description="29. Sở trường công tác")
    longest_job: Text | None = Field(None, description="29. Công việc làm lâu nhất")
    # 30 Tiền lương
    rank_code: RankCode | None = Field(
        None, description="30.1 Ngạch/chức danh nghề nghiệp: mã số", json_schema_extra=PUBLIC)
    rank_appointed_on: date | None = Field(None, description="30.1 Ngày bổ nhiệm ngạch/CDNN")
    salary_step: Annotated[int, Field(ge=1, le=12)] | None = Field(None, description="30.1 Bậc lương")
    salary_coefficient: Coefficient | None = Field(None, description="30.1 Hệ số")
    salary_effective_on: date | None = Field(None, description="30.1 Ngày hưởng")
    salary_percent: Percent | None = Field(None, description="30.1 Phần trăm hưởng (%)")
    over_ceiling_percent: Percent | None = Field(None, description="30.1 Phụ cấp thâm niên vượt khung (%)")
    over_ceiling_effective_on: date | None = Field(None, description="30.1 Ngày hưởng PCTNVK")
    position_allowance: Coefficient | None = Field(None, description="30.2 Phụ cấp chức vụ")
    concurrent_allowance: Coefficient | None = Field(None, description="30.2 Phụ cấp kiêm nhiệm")
    other_allowance: Coefficient | None = Field(None, description="30.2 Phụ cấp khác")
    job_position: Text | None = Field(None, description="30.3 Vị trí việc làm")
    job_position_code: Text | None = Field(None, description="30.3 Mã số vị trí việc làm")
    job_salary_step: Annotated[int, Field(ge=1, le=20)] | None = Field(None, description="30.3 Bậc lương")
    job_salary_amount: Annotated[int, Field(ge=0)] | None = Field(None, description="30.3 Lương theo mức tiền (đ)")
    job_salary_effective_on: date | None = Field(None, description="30.3 Ngày hưởng")
    job_salary_percent: Percent | None = Field(None, description="30.3 Phần trăm hưởng")
    job_over_ceiling_percent: Percent | None = Field(None, description="30.3 PCTNVK (%)")
    job_over_ceiling_effective_on: date | None = Field(None, description="30.3 Ngày hưởng PCTNVK")
    # 31
    health_status: Text | None = Field(None, description="31. Tình trạng sức khoẻ", json_schema_extra=SENSITIVE)
    height_cm: Annotated[int, Field(ge=50, le=250)] | None = Field(
        None, description="31. Chiều cao (cm)", json_schema_extra=SENSITIVE)
    weight_kg: Annotated[int, Field(ge=20, le=300)] | None = Field(
        None, description="31. Cân nặng (kg)", json_schema_extra=SENSITIVE)
    blood_group: BloodGroup | None = Field(None, description="31. Nhóm máu", json_schema_extra=SENSITIVE)
    # 34.1, 37.3, 38
    arrest_history: LongText | None = Field(
        None, description="34.1 Bị bắt, bị tù (từ… đến…, ở đâu?)", json_schema_extra=POLITICAL)
    household_income_salary: Annotated[int, Field(ge=0)] | None = Field(
        None, description="37.3 Thu nhập hàng năm: tiền lương (đ)", json_schema_extra=SENSITIVE)
    household_income_other: Annotated[int, Field(ge=0)] | None = Field(
        None, description="37.3 Thu nhập hàng năm: các nguồn khác (đ)", json_schema_extra=SENSITIVE)
    housing: LongText | None = Field(None, description="37.3 Nhà ở (loại, m², giấy chứng nhận)",
                                     json_schema_extra=SENSITIVE)
    land: LongText | None = Field(None, description="37.3 Đất ở, đất sản xuất kinh doanh",
                                  json_schema_extra=SENSITIVE)
    employer_assessment: LongText | None = Field(
        None, description="38. Nhận xét, đánh giá của cơ quan sử dụng", json_schema_extra=SENSITIVE)
    legacy_notes: dict[str, LongText] | None = Field(
        None, description="Items of an older form (2C-BNV/2008, 2C/TCTW-98) that TT 06/2023 has no place for")


def _levels(model: type[FormModel]) -> dict[str, Level]:
    return {name: Level(f.json_schema_extra.get("level", DEFAULT_LEVEL))  # type: ignore[arg-type]
            if isinstance(f.json_schema_extra, dict) else DEFAULT_LEVEL for name, f in model.model_fields.items()}


ITEM_LEVELS = _levels(ProfileItems)  # every item's degree of access restriction
SENSITIVE_ITEMS = frozenset(name for name, level in ITEM_LEVELS.items() if level >= SENSITIVE_LEVEL)
# Items with a column of their own on `profiles` (indexed, filtered, joined on).
COLUMN_ITEMS = frozenset({"full_name", "sex", "birth_date", "rank_code", "citizen_id"})
