"""What the workforce statistics' dimensions and values are called on the page. profile-api answers with codes
(`/api/v1/reports/workforce`); ranks and ethnicities are named by the shared code lists, the fixed values here (the
words of the API's own PDF), each translated when shown."""

from __future__ import annotations

from hoso_shared.codes import ETHNICITIES, RANKS
from portal.i18n import N_

DIMENSIONS: dict[str, str] = {
    "category": N_("Theo phân loại cán bộ, công chức, viên chức"),
    "rank_group": N_("Theo loại ngạch"),
    "rank": N_("Theo ngạch, chức danh nghề nghiệp"),
    "highest_qualification": N_("Theo trình độ chuyên môn cao nhất"),
    "political_theory": N_("Theo trình độ lý luận chính trị"),
    "state_management": N_("Theo trình độ quản lý nhà nước"),
    "sex": N_("Theo giới tính"),
    "age_band": N_("Theo độ tuổi"),
    "age_band_by_sex": N_("Theo giới tính và độ tuổi"),
    "ethnicity": N_("Theo dân tộc"),
    "party": N_("Đảng viên Đảng Cộng sản Việt Nam"),
}
VALUES: dict[str, str] = {
    "can_bo": N_("Cán bộ"), "cong_chuc": N_("Công chức"), "vien_chuc": N_("Viên chức"),
    "cap_xa": N_("Cán bộ, công chức cấp xã"), "tien_si": N_("Tiến sĩ"), "thac_si": N_("Thạc sĩ"),
    "dai_hoc": N_("Đại học"), "cao_dang": N_("Cao đẳng"), "trung_cap": N_("Trung cấp"), "so_cap": N_("Sơ cấp"),
    "cao_cap": N_("Cao cấp, cử nhân"), "chuyen_vien_cao_cap": N_("Chuyên viên cao cấp"),
    "chuyen_vien_chinh": N_("Chuyên viên chính"), "chuyen_vien": N_("Chuyên viên"), "can_su": N_("Cán sự"),
    "other": N_("Khác (chưa xếp được)"), "none": N_("Không có, chưa khai"),
    "unknown": N_("Mã không có trong danh mục"), "M": N_("Nam"), "F": N_("Nữ"), "member": N_("Đảng viên"),
    "non_member": N_("Không phải đảng viên"), "under_30": N_("Dưới 30"), "30_39": N_("30–39"),
    "40_49": N_("40–49"), "50_59": N_("50–59"), "60_over": N_("Từ 60"),
}


def value_name(dimension: str, value: str) -> list[tuple[str, bool]]:
    """The name's parts, each (text, whether it is a msgid to translate): a code list's name is data, shown as it
    is; an age band by sex is the sex's name, then the band's."""
    table = {"rank": RANKS, "ethnicity": ETHNICITIES}.get(dimension)
    entry = table.get(value) if table is not None else None
    if entry is not None:
        return [(entry.name, False)]
    parts = value.partition(":")[::2] if dimension == "age_band_by_sex" else (value,)
    return [(VALUES.get(part, part), part in VALUES) for part in parts]
