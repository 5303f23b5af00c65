"""Vietnamese first, English available. Templates are written in Vietnamese (the msgids); the English catalogue
(`locale/en/LC_MESSAGES/messages.po`, Babel's format) translates them and is read at start, no compile step. One
Jinja environment per language, so a request never changes another's translations. Dates show as dd/mm/yyyy,
names sort in Vietnamese alphabetical order, and every input is normalised to NFC."""

from __future__ import annotations

import io
import unicodedata
from collections.abc import Callable, Iterable
from datetime import date, datetime
from importlib.resources import files
from typing import Any

from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations
from jinja2 import Environment, PackageLoader, select_autoescape

from hoso_shared.time import ZONE

LANGUAGES = ("vi", "en")
# The Vietnamese alphabet's letters in order; a letter's tone mark sorts after its base letter.
ALPHABET = "aăâbcdđeêghiklmnoôơpqrstuưvxy"
_RANK = {ch: i for i, ch in enumerate(ALPHABET)}
TONES = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}  # huyền, hỏi, ngã, sắc, nặng


def N_(message: str) -> str:
    """Marks a Vietnamese message written in Python for translation; templates translate it when shown
    (`{{ _(message) }}`), and tests/portal/test_i18n.py finds it in the catalogue."""
    return message


def nfc(value: str) -> str:
    return unicodedata.normalize("NFC", value)


def _letters(word: str) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """(letter ranks, tones): a word's primary and secondary sort keys."""
    ranks: list[tuple[int, int]] = []
    tones: list[int] = []
    for ch in unicodedata.normalize("NFD", word.lower()):
        if ch in TONES:
            tones[-1:] = [TONES[ch]]
            continue
        if unicodedata.combining(ch):  # breve, circumflex, horn: part of the letter
            base = unicodedata.normalize("NFC", chr(ranks[-1][1]) + ch) if ranks else ch
            if ranks and base in _RANK:
                ranks[-1] = (_RANK[base], ord(base))
            continue
        ranks.append((_RANK.get(ch, 100 + ord(ch)), ord(ch)))
        tones.append(0)
    return tuple(r for r, _ in ranks), tuple(tones)


def name_key(full_name: str) -> tuple[Any, ...]:
    """Vietnamese order of people's names: by given name (the last word), then the rest from the family name,
    each letter in the Vietnamese alphabet (đ after d, ư after u …) before its tone marks."""
    words = nfc(full_name).split()
    ordered = words[-1:] + words[:-1]
    return tuple(_letters(w) for w in ordered)  # each word whole (letters, then tones) before the next


def sort_by_name(rows: Iterable[Any], name: Callable[[Any], str]) -> list[Any]:
    return sorted(rows, key=lambda row: name_key(name(row)))


def vn_date(value: date | datetime | str | None) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        value = datetime.fromisoformat(value) if "T" in value else date.fromisoformat(value)
    if isinstance(value, datetime):
        local = value.astimezone(ZONE) if value.tzinfo else value
        return local.strftime("%d/%m/%Y %H:%M")
    return value.strftime("%d/%m/%Y")


def catalog(lang: str) -> Catalog:
    """Every `.po` file of the language's folder, one per feature (messages.po, record.po, inbox.po …), merged."""
    merged = Catalog(locale=lang)
    folder = files("portal").joinpath(f"locale/{lang}/LC_MESSAGES")
    for source in sorted((f for f in folder.iterdir() if f.name.endswith(".po")), key=lambda f: f.name):
        with source.open("rb") as po:
            for message in read_po(po, locale=lang):
                if message.id:
                    merged[message.id] = message
    return merged


def _translations(lang: str) -> NullTranslations:
    if lang == "vi":
        return NullTranslations()
    compiled = io.BytesIO()
    write_mo(compiled, catalog(lang))
    compiled.seek(0)
    return Translations(fp=compiled)


def environments() -> dict[str, Environment]:
    made = {}
    for lang in LANGUAGES:
        env = Environment(loader=PackageLoader("portal", "templates"), autoescape=select_autoescape(),
                          extensions=["jinja2.ext.i18n"], trim_blocks=True, lstrip_blocks=True)
        env.install_gettext_translations(_translations(lang), newstyle=True)  # type: ignore[attr-defined]
        env.filters["vn_date"] = vn_date
        env.globals["lang"] = lang
        made[lang] = env
    return made


def pick_language(requested: str | None, accept: str | None, default: str) -> str:
    if requested in LANGUAGES:
        return requested
    for part in (accept or "").split(","):
        code = part.split(";")[0].strip().lower()[:2]
        if code in LANGUAGES:
            return code
    return default
