"""Normal forms of free text, names, phone numbers, e-mail addresses and dates: pure functions that the
Sạch rules offer as fixes. Each is idempotent (`n(n(x)) == n(x)`, checked with hypothesis), so a fix
applied twice changes nothing, and a value equal to its normal form is clean.

- text: Unicode NFC, whitespace runs collapsed to one space, trimmed (`normalise_multiline` keeps
  line breaks, at most one blank line in a row, for long text such as the employer's assessment);
- name: text, then each word with its first letter upper-case and the rest lower-case (Vietnamese
  letters included: "đỗ thị ĐÀO" → "Đỗ Thị Đào"); a letter whose case changes its length (ß → SS,
  İ → i̇) keeps its case, so the result is stable;
- phone: digits only, the +84 / 0084 / 84… country prefix turned into the national 0;
- e-mail: trimmed, NFC, the domain in lower case (the local part is the mailbox owner's);
- date: "dd/mm/yyyy" (also with "." or "-") turned into ISO "yyyy-mm-dd"; anything else is returned
  as cleaned text, unchanged otherwise.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from functools import lru_cache
from typing import Any

_NOT_PHONE = re.compile(r"[^0-9+]")
_NOT_DIGIT = re.compile(r"[^0-9]")
_ISO_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
_DMY_DATE = re.compile(r"^([0-9]{1,2})[/.-]([0-9]{1,2})[/.-]([0-9]{4})$")
PLACE_PARTS = ("detail", "commune", "district", "province")


def nfc(text: str) -> str:
    """Unicode NFC: precomposed letters ("ế" as one code point, not "e" + two combining marks)."""
    if text.isascii() or unicodedata.is_normalized("NFC", text):
        return text
    return unicodedata.normalize("NFC", text)


def normalise_text(text: str) -> str:
    """NFC, every whitespace run (tabs, line breaks, no-break spaces) as one space, trimmed."""
    return " ".join(nfc(text).split())


def normalise_multiline(text: str) -> str:
    """Like `normalise_text` line by line, keeping paragraphs: no blank line at either end and at most
    one blank line in a row."""
    lines: list[str] = []
    for raw in nfc(text).splitlines():
        line = " ".join(raw.split())
        if line or (lines and lines[-1]):
            lines.append(line)
    while lines and not lines[-1]:
        lines.pop()
    return "\n".join(lines)


@lru_cache(maxsize=4096)
def _upper(char: str) -> str:
    mapped = char.upper()
    return mapped if len(mapped) == 1 else char


@lru_cache(maxsize=4096)
def _lower(char: str) -> str:
    mapped = char.lower()
    return mapped if len(mapped) == 1 else char


def _capitalise(word: str) -> str:
    for i, char in enumerate(word):
        if char.isalpha():
            rest = word[i + 1:]
            rest = rest.lower() if rest.isascii() else "".join(map(_lower, rest))
            return word[:i] + _upper(char) + rest
    return word


def normalise_name(text: str) -> str:
    """A person's name: clean text, each word capitalised ("NGUYỄN văn  an" → "Nguyễn Văn An")."""
    return nfc(" ".join(_capitalise(word) for word in normalise_text(text).split(" ")))


def name_key(text: str) -> str:
    """A name folded for comparison: normalised, then case-folded (and NFC again: folding "ǰ" decomposes it)."""
    return nfc(normalise_name(text).casefold())


def normalise_phone(text: str) -> str:
    """Digits only; an international Vietnamese number (+84, 0084, or 11 digits from 84) in national form
    with its leading 0 ("+84 (0)912 345 678" → "0912345678")."""
    compact = _NOT_PHONE.sub("", text)
    digits = _NOT_DIGIT.sub("", compact)
    if compact.startswith("+84"):
        return "0" + digits[2:].lstrip("0")
    if digits.startswith("0084"):
        return "0" + digits[4:].lstrip("0")
    if len(digits) == 11 and digits.startswith("84"):
        return "0" + digits[2:].lstrip("0")
    return digits


def normalise_email(text: str) -> str:
    """Trimmed, NFC, the domain (after the last "@") in lower case."""
    cleaned = nfc(text).strip()
    local, at, domain = cleaned.rpartition("@")
    if not at:
        return cleaned
    return nfc(f"{local}@{domain.lower()}").strip()


def normalise_date(text: str) -> str:
    """ISO "yyyy-mm-dd" from "dd/mm/yyyy" ("d/m/yyyy", "dd.mm.yyyy", "dd-mm-yyyy"); other text cleaned."""
    cleaned = normalise_text(text)
    if _ISO_DATE.match(cleaned):
        return cleaned
    match = _DMY_DATE.match(cleaned)
    if match is None:
        return cleaned
    day, month, year = (int(part) for part in match.groups())
    try:
        return date(year, month, day).isoformat()
    except ValueError:
        return cleaned


def place_text(place: Any) -> str | None:
    """A place of the form ({detail, commune, district, province}) as one line, or a string as cleaned
    text; None when empty."""
    if isinstance(place, str):
        return normalise_text(place) or None
    if not isinstance(place, dict):
        return None
    parts = [normalise_text(part) for key in PLACE_PARTS if isinstance(part := place.get(key), str)]
    return ", ".join(part for part in parts if part) or None
