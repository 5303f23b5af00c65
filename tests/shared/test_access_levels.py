"""Degrees of access restriction as data (Quy chế Hà Nội 2024 Điều 4 khoản 3): defined once beside the form,
today's sensitive sets derived from them, every item and table justified in docs/access-levels.md with the level
the code gives it, and the role defaults keeping what each role read before."""

from __future__ import annotations

import fnmatch
import re
import uuid
from pathlib import Path

from hoso_shared.auth import Principal, Role, clearance_of, scopes_for_roles
from hoso_shared.form import ITEM_LEVELS, SECTION_LEVELS, SECTIONS, SENSITIVE_ITEMS, SENSITIVE_SECTIONS, access

DOC = Path(__file__).parents[2] / "docs" / "access-levels.md"
# What was sensitive before levels existed (sealed at rest): levels must not change it.
SENSITIVE_BEFORE = {
    "citizen_id", "citizen_id_issued_on", "phone", "social_insurance_no", "health_insurance_no", "party_joined_on",
    "party_official_on", "party_position", "party_concurrent_position", "health_status", "height_cm", "weight_kg",
    "blood_group", "arrest_history", "household_income_salary", "household_income_other", "housing", "land",
    "employer_assessment"}
SENSITIVE_TABLES_BEFORE = {"former-regime", "foreign-ties", "discipline", "family", "family-in-law"}


def test_sensitive_sets_are_levels_two_and_up_and_unchanged() -> None:
    assert set(SENSITIVE_ITEMS) == SENSITIVE_BEFORE == {k for k, v in ITEM_LEVELS.items() if v >= 2}
    assert set(SENSITIVE_SECTIONS) == SENSITIVE_TABLES_BEFORE == {k for k, v in SECTION_LEVELS.items() if v >= 2}
    assert set(SECTION_LEVELS) == set(SECTIONS)


def _doc_rows() -> list[tuple[list[str], int]]:
    rows = []
    for line in DOC.read_text().splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 4 and cells[2].isdigit():
            rows.append((re.findall(r"`([^`]+)`", cells[1]), int(cells[2])))
    return rows


def test_the_doc_table_gives_every_item_and_table_its_level() -> None:
    rows = _doc_rows()
    for name, level in {**ITEM_LEVELS, **SECTION_LEVELS}.items():
        found = {lvl for keys, lvl in rows if any(fnmatch.fnmatchcase(name, key) for key in keys)}
        assert found == {int(level)}, f"docs/access-levels.md: {name} is level {int(level)}, the doc says {found}"


def _principal(role: str) -> Principal:
    return Principal(subject=uuid.uuid4(), username="x", roles=frozenset({role}),
                     scopes=frozenset(scopes_for_roles([role])), org_unit_id=uuid.uuid4(), org_path="/a/")


def test_role_defaults_keep_todays_readers_of_sensitive_items() -> None:
    """Who read `profiles:sensitive` items before reads level 2 at least."""
    for role in Role:
        principal = _principal(role.value)
        if principal.has_scopes("profiles:sensitive"):
            assert clearance_of(principal) >= 2, role
    assert {r: clearance_of(_principal(r)) for r in ("doha_admin", "agency_admin", "approver", "hr_system")} == {
        "doha_admin": 3, "agency_admin": 3, "approver": 3, "hr_system": 1}


def test_masks_follow_the_levels() -> None:
    items = {"full_name": "A", "other_names": "B", "phone": "0900", "party_position": "C"}
    assert access.mask_items(items, 0) == {"full_name": "A"}
    assert access.mask_items(items, 2) == {"full_name": "A", "other_names": "B", "phone": "0900"}
    assert "party_position" in access.withheld(2) and "foreign-ties" in access.withheld(2)
    assert access.withheld(3) == []
