"""Checking one row of a bulk file on its own: cell types, the form's item types and code lists,
the category, the citizen ID's structure (DOMAIN §3) and dates that can't be. Every reason is
collected, each naming its column. Checks that need the database or the whole file (unit codes,
citizen IDs already stored or repeated) are the task's; the rows of the table sheets are `tables.py`'s.
Pure: no I/O.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date
from typing import Any, TypeGuard

from pydantic import ValidationError
from pydantic_core import ErrorDetails

from hoso_shared.codes import CITIZEN_ID_PROVINCES
from hoso_shared.crypto import FieldCipher
from hoso_shared.form import ProfileItems
from profile_api.bulk.columns import BY_KEY, CATEGORIES, CATEGORY_COLUMN, UNIT_COLUMN, cell_text
from profile_api.bulk.reasons import SEX, of_error, say

# Dates that record something that has happened (a salary or appointment date may be set ahead).
PAST_ONLY = ("birth_date", "citizen_id_issued_on", "first_recruited_on", "joined_agency_on", "party_joined_on",
             "party_official_on", "first_org_joined_on", "enlisted_on", "discharged_on")


@dataclass(slots=True)
class CheckedRow:
    number: int  # as the user sees it in the sheet (header = 1)
    unit_code: str | None
    category: str | None
    citizen_id: str | None  # the cell's text, to find repeats within the file
    items: dict[str, Any] | None = None  # the full, validated items (JSON mode) when the row is good so far
    citizen_id_hmac: bytes | None = None
    unit_id: uuid.UUID | None = None  # set by the task once the unit code is resolved
    reasons: list[str] = field(default_factory=list)
    sections: dict[str, list[dict[str, Any]]] = field(default_factory=dict)  # its rows of the table sheets

    def refuse(self, reason: str) -> None:
        self.reasons.append(reason)
        self.items = None


def check_row(number: int, cells: dict[str, Any], *, today: date, cipher: FieldCipher) -> CheckedRow:
    texts, reasons = _texts(cells)
    row = CheckedRow(number, texts.pop(UNIT_COLUMN, None), texts.pop(CATEGORY_COLUMN, None),
                     texts.get("citizen_id"), reasons=reasons)
    if row.unit_code is None:
        row.reasons.append(say(UNIT_COLUMN, "required"))
    if row.category is None:
        row.reasons.append(say(CATEGORY_COLUMN, "required"))
    elif row.category not in CATEGORIES:
        row.reasons.append(say(CATEGORY_COLUMN, "category", choices=", ".join(CATEGORIES)))
    unusable = {r.split(":", 1)[0] for r in reasons}
    try:
        items = ProfileItems.model_validate(_nest(texts)).model_dump(mode="json")
    except ValidationError as exc:
        items = None
        row.reasons += [r for e in exc.errors(include_url=False) if (r := reason_of(e)).split(":", 1)[0]
                        not in unusable]
    row.reasons += _date_checks(texts, today) + _citizen_id_checks(texts)
    if _twelve_digits(row.citizen_id):
        row.citizen_id_hmac = cipher.lookup_hash(row.citizen_id, field="citizen_id")
    row.items = items if not row.reasons else None
    return row


def _texts(cells: dict[str, Any]) -> tuple[dict[str, str], list[str]]:
    texts: dict[str, str] = {}
    reasons: list[str] = []
    for key, value in cells.items():
        text, reason = cell_text(BY_KEY[key], value)
        if reason:
            reasons.append(reason)
        elif text is not None:
            texts[key] = text
    return texts, reasons


def _nest(texts: dict[str, str]) -> dict[str, Any]:
    """Column texts to the ProfileItems shape: `birth_place.province` → {"birth_place": {"province": …}}."""
    data: dict[str, Any] = {}
    for key, text in texts.items():
        column = BY_KEY[key]
        if column.part is None:
            data[key] = text
        else:
            data.setdefault(column.item, {})[column.part] = text
    return data


def reason_of(error: ErrorDetails) -> str:
    return of_error(error)


def _date_checks(texts: dict[str, str], today: date) -> list[str]:
    reasons = []
    for key in PAST_ONLY:
        when = _date(texts.get(key))
        if when is not None and when > today:
            reasons.append(say(key, "future"))
    return reasons


def _twelve_digits(value: str | None) -> TypeGuard[str]:
    """A citizen ID's shape: 12 ASCII digits (str.isdigit() alone also takes "²" or "①", which int() refuses)."""
    return value is not None and len(value) == 12 and value.isascii() and value.isdigit()


def _citizen_id_checks(texts: dict[str, str]) -> list[str]:
    """Digits 1–3: birth-registration province; digit 4: century and sex; digits 5–6: birth year."""
    value, sex, birth = texts.get("citizen_id"), texts.get("sex"), _date(texts.get("birth_date"))
    if not _twelve_digits(value):
        return []
    reasons = []
    if value[:3] not in CITIZEN_ID_PROVINCES:
        reasons.append(say("citizen_id", "citizen-id-province"))
    digit = int(value[3])
    id_sex, id_year = ("M" if digit % 2 == 0 else "F"), 1900 + 100 * (digit // 2) + int(value[4:6])
    if sex in ("M", "F") and sex != id_sex:
        reasons.append(say("citizen_id", "citizen-id-sex", id_sex=SEX[id_sex], sex=SEX[sex]))
    if birth is not None and birth.year != id_year:
        reasons.append(say("citizen_id", "citizen-id-year", id_year=id_year, birth_year=birth.year))
    return reasons


def _date(text: str | None) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None
