"""What a reader cleared to a level may see of a record: one mask for every read path (the record, a table,
a diff, exports, bulk export), so an item is withheld the same way wherever it is read. Withheld items and
tables are absent, never blanked, and named in a `withheld` list built from the form (not from the record's
values, so it does not tell whether a withheld item holds anything)."""

from __future__ import annotations

from typing import Any

from hoso_shared.form.items import ITEM_LEVELS
from hoso_shared.form.levels import DEFAULT_LEVEL
from hoso_shared.form.sections import SECTION_LEVELS


def item_visible(name: str, clearance: int) -> bool:
    return ITEM_LEVELS.get(name, DEFAULT_LEVEL) <= clearance


def section_visible(name: str, clearance: int) -> bool:
    return SECTION_LEVELS.get(name, DEFAULT_LEVEL) <= clearance


def level_of(name: str) -> int | None:
    """The level of a form item or table by its name; None for a name that is neither."""
    level = ITEM_LEVELS.get(name, SECTION_LEVELS.get(name))
    return None if level is None else int(level)


def mask_items(items: dict[str, Any], clearance: int) -> dict[str, Any]:
    return {k: v for k, v in items.items() if item_visible(k, clearance)}


def mask_sections(sections: dict[str, Any], clearance: int) -> dict[str, Any]:
    return {k: v for k, v in sections.items() if section_visible(k, clearance)}


def withheld(clearance: int) -> list[str]:
    """The items, then the tables, above `clearance` (sorted): what a reader at that clearance is not shown."""
    return (sorted(k for k, level in ITEM_LEVELS.items() if level > clearance)
            + sorted(k for k, level in SECTION_LEVELS.items() if level > clearance))
