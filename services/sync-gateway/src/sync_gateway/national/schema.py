"""The JSON Schema (draft 2020-12) of one record's national payload, generated from a mapping and the
form's own models (`hoso_shared.form`): each mapped item keeps the constraints and description (item number
and Vietnamese label) our API validates it with, each table its row model plus the row's `id`. Generated,
never written by hand, so the schema cannot drift from what the adapter sends."""

from __future__ import annotations

from typing import Any

from hoso_shared.form import SECTIONS, ProfileItems
from hoso_shared.form.base import FormModel
from hoso_shared.form.layout import TABLE_TITLES
from sync_gateway.national.groups import GROUPS

DIALECT = "https://json-schema.org/draft/2020-12/schema"
ROW_ID = {"type": "string", "format": "uuid", "description": "Mã dòng (ổn định qua các phiên bản) / row id"}


def _model(model: type[FormModel], defs: dict[str, Any]) -> dict[str, Any]:
    """The model's schema as our API validates input (`mode="validation"`: a decimal may be a number or a
    string), its shared definitions moved to the top-level `$defs`."""
    schema = model.model_json_schema(mode="validation")
    defs.update(schema.pop("$defs", {}))
    return schema


def record_schema(version: str, items: dict[str, str | None],
                  sections: dict[str, tuple[str | None, str]]) -> dict[str, Any]:
    """`items`: our item → its group (None: not sent); `sections`: our table → (its group, its property)."""
    defs: dict[str, Any] = {}
    form = _model(ProfileItems, defs)
    groups: dict[str, dict[str, Any]] = {g.key: {} for g in GROUPS}
    required: dict[str, list[str]] = {g.key: [] for g in GROUPS}
    for name, group in items.items():
        if group is not None:
            groups[group][name] = form["properties"][name]
            if name in form.get("required", []):
                required[group].append(name)
    for segment, (group, field) in sections.items():
        if group is None:
            continue
        item, model, _ = SECTIONS[segment]
        row = _model(model, defs)
        row["properties"] = {"id": ROW_ID, **row["properties"]}
        row["required"] = ["id", *row.get("required", [])]
        groups[group][field] = {"type": "array", "items": row,
                                "description": f"{item}. {TABLE_TITLES.get(item, segment)}"}
    return {
        "$schema": DIALECT, "$id": f"urn:hoso:national-record:{version}",
        "title": f"Hồ sơ CBCCVC gửi CSDLQG, định dạng {version} / a record for the national database, format "
                 f"{version}",
        "description": "Mười nhóm dữ liệu của Nghị định 27/2026/NĐ-CP Điều 5 / the ten data groups of Decree "
                       "27/2026/ND-CP art. 5 (docs/national-format.md: which field of ours goes where).",
        "type": "object", "additionalProperties": False, "required": [g.key for g in GROUPS],
        "properties": {g.key: {"type": "object", "additionalProperties": False, "required": required[g.key],
                               "description": f"Nhóm {g.number}: {g.title} / group {g.number}: {g.title_en}",
                               "properties": groups[g.key]}
                       for g in GROUPS},
        "$defs": defs,
    }
