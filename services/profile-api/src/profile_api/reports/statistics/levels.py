"""Levels the statistics count by, read from free text: the highest qualification (item 20) and the
awards of the political-theory (32.2) and state-management (32.3) training tables. The form leaves
these as text, so each level is a list of words people write for it (DOMAIN §1.3–1.4: "TSKH, TS,
Ths, cử nhân, kỹ sư, cao đẳng, trung cấp, sơ cấp"; "Cao cấp, trung cấp, sơ cấp"; "Chuyên viên cao
cấp, chuyên viên chính, chuyên viên, cán sự"). Pure: no I/O.

Each table is ordered highest first: a text naming two levels counts as the higher one, and of a
person's several trainings the highest counts. Set text that names no level is OTHER; none is NONE."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

OTHER, NONE = "other", "none"
Levels = tuple[tuple[str, re.Pattern[str]], ...]


def _words(*alternatives: str) -> re.Pattern[str]:
    return re.compile(r"\b(?:" + "|".join(alternatives) + r")\b")


QUALIFICATION: Levels = (
    ("tien_si", _words("tien si", "tskh", "ts", "pts")),  # "tiến sĩ khoa học", "phó tiến sĩ" included
    ("thac_si", _words("thac si", "ths")),
    ("dai_hoc", _words("dai hoc", "cu nhan", "ky su", "bac si", "duoc si", "kien truc su")),
    ("cao_dang", _words("cao dang")),
    ("trung_cap", _words("trung cap", "trung hoc chuyen nghiep")),
    ("so_cap", _words("so cap")),
)
# A bachelor's degree in political theory (Cử nhân chính trị) ranks with Cao cấp.
POLITICAL_THEORY: Levels = (
    ("cao_cap", _words("cao cap", "cu nhan")),
    ("trung_cap", _words("trung cap")),
    ("so_cap", _words("so cap")),
)
STATE_MANAGEMENT: Levels = (
    ("chuyen_vien_cao_cap", _words("chuyen vien cao cap", "cvcc")),
    ("chuyen_vien_chinh", _words("chuyen vien chinh", "cvc")),
    ("chuyen_vien", _words("chuyen vien", "cv")),
    ("can_su", _words("can su")),
)


def keys(levels: Levels) -> tuple[str, ...]:
    """Every key a dimension can take, in report order."""
    return (*(name for name, _ in levels), OTHER, NONE)


def plain(text: str) -> str:
    """Lower case, no diacritics, punctuation as spaces: "ThS. Quản lý" → "ths quan ly"."""
    text = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    text = "".join(c for c in text if unicodedata.category(c) != "Mn").lower()
    return " ".join(re.sub(r"[^a-z0-9]+", " ", text).split())


def level_of(text: str | None, levels: Levels) -> str:
    if text is None or not text.strip():
        return NONE
    words = plain(text)
    return next((name for name, pattern in levels if pattern.search(words)), OTHER)


def highest(texts: Iterable[str | None], levels: Levels) -> str:
    """The highest level among several texts (NONE when there is none, OTHER when none is recognised)."""
    order = keys(levels)
    found = [level_of(text, levels) for text in texts]
    return min(found, key=order.index, default=NONE)
