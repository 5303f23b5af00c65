"""Vietnamese first, English available: every message a page can show has its English, and names sort as
Vietnamese readers expect."""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

from babel.messages.extract import extract_from_dir

from portal.i18n import catalog, name_key, nfc, vn_date

PACKAGE = Path(str(files("portal")))
METHODS = [("**/templates/**.html", "jinja2.ext:babel_extract"), ("**.py", "python")]
KEYWORDS = {"_": None, "gettext": None, "N_": None}


def test_every_message_has_its_english() -> None:
    """Every `_()` of a template and `N_()` of a page's Python is in the English catalogue, translated."""
    found = {message for _, _, message, _, _ in extract_from_dir(
        str(PACKAGE), METHODS, keywords=KEYWORDS, options_map={"**/templates/**.html": {"trimmed": "true"}})
        if isinstance(message, str)}
    english = catalog("en")
    missing = sorted(m for m in found if m not in english or not english[m].string)
    assert len(found) > 40 and missing == []


def test_names_sort_in_vietnamese_order() -> None:
    """By given name first, then family and middle names; đ after d, ư after u, and an unmarked letter before
    its tones (a, à, ả, ã, á, ạ)."""
    names = ["Trần Văn Đức", "Nguyễn Thị Dung", "Lê Văn Ánh", "Phạm Thu Anh", "Bùi Văn Ưng", "Đỗ Văn Uy",
             "Hoàng Thị Ạnh"]
    assert sorted(names, key=name_key) == ["Phạm Thu Anh", "Lê Văn Ánh", "Hoàng Thị Ạnh", "Nguyễn Thị Dung",
                                           "Trần Văn Đức", "Đỗ Văn Uy", "Bùi Văn Ưng"]


def test_dates_read_dd_mm_yyyy_and_input_is_nfc() -> None:
    assert vn_date("2026-02-13") == "13/02/2026" and vn_date("2026-11-27T17:30:00+00:00") == "28/11/2026 00:30"
    decomposed = "Nguye\u0302\u0303n"
    assert nfc(decomposed) == "Nguyễn" and len(nfc(decomposed)) == 6
