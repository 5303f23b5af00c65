"""Tôn giáo: the 16 religions recognised by the State plus "Không" (DOMAIN §4.2).

No official numeric codes exist ([NOT FOUND]); these are our internal codes, with a column per
external system to be filled as their lists become known."""

from __future__ import annotations

from hoso_shared.codes.table import CodeEntry, CodeTable

_NAMES = [
    "Không", "Phật giáo", "Công giáo", "Tin lành", "Cao Đài", "Phật giáo Hòa Hảo", "Hồi giáo",
    "Tôn giáo Baha'i", "Tịnh độ Cư sỹ Phật hội Việt Nam", "Đạo Tứ Ân Hiếu nghĩa", "Bửu Sơn Kỳ Hương",
    "Giáo hội Phật đường Nam Tông Minh Sư đạo", "Hội thánh Minh Lý đạo – Tam Tông Miếu",
    "Chăm Bà la môn", "Giáo hội Các Thánh hữu Ngày sau của Chúa Giê-su Ky-tô Việt Nam",
    "Phật giáo Hiếu Nghĩa Tà Lơn", "Giáo hội Cơ đốc Phục lâm Việt Nam",
]

RELIGIONS = CodeTable("religion", (CodeEntry(f"{i:02d}", name) for i, name in enumerate(_NAMES)))
