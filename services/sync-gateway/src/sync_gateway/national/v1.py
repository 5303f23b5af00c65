"""Wire format `v1`: our record (TT 06/2023 items 1–38 and its tables) placed in NĐ 27/2026's ten groups
(`groups`). Values travel as our record holds them (the JSON of `hoso_shared.form`), under our names: the
decree's field dictionary is not published (docs/national-format.md), so only the grouping is the decree's.
When the ministry publishes its technical rules, a `v2` module beside this one maps to them; nothing that
delivers, chains or signs packets changes (`formats`)."""

from __future__ import annotations

import copy
from functools import cache
from typing import Any

from sync_gateway.national.groups import GROUPS
from sync_gateway.national.schema import record_schema

VERSION = "v1"

# Each item of ours → its group, or None: not yet mapped (not sent), with the reason in NOT_YET_MAPPED.
ITEMS: dict[str, str | None] = {
    # Group 1: identity, origin, identifiers (số hiệu, mã định danh, họ tên, giới tính, ngày sinh, quê quán, …)
    **dict.fromkeys(["file_number", "legacy_identifier", "full_name", "sex", "other_names", "birth_date",
                     "birth_place", "home_town", "ethnicity_code", "religion_code", "citizen_id",
                     "citizen_id_issued_on", "phone", "social_insurance_no", "health_insurance_no", "residence",
                     "family_origin", "policy_category"], "g01_identity"),
    # Group 4: recruitment, appointment, planning (the events; the present post is group 6)
    **dict.fromkeys(["occupation_before_recruitment", "first_recruited_on", "recruiting_body", "joined_agency_on",
                     "position_appointed_on", "position_reappointed_on", "planned_title"], "g04_career_events"),
    # Group 5: education and qualifications
    **dict.fromkeys(["general_education", "highest_qualification", "academic_title"], "g05_education"),
    # Group 6: workplace, job position, title and position, salary and allowances, evaluation, awards
    **dict.fromkeys(["managing_agency", "employing_unit", "current_position", "concurrent_position", "main_duties",
                     "strengths", "longest_job", "state_honorary_title", "rank_code", "rank_appointed_on",
                     "salary_step", "salary_coefficient", "salary_effective_on", "salary_percent",
                     "over_ceiling_percent", "over_ceiling_effective_on", "position_allowance",
                     "concurrent_allowance", "other_allowance", "job_position", "job_position_code",
                     "job_salary_step", "job_salary_amount", "job_salary_effective_on", "job_salary_percent",
                     "job_over_ceiling_percent", "job_over_ceiling_effective_on", "employer_assessment"],
                    "g06_employment"),
    # Group 3: personal history (34.1; 34.2 and 34.3 are tables)
    "arrest_history": "g03_history",
    # Group 7: the Party and socio-political organisations
    **dict.fromkeys(["party_joined_on", "party_official_on", "party_position", "party_concurrent_position",
                     "first_org_joined_on", "first_org_name"], "g07_organisations"),
    # Group 8: the armed forces
    **dict.fromkeys(["enlisted_on", "discharged_on", "highest_military_rank"], "g08_armed_forces"),
    # Group 9: assets and income (37.3)
    **dict.fromkeys(["household_income_salary", "household_income_other", "housing", "land"], "g09_assets_income"),
    # Group 10: health (31)
    **dict.fromkeys(["health_status", "height_cm", "weight_kg", "blood_group"], "g10_health"),
    "legacy_notes": None,
}
NOT_YET_MAPPED: dict[str, str] = {
    "legacy_notes": "ghi chú của mẫu cũ (2C-BNV/2008, 2C/TCTW-98), không có chỗ trong TT 06/2023; từ điển trường "
                    "của NĐ 27/2026 chưa tìm thấy / remarks of older forms, with no place in TT 06/2023; the "
                    "NĐ 27/2026 field dictionary was not found",
}
# Each table of ours (its URL segment in `hoso_shared.form.SECTIONS`) → its group.
SECTIONS: dict[str, str | None] = {
    **dict.fromkeys(["training-professional", "training-political", "training-state-management", "training-defence",
                     "training-it", "training-languages"], "g05_education"),
    "work-history": "g04_career_events",
    **dict.fromkeys(["former-regime", "foreign-ties"], "g03_history"),
    **dict.fromkeys(["awards", "discipline", "salary-history", "allowance-history"], "g06_employment"),
    **dict.fromkeys(["family", "family-in-law"], "g02_family"),
}


def section_field(segment: str) -> str:
    """A table's property in the payload: its URL segment, as an identifier."""
    return segment.replace("-", "_")


class V1:
    version = VERSION

    def encode(self, record: dict[str, Any]) -> dict[str, Any]:
        """The national payload of one record (`{"items", "sections"}`, as versions hold it): every group
        present, each holding what it maps; what is not yet mapped stays home."""
        payload: dict[str, dict[str, Any]] = {g.key: {} for g in GROUPS}
        for name, value in record.get("items", {}).items():
            if group := ITEMS.get(name):
                payload[group][name] = value
        for segment, rows in record.get("sections", {}).items():
            if group := SECTIONS.get(segment):
                payload[group][section_field(segment)] = rows
        return payload

    def schema(self) -> dict[str, Any]:
        return copy.deepcopy(_schema())  # the cached one stays as generated


@cache
def _schema() -> dict[str, Any]:
    return record_schema(VERSION, ITEMS, {s: (g, section_field(s)) for s, g in SECTIONS.items()})
