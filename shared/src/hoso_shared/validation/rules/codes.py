"""Đúng: values that must come from a code list (DOMAIN §4.1 dân tộc, §4.2 tôn giáo, §5.2 ngạch).

Province names in the places (birth place, home town, residence) are free text: see places.py.
When a value is a name or an unpadded number that maps to exactly one code ("Kinh", "Tày", "1"), the
finding carries that code as a `Fix`. Names match case-, accent-, space- and hyphen-insensitively
(DOMAIN §4.1: "Ba na"/"Ba-na", "Gié Triêng"/"Giẻ-Triêng", "H'Mông"/"Mông")."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Iterator
from typing import Any

from hoso_shared.codes import ETHNICITIES, RANKS, RELIGIONS
from hoso_shared.codes.table import CodeTable
from hoso_shared.validation.context import Context
from hoso_shared.validation.model import Criterion, Fix, Hit, Record, Severity
from hoso_shared.validation.registry import rule
from hoso_shared.validation.rules.dates import cell, rows

ITEM_30_1 = ("mục 30.1", "item 30.1")


def fold(text: str) -> str:
    """A name reduced to its bare letters: lower case, no accents, no spaces, hyphens or apostrophes."""
    decomposed = unicodedata.normalize("NFD", text.casefold().replace("đ", "d"))
    return "".join(ch for ch in decomposed if ch.isalnum() and not unicodedata.combining(ch))


def _names(table: CodeTable, aliases: dict[str, str]) -> dict[str, str]:
    """Folded name → code; a folded name shared by two codes is dropped (no guessing)."""
    seen: dict[str, set[str]] = {}
    for entry in table:
        seen.setdefault(fold(entry.name), set()).add(entry.code)
    for alias, code in aliases.items():
        seen.setdefault(fold(alias), set()).add(code)
    return {name: next(iter(codes)) for name, codes in seen.items() if len(codes) == 1}


ETHNIC_CODES = frozenset(ETHNICITIES.codes())
EXTENSIONS = {e.code: e.name for e in ETHNICITIES if e.extra.get("extension")}
EXTENSIONS_EN = {"55": "foreign national", "56": "unknown"}
ETHNIC_NAMES = _names(ETHNICITIES, {"Việt": "01", "Hán": "04", "Khmer": "05", "HMông": "08", "Raglay": "21",
                                    "Vân Kiều": "23", "Cờ Lao": "47"})
RELIGION_CODES = frozenset(RELIGIONS.codes())
RELIGION_NAMES = _names(RELIGIONS, {"Thiên Chúa giáo": "02", "Đạo Phật": "01", "Đạo Tin Lành": "03",
                                    "Hòa Hảo": "05", "Đạo Cao Đài": "04"})
RANK_CODES = frozenset(RANKS.codes())


def suggest(value: Any, codes: frozenset[str], names: dict[str, str]) -> str | None:
    """The one code a wrong value evidently means, or None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int) or (isinstance(value, str) and value.strip().isascii() and value.strip().isdigit()):
        code = f"{int(value):02d}"
        return code if code in codes else None
    return names.get(fold(value)) if isinstance(value, str) else None


def _unlisted(value: Any, codes: frozenset[str]) -> bool:
    """Present and not a code of the list (absent values are the Đủ rules' business)."""
    if value.__class__ is str:
        return value != "" and value not in codes
    return value is not None


def _coded(field: str, value: Any, codes: frozenset[str], names: dict[str, str]) -> tuple[Hit, ...]:
    if not _unlisted(value, codes):
        return ()
    code = suggest(value, codes, names)
    return (Hit(field, {"value": value}, None if code is None else Fix(field, code)),)


@rule("DUNG-DANTOC-001", Criterion.DUNG, Severity.ERROR, reads=["ethnicity_code"],
      vi="Mã dân tộc “{value}” không có trong Danh mục các dân tộc Việt Nam (QĐ 121-TCTK/PPCĐ).",
      en="Ethnicity code “{value}” is not in the list of Vietnam's ethnic groups (QĐ 121-TCTK/PPCĐ).")
def _ethnicity(record: Record, _: Context) -> Iterable[Hit]:
    return _coded("ethnicity_code", (record.get("items") or {}).get("ethnicity_code"), ETHNIC_CODES, ETHNIC_NAMES)


@rule("DUNG-DANTOC-002", Criterion.DUNG, Severity.WARNING, reads=["ethnicity_code"],
      vi="Mã dân tộc {value} (“{name_vi}”) là mã mở rộng, không thuộc 54 dân tộc trong danh mục; cần xác minh lại.",
      en="Ethnicity code {value} (“{name_en}”) is an extension outside the 54 listed groups; verify it.")
def _ethnicity_extension(record: Record, _: Context) -> Iterator[Hit]:
    value = (record.get("items") or {}).get("ethnicity_code")
    if isinstance(value, str) and value in EXTENSIONS:
        yield Hit("ethnicity_code", {"value": value, "name_vi": EXTENSIONS[value],
                                     "name_en": EXTENSIONS_EN.get(value, EXTENSIONS[value])})


@rule("DUNG-TONGIAO-001", Criterion.DUNG, Severity.ERROR, reads=["religion_code"],
      vi="Mã tôn giáo “{value}” không có trong danh mục tôn giáo.",
      en="Religion code “{value}” is not in the religion code list.")
def _religion(record: Record, _: Context) -> Iterable[Hit]:
    return _coded("religion_code", (record.get("items") or {}).get("religion_code"), RELIGION_CODES, RELIGION_NAMES)


@rule("DUNG-NGACH-001", Criterion.DUNG, Severity.ERROR, reads=["rank_code", "salary-history.rank_code"],
      vi="Mã ngạch “{value}” ({where_vi}) không có trong danh mục ngạch, chức danh nghề nghiệp.",
      en="Rank code “{value}” ({where_en}) is not in the list of ranks and professional titles.")
def _rank(record: Record, _: Context) -> Iterator[Hit]:
    value = (record.get("items") or {}).get("rank_code")
    if _unlisted(value, RANK_CODES):
        yield Hit("rank_code", {"value": value, "where_vi": ITEM_30_1[0], "where_en": ITEM_30_1[1]})
    for i, row in enumerate(rows(record, "salary-history")):
        value = row.get("rank_code") if row.__class__ is dict else None
        if _unlisted(value, RANK_CODES):
            where_vi, where_en = cell("salary-history", i)
            yield Hit(f"salary-history[{i}].rank_code", {"value": value, "where_vi": where_vi, "where_en": where_en})
