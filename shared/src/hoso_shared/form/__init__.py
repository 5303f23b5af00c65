"""The unified sơ yếu lý lịch (TT 06/2023/TT-BNV) as data types, shared by every service."""

from hoso_shared.form.items import COLUMN_ITEMS, ITEM_LEVELS, SENSITIVE_ITEMS, Category, ProfileItems, Sex, Status
from hoso_shared.form.levels import Level
from hoso_shared.form.sections import SECTION_LEVELS, SECTIONS, SENSITIVE_SECTIONS

__all__ = ["COLUMN_ITEMS", "ITEM_LEVELS", "SECTIONS", "SECTION_LEVELS", "SENSITIVE_ITEMS", "SENSITIVE_SECTIONS",
           "Category", "Level", "ProfileItems", "Sex", "Status"]
