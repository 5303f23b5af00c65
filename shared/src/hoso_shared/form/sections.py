"""The repeating tables of the form (TT 06/2023, DOMAIN §1.1). Every "Tháng/năm" column is a
from/to period. Each table has a degree of access restriction (`SECTION_LEVELS`); those at `SENSITIVE_LEVEL`
or above are encrypted at rest."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from hoso_shared.codes.types import RankCode
from hoso_shared.form.base import FormModel, LongText, Period, Text
from hoso_shared.form.items import Coefficient, Percent
from hoso_shared.form.levels import SENSITIVE_LEVEL, Level


class Training(Period):
    institution: Text = Field(description="Tên cơ sở đào tạo")
    field_of_study: Text | None = Field(None, description="Chuyên ngành đào tạo")
    mode: Text | None = Field(None, description="Hình thức đào tạo")
    award: Text | None = Field(None, description="Văn bằng, trình độ / chứng chỉ được cấp")


class LanguageTraining(Period):
    institution: Text = Field(description="Tên cơ sở đào tạo")
    language: Text = Field(description="Tên ngoại ngữ / tiếng dân tộc")
    award: Text | None = Field(None, description="Chứng chỉ được cấp")
    score: Text | None = Field(None, description="Điểm số")


class WorkHistory(Period):
    unit: Text = Field(description="Đơn vị công tác")
    title: Text | None = Field(None, description="Chức danh / chức vụ")


class PastActivity(Period):
    description: LongText = Field(description="Chức danh, chức vụ, đơn vị, địa điểm / tổ chức, công việc")


class Award(FormModel):
    year: Annotated[int, Field(ge=1945, le=2100)] = Field(description="Năm")
    professional_rating: Text | None = Field(None, description="Xếp loại chuyên môn")
    emulation_rating: Text | None = Field(None, description="Xếp loại thi đua")
    award: Text | None = Field(None, description="Hình thức khen thưởng")


class Discipline(Period):
    form: Text = Field(description="Hình thức kỷ luật")
    violation: LongText | None = Field(None, description="Hành vi vi phạm chính")
    deciding_body: Text | None = Field(None, description="Cơ quan quyết định")


class FamilyMember(FormModel):
    relation: Text = Field(description="Mối quan hệ")
    full_name: Text = Field(description="Họ và tên")
    birth_year: Annotated[int, Field(ge=1850, le=2100)] | None = Field(None, description="Năm sinh")
    details: LongText | None = Field(None, description="Quê quán, nghề nghiệp, chức vụ, nơi ở, …")


class SalaryHistory(Period):
    rank_code: RankCode | None = Field(None, description="Mã số")
    salary_step: Annotated[int, Field(ge=1, le=20)] | None = Field(None, description="Bậc lương")
    coefficient: Coefficient | None = Field(None, description="Hệ số lương")
    job_position_salary: Annotated[int, Field(ge=0)] | None = Field(
        None, description="Tiền lương theo vị trí việc làm")


class AllowanceHistory(Period):
    kind: Text = Field(description="Loại phụ cấp")
    percent: Percent | None = Field(None, description="Phần trăm hưởng")
    coefficient: Coefficient | None = Field(None, description="Hệ số")
    form: Text | None = Field(None, description="Hình thức hưởng")
    amount: Annotated[int, Field(ge=0)] | None = Field(None, description="Giá trị (đồng)")


# Each table's degree of access restriction (levels.py; why: docs/access-levels.md).
SECTION_LEVELS: dict[str, Level] = {
    "training-professional": Level.hr, "training-political": Level.hr, "training-state-management": Level.hr,
    "training-defence": Level.hr, "training-it": Level.hr, "training-languages": Level.hr, "work-history": Level.hr,
    "former-regime": Level.political, "foreign-ties": Level.political, "awards": Level.hr,
    "discipline": Level.personal, "family": Level.personal, "family-in-law": Level.personal,
    "salary-history": Level.hr, "allowance-history": Level.hr,
}
_FORM: dict[str, tuple[str, type[FormModel]]] = {
    "training-professional": ("32.1", Training),
    "training-political": ("32.2", Training),
    "training-state-management": ("32.3", Training),
    "training-defence": ("32.4", Training),
    "training-it": ("32.5", Training),
    "training-languages": ("32.6", LanguageTraining),
    "work-history": ("33", WorkHistory),
    "former-regime": ("34.2", PastActivity),
    "foreign-ties": ("34.3", PastActivity),
    "awards": ("35.1", Award),
    "discipline": ("35.2", Discipline),
    "family": ("36.1", FamilyMember),
    "family-in-law": ("36.2", FamilyMember),
    "salary-history": ("37.1", SalaryHistory),
    "allowance-history": ("37.2", AllowanceHistory),
}
# URL segment → (form item, row model, sensitive: at SENSITIVE_LEVEL or above, so sealed at rest)
SECTIONS: dict[str, tuple[str, type[FormModel], bool]] = {
    name: (number, model, SECTION_LEVELS[name] >= SENSITIVE_LEVEL) for name, (number, model) in _FORM.items()}
SENSITIVE_SECTIONS = frozenset(name for name, (_, _, sensitive) in SECTIONS.items() if sensitive)
