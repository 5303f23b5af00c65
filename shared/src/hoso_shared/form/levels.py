"""Degrees of access restriction (độ hạn chế tiếp cận, Quy chế Hà Nội 2024 Điều 4 khoản 3) of the form's items
and tables. Each item carries its level in its field's `json_schema_extra` (items.py), each table in
`SECTION_LEVELS` (sections.py); `access.py` derives the masks from both. Why each default is what it is:
docs/access-levels.md."""

from __future__ import annotations

from enum import IntEnum

from pydantic.config import JsonDict


class Level(IntEnum):
    public = 0  # public within the agency's HR
    hr = 1  # HR and approvers of the person's unit
    personal = 2  # personal and sensitive data (NĐ 13/2023 Điều 2 khoản 4): identity numbers, health, family
    political = 3  # political and Party records


DEFAULT_LEVEL = Level.hr  # an item with no explicit level
SENSITIVE_LEVEL = Level.personal  # from here up, sealed at rest and audited when read (today's "sensitive")
TOP_LEVEL = Level.political


def at_level(level: Level) -> JsonDict:
    """The `json_schema_extra` of a form item at `level`; `sensitive` is kept for readers of the JSON Schema."""
    return {"level": int(level), "sensitive": level >= SENSITIVE_LEVEL}
