"""Every reason the importer gives for a bad row is Vietnamese first (issue 16, item 6): each has a stable code with a
Vietnamese message in `profile_api.bulk.reasons`, every place that refuses a row names one of those codes, and the
reasons a file full of defects gets are all of those messages — none of pydantic's English."""

from __future__ import annotations

import ast
import re
import string
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

import profile_api.bulk
from profile_api.bulk import reasons, tables
from profile_api.bulk.columns import BY_KEY, cell_text
from profile_api.bulk.rows import check_row
from tests.factories import CIPHER
from tests.profile_api.bulk.helpers import People

TODAY = date(2026, 11, 23)
VIETNAMESE = re.compile(r"[àáảãạăắằẳẵặâấầẩẫậđèéẻẽẹêếềểễệìíỉĩịòóỏõọôốồổỗộơớờởỡợùúủũụưứừửữựỳýỷỹỵ]")
BULK = Path(profile_api.bulk.__file__).parent
# The modules that refuse rows (reasons.py itself only forwards codes it is given).
REFUSERS = ("columns.py", "rows.py", "tables.py", "scan.py", "cpu.py", "tasks.py", "store.py", "jobs.py")


def _pattern(template: str) -> str:
    return "".join(re.escape(text) + (".+" if field is not None else "")
                   for text, field, _, _ in string.Formatter().parse(template))


MESSAGE = re.compile("|".join(f"(?:{_pattern(m)})" for m in reasons.MESSAGES.values()))


def _vietnamese(reason: str) -> bool:
    """`<column>: <one of the catalogue's messages>`."""
    column, sep, message = reason.partition(": ")
    return bool(sep and column and MESSAGE.fullmatch(message))


def _codes_used() -> set[str]:
    """The code of every `say(column, "<code>", …)` in the importer's modules."""
    found = set()
    for module in (BULK / name for name in REFUSERS):
        for node in ast.walk(ast.parse(module.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "say"
                    and len(node.args) >= 2):
                code = node.args[1]
                assert isinstance(code, ast.Constant) and isinstance(code.value, str), \
                    f"{module.name}:{node.lineno}: a reason's code is a literal"
                found.add(code.value)
    return found


class TestCatalogue:
    @pytest.mark.parametrize("code", sorted(reasons.MESSAGES))
    def test_every_code_has_a_vietnamese_message(self, code: str) -> None:
        message = reasons.MESSAGES[code]
        fields = {field for _, field, _, _ in string.Formatter().parse(message) if field}
        rendered = message.format(**dict.fromkeys(fields, "X"))
        assert VIETNAMESE.search(rendered), (code, rendered)
        assert _vietnamese(f"cột: {rendered}")

    def test_every_code_the_importer_uses_is_in_the_catalogue(self) -> None:
        used = _codes_used()
        assert used and used <= set(reasons.MESSAGES), used - set(reasons.MESSAGES)
        mapped = {code for code, _ in reasons._BY_TYPE.values()}
        assert mapped <= set(reasons.MESSAGES)

    def test_no_english_reason_is_left_in_the_importer(self) -> None:
        """The words of the reasons the importer used to write by hand (and pydantic's) appear nowhere in it."""
        english = ("already exists", "in your subtree", "is in the future", "must be exactly", "not a valid date",
                   "the cell holds", "was closed on", "is also on row", "must be one of", "String should",
                   "Input should")
        for module in (BULK / name for name in REFUSERS):
            text = module.read_text(encoding="utf-8")
            assert not [w for w in english if w in text], module.name


class TestEmitted:
    def test_a_row_full_of_defects_is_refused_in_vietnamese(self) -> None:
        good = {**People(31).person("U.1"), "party_joined_on": None}
        rows = [
            {**good, "org_unit_code": None, "category": "x", "full_name": " ", "sex": "M", "birth_date": 19850517,
             "citizen_id": 1085012345, "phone": "abc", "general_education": date(2012, 12, 1),
             "salary_coefficient": "2.345", "first_recruited_on": "2027-01-01"},
            {**good, "category": None, "ethnicity_code": "99", "rank_code": "zz", "religion_code": "7",
             "full_name": "x" * 500, "salary_coefficient": "abc", "citizen_id": "0011850123"},
            {**good, "citizen_id": "000185012345", "sex": "M", "birth_date": date(1986, 5, 17)},
            {**good, "full_name": True, "birth_date": "2027-02-30"},
        ]
        found = [r for cells in rows for r in check_row(2, cells, today=TODAY, cipher=CIPHER).reasons]
        assert len(found) >= 15
        assert [r for r in found if not _vietnamese(r)] == []

    def test_cells_and_table_rows_are_refused_in_vietnamese(self) -> None:
        column = BY_KEY["birth_date"]
        found = [cell_text(column, "hôm qua")[1], cell_text(BY_KEY["citizen_id"], Decimal(1))[1],
                 cell_text(BY_KEY["full_name"], False)[1]]
        table = tables.BY_SECTION["work-history"]
        texts, why = tables.cell_texts(table, {"from_date": "13/2015", "unit": "x" * 5000})
        found += tables.check_row(table, 3, texts, why)[1]
        found = [r.split("].", 1)[-1] if r and "]." in r else r for r in found]
        assert None not in found and [r for r in found if not _vietnamese(str(r))] == []
