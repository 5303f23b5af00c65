"""Code lists as data (DOMAIN §4–5): effective-dated tables and the pydantic types that check them."""

from hoso_shared.codes.ethnicities import ETHNICITIES
from hoso_shared.codes.provinces import CITIZEN_ID_PROVINCES, PROVINCES
from hoso_shared.codes.ranks import RANKS, SCALES, SalaryScale, scale_of
from hoso_shared.codes.religions import RELIGIONS
from hoso_shared.codes.table import CodeEntry, CodeTable
from hoso_shared.codes.types import EthnicityCode, ProvinceCode, RankCode, ReligionCode

__all__ = [
    "CITIZEN_ID_PROVINCES", "ETHNICITIES", "PROVINCES", "RANKS", "RELIGIONS", "SCALES", "CodeEntry",
    "CodeTable", "EthnicityCode", "ProvinceCode", "RankCode", "ReligionCode", "SalaryScale", "scale_of",
]
