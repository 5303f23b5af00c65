"""Vietnamese names and province codes the seeded register is drawn from (DOMAIN §3, §4.3)."""

from __future__ import annotations

from hoso_shared.codes import CITIZEN_ID_PROVINCES
from hoso_shared.codes import PROVINCES as ALL_PROVINCES
from hoso_shared.codes.provinces import REFORM

FAMILY = ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ",
          "Ngô", "Dương", "Lý", "Đinh", "Trịnh", "Mai", "Tạ")
MIDDLE = {"M": ("Văn", "Hữu", "Đức", "Minh", "Quang", "Công", "Thành", "Xuân", "Mạnh", "Tiến"),
          "F": ("Thị", "Ngọc", "Thu", "Thanh", "Kim", "Minh", "Phương", "Hồng", "Thùy", "Mỹ")}
GIVEN = {"M": ("An", "Bình", "Cường", "Dũng", "Đạt", "Hải", "Hiếu", "Hùng", "Khánh", "Long", "Nam", "Phúc",
               "Quân", "Sơn", "Thắng", "Tuấn", "Việt", "Vinh", "Huy", "Trung"),
         "F": ("Anh", "Chi", "Dung", "Giang", "Hà", "Hạnh", "Hoa", "Hương", "Lan", "Linh", "Mai", "Nga",
               "Ngân", "Oanh", "Phượng", "Thảo", "Trang", "Yến", "Huyền", "Nhung")}

# Positions 1–3 of a personal ID: where the birth was registered (the 63 pre-2025 provinces; numbers
# issued before the 2025 merger keep their code). The same code lists the rest of the project uses.
BIRTH_PROVINCES = {entry.code: entry.name for entry in CITIZEN_ID_PROVINCES}
HANOI_BIRTH = "001"

# The 34 provincial units from 01/07/2025 (QĐ 19/2025/QĐ-TTg): where a national record is kept.
PROVINCES = {entry.code: entry.name for entry in ALL_PROVINCES if entry.valid_on(REFORM)}
HANOI = "01"
