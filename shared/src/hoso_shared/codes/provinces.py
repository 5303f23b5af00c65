"""Provinces. Two lists (DOMAIN §3 and §4.3):

- the 63 birth-registration codes of TT 07/2016 Phụ lục I, used in the first three digits of the
  personal ID (they never change: a 2026 ID may start with a pre-merger code);
- the administrative provinces, effective-dated: the 63 until 30/6/2025, the 34 from 1/7/2025
  (QĐ 19/2025/QĐ-TTg), with the old codes each merged into.
"""

from __future__ import annotations

from datetime import date

from hoso_shared.codes.table import CodeEntry, CodeTable

REFORM = date(2025, 7, 1)
BEFORE_REFORM = date(2025, 6, 30)

_OLD = {
    "001": "Hà Nội", "002": "Hà Giang", "004": "Cao Bằng", "006": "Bắc Kạn", "008": "Tuyên Quang",
    "010": "Lào Cai", "011": "Điện Biên", "012": "Lai Châu", "014": "Sơn La", "015": "Yên Bái",
    "017": "Hòa Bình", "019": "Thái Nguyên", "020": "Lạng Sơn", "022": "Quảng Ninh", "024": "Bắc Giang",
    "025": "Phú Thọ", "026": "Vĩnh Phúc", "027": "Bắc Ninh", "030": "Hải Dương", "031": "Hải Phòng",
    "033": "Hưng Yên", "034": "Thái Bình", "035": "Hà Nam", "036": "Nam Định", "037": "Ninh Bình",
    "038": "Thanh Hóa", "040": "Nghệ An", "042": "Hà Tĩnh", "044": "Quảng Bình", "045": "Quảng Trị",
    "046": "Thừa Thiên Huế", "048": "Đà Nẵng", "049": "Quảng Nam", "051": "Quảng Ngãi",
    "052": "Bình Định", "054": "Phú Yên", "056": "Khánh Hòa", "058": "Ninh Thuận", "060": "Bình Thuận",
    "062": "Kon Tum", "064": "Gia Lai", "066": "Đắk Lắk", "067": "Đắk Nông", "068": "Lâm Đồng",
    "070": "Bình Phước", "072": "Tây Ninh", "074": "Bình Dương", "075": "Đồng Nai",
    "077": "Bà Rịa – Vũng Tàu", "079": "TP Hồ Chí Minh", "080": "Long An", "082": "Tiền Giang",
    "083": "Bến Tre", "084": "Trà Vinh", "086": "Vĩnh Long", "087": "Đồng Tháp", "089": "An Giang",
    "091": "Kiên Giang", "092": "Cần Thơ", "093": "Hậu Giang", "094": "Sóc Trăng", "095": "Bạc Liêu",
    "096": "Cà Mau",
}
assert len(_OLD) == 63

# New two-digit code → (name, old three-digit codes merged into it).
_NEW: dict[str, tuple[str, tuple[str, ...]]] = {
    "01": ("TP Hà Nội", ("001",)), "04": ("Cao Bằng", ("004",)),
    "08": ("Tuyên Quang", ("008", "002")), "11": ("Điện Biên", ("011",)), "12": ("Lai Châu", ("012",)),
    "14": ("Sơn La", ("014",)), "15": ("Lào Cai", ("010", "015")), "19": ("Thái Nguyên", ("019", "006")),
    "20": ("Lạng Sơn", ("020",)), "22": ("Quảng Ninh", ("022",)), "24": ("Bắc Ninh", ("027", "024")),
    "25": ("Phú Thọ", ("025", "026", "017")), "31": ("TP Hải Phòng", ("031", "030")),
    "33": ("Hưng Yên", ("033", "034")), "37": ("Ninh Bình", ("037", "035", "036")),
    "38": ("Thanh Hóa", ("038",)), "40": ("Nghệ An", ("040",)), "42": ("Hà Tĩnh", ("042",)),
    "44": ("Quảng Trị", ("045", "044")), "46": ("TP Huế", ("046",)),
    "48": ("TP Đà Nẵng", ("048", "049")), "51": ("Quảng Ngãi", ("051", "062")),
    "52": ("Gia Lai", ("064", "052")), "56": ("Khánh Hòa", ("056", "058")),
    "66": ("Đắk Lắk", ("066", "054")), "68": ("Lâm Đồng", ("068", "067", "060")),
    "75": ("Đồng Nai", ("075", "070")), "79": ("TP Hồ Chí Minh", ("079", "074", "077")),
    "80": ("Tây Ninh", ("072", "080")), "82": ("Đồng Tháp", ("087", "082")),
    "86": ("Vĩnh Long", ("086", "083", "084")), "91": ("An Giang", ("089", "091")),
    "92": ("TP Cần Thơ", ("092", "094", "093")), "96": ("Cà Mau", ("096", "095")),
}
assert len(_NEW) == 34

CITIZEN_ID_PROVINCES = CodeTable("citizen_id_province", (CodeEntry(c, n) for c, n in _OLD.items()))

PROVINCES = CodeTable("province", [
    *(CodeEntry(code[1:], name, valid_to=BEFORE_REFORM, extra={"citizen_id_prefix": code})
      for code, name in _OLD.items()),
    *(CodeEntry(code, name, valid_from=REFORM, extra={"merged_from": merged})
      for code, (name, merged) in _NEW.items()),
])


def province_after_reform(old_citizen_prefix: str) -> str | None:
    """The post-2025 province that absorbed an old one (by its three-digit code)."""
    return next((c for c, (_, merged) in _NEW.items() if old_citizen_prefix in merged), None)
