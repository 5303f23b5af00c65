"""The ten groups of the national CBCCVC database (Nghị định 27/2026/NĐ-CP Điều 5; 194 fields in all).

The decree's text is not among the stored regulations (/work/shared/handbook/regulations/); the groups are
named as the reporting on it gives them ([R] in DOMAIN §1.5: plo.vn, dantri.com.vn and news.laodong.vn list
all ten). Its appendix, the 194-field dictionary, was not found, so the fields inside each group are our
reading of the TT 06/2023 form (`sync_gateway.national.v1`), not the ministry's names."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Group:
    key: str  # the payload's property
    number: int  # its place in Điều 5
    title: str  # Vietnamese, as the decree is reported
    title_en: str


GROUPS: tuple[Group, ...] = (
    Group("g01_identity", 1, "Thông tin cơ bản về bản thân: danh tính, thành phần xuất thân, định danh",
          "basic identity, origin and identifiers"),
    Group("g02_family", 2, "Quan hệ gia đình", "family relations"),
    Group("g03_history", 3, "Lịch sử bản thân", "personal history"),
    Group("g04_career_events", 4, "Tuyển dụng, bầu cử, bổ nhiệm, quy hoạch, điều động, luân chuyển, biệt phái, "
          "thôi việc, nghỉ hưu", "recruitment, election, appointment, planning, mobilisation, rotation, "
          "secondment, resignation, retirement"),
    Group("g05_education", 5, "Học vấn, trình độ chuyên môn, đào tạo, bồi dưỡng (lý luận chính trị, quốc phòng "
          "an ninh, quản lý nhà nước, kỹ năng)", "education, qualifications, training incl. political theory, "
          "defence and security, state management"),
    Group("g06_employment", 6, "Cơ quan, đơn vị làm việc; vị trí việc làm; chức danh, chức vụ; tiền lương, phụ cấp; "
          "đánh giá, xếp loại; thi đua, khen thưởng; kỷ luật", "workplace, job position, title and position, "
          "salary and allowances, evaluations, awards, discipline"),
    Group("g07_organisations", 7, "Tham gia tổ chức chính trị, tổ chức chính trị - xã hội",
          "membership of political and socio-political organisations"),
    Group("g08_armed_forces", 8, "Tham gia lực lượng vũ trang", "service in the armed forces"),
    Group("g09_assets_income", 9, "Tài sản, thu nhập", "assets and income"),
    Group("g10_health", 10, "Sức khoẻ", "health"),
)
GROUP_KEYS = frozenset(g.key for g in GROUPS)
