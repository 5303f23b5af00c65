"""The mapping covers every field of ours, and the published documents are the ones it generates."""

from __future__ import annotations

from pathlib import Path

from hoso_shared.form import SECTIONS, ProfileItems
from sync_gateway.national import v1
from sync_gateway.national.groups import GROUP_KEYS, GROUPS
from sync_gateway.national.table import documents

DOCS = Path(__file__).resolve().parents[3] / "docs"


class TestMapping:
    def test_every_item_and_table_of_ours_is_mapped_or_marked_not_yet_mapped(self) -> None:
        """A field added to the form fails here until it has a group or a reason."""
        assert set(v1.ITEMS) == set(ProfileItems.model_fields)
        assert set(v1.SECTIONS) == set(SECTIONS)
        assert {k for k, g in v1.ITEMS.items() if g is None} == set(v1.NOT_YET_MAPPED)
        assert {g for g in [*v1.ITEMS.values(), *v1.SECTIONS.values()] if g} <= GROUP_KEYS

    def test_the_ten_groups_of_nd27_are_numbered_1_to_10(self) -> None:
        """NĐ 27/2026 Điều 5 (as reported, DOMAIN §1.5): ten groups; every one holds something of ours."""
        assert [g.number for g in GROUPS] == list(range(1, 11))
        assert {g for g in [*v1.ITEMS.values(), *v1.SECTIONS.values()] if g} == GROUP_KEYS


class TestDocuments:
    def test_the_generated_documents_are_up_to_date(self) -> None:
        """Stale? Run `python -m sync_gateway.national` at the repository's root."""
        for name, text in documents().items():
            assert (DOCS / name).read_text(encoding="utf-8") == text, f"docs/{name} is stale"

    def test_the_table_lists_every_field_once(self) -> None:
        table = documents()["national-format.md"]
        for name in ProfileItems.model_fields:
            assert table.count(f"| `items.{name}` |") == 1
        for segment in SECTIONS:
            assert table.count(f"| `sections.{segment}` |") == 1
        assert "not yet mapped" in table and "| `items.legacy_notes` |" in table
