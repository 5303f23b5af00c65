"""The unified sơ yếu lý lịch (TT 06/2023/TT-BNV) as data types, shared by every service."""

from hoso_shared.form.items import COLUMN_ITEMS, SENSITIVE_ITEMS, Category, ProfileItems, Sex, Status
from hoso_shared.form.sections import SECTIONS, SENSITIVE_SECTIONS

__all__ = ["COLUMN_ITEMS", "SECTIONS", "SENSITIVE_ITEMS", "SENSITIVE_SECTIONS", "Category", "ProfileItems",
           "Sex", "Status"]
