"""Dân tộc: QĐ 121-TCTK/PPCĐ (02/3/1979), two-character codes (DOMAIN §4.1).
55/56 are extensions seen in some systems, kept apart so rules can flag them."""

from __future__ import annotations

from hoso_shared.codes.table import CodeEntry, CodeTable

_NAMES = [
    "Kinh", "Tày", "Thái", "Hoa", "Khơ-me", "Mường", "Nùng", "Mông", "Dao", "Gia-rai", "Ngái", "Ê-đê",
    "Ba-na", "Xơ-đăng", "Sán Chay", "Cơ-ho", "Chăm", "Sán Dìu", "Hrê", "Mnông", "Ra-glai", "Xtiêng",
    "Bru-Vân Kiều", "Thổ", "Giáy", "Cơ-tu", "Gié-Triêng", "Mạ", "Khơ-mú", "Co", "Tà-ôi", "Chơ-ro",
    "Kháng", "Xinh-mun", "Hà Nhì", "Chu-ru", "Lào", "La Chí", "La Ha", "Phù Lá", "La Hủ", "Lự",
    "Lô Lô", "Chứt", "Mảng", "Pà Thẻn", "Co Lao", "Cống", "Bố Y", "Si La", "Pu Péo", "Brâu", "Ơ Đu",
    "Rơ-măm",
]
assert len(_NAMES) == 54

ETHNICITIES = CodeTable("ethnicity", [
    *(CodeEntry(f"{i:02d}", name) for i, name in enumerate(_NAMES, start=1)),
    CodeEntry("55", "Người nước ngoài", extra={"extension": True}),
    CodeEntry("56", "Không rõ", extra={"extension": True}),
])
