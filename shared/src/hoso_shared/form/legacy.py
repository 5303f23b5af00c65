"""Records kept on the older forms — Mẫu 2C-BNV/2008 and Mẫu 2C/TCTW-98 (DOMAIN §1.2–1.3) — mapped
into the TT 06/2023 model. A legacy record is a dict keyed by the old form's item numbers; names in
code-listed items (ethnicity, religion) are matched to codes accent- and hyphen-insensitively.

What the old forms have and the new one does not (hộ khẩu, free-text awards/discipline summaries)
is kept under `legacy_notes` so nothing typed by HR is lost."""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from typing import Any

from hoso_shared.codes import ETHNICITIES, RELIGIONS
from hoso_shared.codes.table import CodeTable

# Old form → {old item number: new item key}. Items needing conversion are handled below by name.
DIRECT: dict[str, dict[str, str]] = {
    "2c-bnv-2008": {"2": "other_names", "10": "occupation_before_recruitment", "12": "current_position",
                    "13": "main_duties", "15.1": "general_education", "15.2": "highest_qualification",
                    "19": "state_honorary_title", "20": "strengths", "24": "policy_category",
                    "26": "social_insurance_no", "32": "employer_assessment"},
    "2c-tctw-98": {"2": "other_names", "10": "family_origin", "11": "occupation_before_recruitment",
                   "18": "main_duties", "20": "state_honorary_title", "21": "strengths"},
}
# Old form → item numbers of: birth date+sex, birth place, home town, ethnicity, religion, residence,
# recruitment {date, body}, party {joined, official}, army {enlisted, discharged, rank}, health, ID.
NUMBERED: dict[str, dict[str, str]] = {
    "2c-bnv-2008": {"born": "3", "birth_place": "4", "home_town": "5", "ethnicity": "6", "religion": "7",
                    "residence": "9", "recruited": "11", "party": "16", "army": "18", "health": "23", "id": "25",
                    "salary": "14", "training": "27", "work": "28", "family": "30", "salary_history": "31",
                    "notes": "8 21 22 29"},
    "2c-tctw-98": {"born": "4", "birth_place": "5", "home_town": "6", "ethnicity": "8", "religion": "9",
                   "residence": "7", "recruited": "12", "party": "14", "army": "16", "health": "24", "id": "25",
                   "salary": "19", "training": "26", "work": "27", "family": "30", "salary_history": "31",
                   "notes": "3 13 22 23 28 29"},
}
FORMS = frozenset(NUMBERED)


class LegacyRecordError(ValueError):
    """The legacy record cannot be mapped; the message says which item and why."""


def fold(text: str) -> str:
    """Lower-case, no diacritics, no hyphens or spaces: 'Ba‑na' = 'Ba na' = 'bana'."""
    text = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    text = "".join(c for c in text if unicodedata.category(c) != "Mn")
    return re.sub(r"[\s\-‐‑–']", "", text.lower())


def code_for(table: CodeTable, name: str, item: str) -> str:
    wanted = fold(name)
    for entry in table:
        if fold(entry.name) == wanted or fold(entry.name).startswith(wanted + "(") or wanted == entry.code:
            return entry.code
    raise LegacyRecordError(f"item {item}: {name!r} is not in the {table.name} list")


def parse_date(value: str, item: str) -> str:
    match = re.fullmatch(r"\s*(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})\s*", value) or None
    if match is None:
        raise LegacyRecordError(f"item {item}: {value!r} is not a date dd/mm/yyyy")
    day, month, year = (int(g) for g in match.groups())
    try:
        return date(year, month, day).isoformat()
    except ValueError as exc:
        raise LegacyRecordError(f"item {item}: {value!r} is not a real date") from exc


def title_case(name: str) -> str:
    """'NGUYỄN VĂN AN' (the old forms ask for capitals) → 'Nguyễn Văn An'."""
    return " ".join(w[:1].upper() + w[1:].lower() for w in name.split())


def _place(text: str | None) -> dict[str, str] | None:
    if not text:
        return None
    parts = [p.strip() for p in text.split(",") if p.strip()]
    keys = ["commune", "district", "province"][-len(parts):] if len(parts) <= 3 else ["detail"]
    return dict(zip(keys, parts if len(parts) <= 3 else [text], strict=True))


def _sex(value: str) -> str:
    folded = fold(value)
    if folded in ("nam", "m"):
        return "M"
    if folded in ("nu", "f"):
        return "F"
    raise LegacyRecordError(f"sex {value!r} is neither Nam nor Nữ")


def _items(form: str, rec: dict[str, Any], citizen_id: str) -> dict[str, Any]:
    n = NUMBERED[form]
    born = rec.get(n["born"]) or {}
    items: dict[str, Any] = {new: rec[old] for old, new in DIRECT[form].items() if rec.get(old)}
    items |= {"full_name": title_case(str(rec.get("1", ""))), "sex": _sex(str(born.get("sex", ""))),
              "birth_date": parse_date(str(born.get("date", "")), n["born"]), "citizen_id": citizen_id}
    for key in ("birth_place", "home_town", "residence"):
        if (place := _place(rec.get(n[key]))) is not None:
            items[key] = place
    if rec.get(n["ethnicity"]):
        items["ethnicity_code"] = code_for(ETHNICITIES, rec[n["ethnicity"]], n["ethnicity"])
    if rec.get(n["religion"]):
        items["religion_code"] = code_for(RELIGIONS, rec[n["religion"]], n["religion"])
    dated = {"recruited": {"date": "first_recruited_on", "body": "recruiting_body"},
             "party": {"joined": "party_joined_on", "official": "party_official_on"},
             "army": {"enlisted": "enlisted_on", "discharged": "discharged_on", "rank": "highest_military_rank"}}
    for group, fields in dated.items():
        for old, new in fields.items():
            value = (rec.get(n[group]) or {}).get(old)
            if value:
                items[new] = parse_date(value, n[group]) if new.endswith("_on") else value
    salary = rec.get(n["salary"]) or {}
    items |= {k: v for k, v in {"rank_code": salary.get("rank_code"), "salary_step": salary.get("step"),
                                "salary_coefficient": salary.get("coefficient")}.items() if v}
    health = rec.get(n["health"]) or {}
    items |= {k: v for k, v in {"health_status": health.get("status"), "height_cm": health.get("height"),
                                "weight_kg": health.get("weight"), "blood_group": health.get("blood")}.items() if v}
    return items


def _period(row: dict[str, Any], item: str) -> dict[str, Any]:
    def month(value: str | None) -> str | None:
        return parse_date(f"01/{value}", item) if value else None

    return {"from_date": month(row.get("from")), "to_date": month(row.get("to"))}


def _sections(form: str, rec: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    n = NUMBERED[form]
    training = [{**_period(r, n["training"]), "institution": r["institution"], "field_of_study": r.get("major"),
                 "mode": r.get("mode"), "award": r.get("award")} for r in rec.get(n["training"], [])]
    work = [{**_period(r, n["work"]), "unit": r["description"]} for r in rec.get(n["work"], [])]
    family = rec.get(n["family"]) or {}
    relatives = {side: [{"relation": r["relation"], "full_name": r["full_name"], "birth_year": r.get("birth_year"),
                         "details": r.get("details")} for r in family.get(key, [])]
                 for side, key in (("family", "a"), ("family-in-law", "b"))}
    salary = [{**_period(r, n["salary_history"]), "rank_code": r.get("rank_code"), "salary_step": r.get("step"),
               "coefficient": r.get("coefficient")} for r in rec.get(n["salary_history"], [])]
    tables = {"training-professional": training, "work-history": work, **relatives, "salary-history": salary}
    return {name: [{k: v for k, v in row.items() if v is not None} for row in rows]
            for name, rows in tables.items() if rows}


def from_legacy(form: str, rec: dict[str, Any], *, citizen_id: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """(items, sections) for the TT 06/2023 model. The 12-digit personal ID must be given: the old
    forms carry at most a 9-digit CMND, which is kept in `legacy_notes`."""
    if form not in FORMS:
        raise LegacyRecordError(f"unknown legacy form {form!r}; known: {', '.join(sorted(FORMS))}")
    try:
        items = _items(form, rec, citizen_id)
        notes = {f"{form}:{k}": rec[k] for k in NUMBERED[form]["notes"].split() if rec.get(k)}
        old_id = (rec.get(NUMBERED[form]["id"]) or {}).get("cmnd")
        if old_id:
            notes[f"{form}:cmnd"] = old_id
        if notes:
            items["legacy_notes"] = notes
        return items, _sections(form, rec)
    except (TypeError, AttributeError, KeyError, ValueError, IndexError) as exc:
        # A numbered item of the wrong shape (a string where the form has a group, …): the sender's error.
        raise LegacyRecordError(f"the {form} record has an item of the wrong shape ({type(exc).__name__}: {exc})"
                                ) from None
