"""The whole record (items + sections) in and out of storage: columns for what is indexed, JSONB
for the rest, AES-GCM for the sensitive part. Versions are sealed snapshots of the whole record."""

from __future__ import annotations

import hashlib
import uuid
from datetime import date
from typing import Any

from hoso_shared.canonical import canonical
from hoso_shared.crypto import FieldCipher, open_json, seal_json
from hoso_shared.db.models import Profile, ProfileSectionRow
from hoso_shared.form import COLUMN_ITEMS, SECTIONS, SENSITIVE_ITEMS, SENSITIVE_SECTIONS

Record = dict[str, Any]  # {"items": {...}, "sections": {name: [row, …]}, "org_unit_id", "category", "status"}


def split_items(items: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    """(column values, clear JSONB data, sensitive data) from a full item dict (JSON-mode values)."""
    columns = {k: items.get(k) for k in COLUMN_ITEMS}
    data = {k: v for k, v in items.items() if k not in COLUMN_ITEMS and k not in SENSITIVE_ITEMS and v is not None}
    sensitive = {k: v for k, v in items.items()
                 if k in SENSITIVE_ITEMS and k not in COLUMN_ITEMS and v is not None}
    return columns, data, sensitive


def apply_items(profile: Profile, items: dict[str, Any], cipher: FieldCipher) -> None:
    """Writes a full, validated item dict (JSON mode) onto the row. Everything sealed on the row is
    sealed again under the current key, so one `key_id` describes the whole row."""
    columns, data, sensitive = split_items(items)
    profile.full_name, profile.sex, profile.rank_code = columns["full_name"], columns["sex"], columns["rank_code"]
    profile.birth_date = date.fromisoformat(columns["birth_date"])
    profile.data = data
    profile.citizen_id_enc, profile.key_id = cipher.encrypt(columns["citizen_id"], field="citizen_id")
    profile.citizen_id_hmac = cipher.lookup_hash(columns["citizen_id"], field="citizen_id")
    profile.sensitive_enc = seal_json(cipher, sensitive, field="profile_sensitive")[0] if sensitive else None


def read_items(profile: Profile, cipher: FieldCipher, *, sensitive: bool) -> dict[str, Any]:
    items: dict[str, Any] = {
        "full_name": profile.full_name, "sex": profile.sex, "birth_date": profile.birth_date.isoformat(),
        "rank_code": profile.rank_code, **profile.data,
    }
    if sensitive:
        items["citizen_id"] = cipher.decrypt(profile.citizen_id_enc, profile.key_id, field="citizen_id")
        if profile.sensitive_enc is not None:
            items.update(open_sensitive(profile.sensitive_enc, profile.key_id, cipher))
    return items


def open_sensitive(sealed: bytes, key_id: str, cipher: FieldCipher) -> dict[str, Any]:
    """The sensitive items sealed on a row (`profiles.sensitive_enc`), for a reader that needs only them."""
    opened: dict[str, Any] = open_json(cipher, sealed, key_id, field="profile_sensitive")
    return opened


def section_rows(profile_id: uuid.UUID, sections: dict[str, list[dict[str, Any]]],
                 cipher: FieldCipher) -> list[ProfileSectionRow]:
    rows: list[ProfileSectionRow] = []
    for name, entries in sections.items():
        for position, entry in enumerate(entries):
            row_id = uuid.UUID(entry["id"]) if entry.get("id") else uuid.uuid4()
            content = {k: v for k, v in entry.items() if k != "id" and v is not None}
            row = ProfileSectionRow(id=row_id, profile_id=profile_id, section=name, position=position)
            if name in SENSITIVE_SECTIONS:
                row.data_enc, row.key_id = seal_json(cipher, content, field=f"section:{name}")
            else:
                row.data = content
            rows.append(row)
    return rows


def read_sections(rows: list[ProfileSectionRow], cipher: FieldCipher, *,
                  sensitive: bool) -> dict[str, list[dict[str, Any]]]:
    return read_section_values([(r.id, r.section, r.position, r.data, r.data_enc, r.key_id) for r in rows],
                               cipher, sensitive=sensitive)


SectionValues = tuple[Any, str, int, dict[str, Any] | None, bytes | None, str | None]  # id, section, position, …


def read_section_values(rows: list[SectionValues], cipher: FieldCipher, *,
                        sensitive: bool) -> dict[str, list[dict[str, Any]]]:
    sections: dict[str, list[dict[str, Any]]] = {name: [] for name in SECTIONS
                                                 if sensitive or name not in SENSITIVE_SECTIONS}
    for row_id, section, _, data, data_enc, key_id in sorted(rows, key=lambda r: (r[1], r[2])):
        if section not in sections:
            continue
        if data_enc is not None and key_id is not None:
            content = open_json(cipher, data_enc, key_id, field=f"section:{section}")
        else:
            content = data or {}
        sections[section].append({"id": str(row_id), **content})
    return sections


def snapshot(profile: Profile, items: dict[str, Any], sections: dict[str, list[dict[str, Any]]]) -> Record:
    return {"profile_id": str(profile.id), "org_unit_id": str(profile.org_unit_id), "category": profile.category,
            "status": profile.status, "items": items, "sections": sections}


def seal_snapshot(record: Record, cipher: FieldCipher) -> tuple[bytes, str, str]:
    """(sealed bytes, key id, sha256 digest), from one canonical serialisation of the snapshot: the digest
    is `crypto.digest(record)`, which the audit entry of the same write carries too."""
    body = canonical(record)
    sealed, key_id = cipher.encrypt(body.decode(), field="profile_version")
    return sealed, key_id, hashlib.sha256(body).hexdigest()


def open_snapshot(blob: bytes, key_id: str, cipher: FieldCipher) -> Record:
    opened: Record = open_json(cipher, blob, key_id, field="profile_version")
    return opened


def diff(before: Record, after: Record) -> dict[str, Any]:
    """What changed between two snapshots: items by key, sections by row id, top-level fields."""
    changes: dict[str, Any] = {}
    for key in ("org_unit_id", "category", "status"):
        if before.get(key) != after.get(key):
            changes[key] = {"before": before.get(key), "after": after.get(key)}
    b_items, a_items = before.get("items", {}), after.get("items", {})
    items = {k: {"before": b_items.get(k), "after": a_items.get(k)}
             for k in sorted(set(b_items) | set(a_items)) if b_items.get(k) != a_items.get(k)}
    if items:
        changes["items"] = items
    sections: dict[str, Any] = {}
    for name in sorted(set(before.get("sections", {})) | set(after.get("sections", {}))):
        b_rows = {r["id"]: r for r in before.get("sections", {}).get(name, [])}
        a_rows = {r["id"]: r for r in after.get("sections", {}).get(name, [])}
        delta = {"added": [a_rows[i] for i in a_rows if i not in b_rows],
                 "removed": [b_rows[i] for i in b_rows if i not in a_rows],
                 "changed": [{"before": b_rows[i], "after": a_rows[i]} for i in a_rows
                             if i in b_rows and a_rows[i] != b_rows[i]]}
        if any(delta.values()):
            sections[name] = delta
    if sections:
        changes["sections"] = sections
    return changes
