"""The rule table is data: codes well-formed and unique, every rule documented, the page in sync."""

from __future__ import annotations

from pathlib import Path

from hoso_shared.validation import RULES
from hoso_shared.validation.docs import render
from hoso_shared.validation.registry import CODE

ROOT = Path(__file__).resolve().parents[2]


class TestRegistry:
    def test_codes_are_well_formed_and_messages_bilingual(self) -> None:
        assert RULES
        for code, rule in RULES.items():
            assert CODE.match(code) and rule.code == code
            assert rule.message_vi and rule.message_en and rule.message_vi != rule.message_en
            assert rule.reads, f"{code} names no field it reads"

    def test_docs_page_is_generated_from_the_registry(self) -> None:
        page = (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
        assert page == render(), "docs/rules.md is stale: run `python -m hoso_shared.validation.docs --write`"
        for code in RULES:
            assert f"`{code}`" in page
