"""The officer's own record as profile-api returns it (QĐ 6187/QĐ-UBND Điều 8 khoản 3: each person reads their own
data; Điều 10 khoản 3: through their personal account), shaped for the sơ yếu lý lịch's layout: which lines and
tables have a change waiting for approval, what each version changed. The API decides what is shown; this module
only arranges it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from hoso_shared.form import layout
from portal.api import Apis
from portal.i18n import N_
from portal.my_record.display import CATEGORIES, STATUSES, Show
from portal.sessions import PortalSession

# Why a version was written (profile-api's reasons); one not listed shows as the API wrote it.
REASONS = {"created": N_("Tạo hồ sơ"), "change": N_("Thay đổi đã được phê duyệt"),
           "transferred": N_("Tiếp nhận khi chuyển công tác"),
           "transfer_within_province": N_("Điều động trong thành phố"),
           "transfer_out": N_("Chuyển công tác ra ngoài thành phố"), "retire": N_("Nghỉ hưu"),
           "resign": N_("Thôi việc"), "decease": N_("Qua đời"), "unit_rename": N_("Đơn vị đổi tên"),
           "unit_move": N_("Đơn vị chuyển trực thuộc"), "unit_merge": N_("Sáp nhập đơn vị"),
           "unit_split": N_("Chia tách đơn vị"), "unit_dissolve": N_("Giải thể đơn vị")}
# What a version may change besides the form's items and tables.
TOP_LEVEL = {"org_unit_id": N_("Đơn vị công tác"), "category": N_("Đối tượng"), "status": N_("Trạng thái hồ sơ")}


def record_path(profile_id: str) -> str:
    return f"/ho-so/{profile_id}"


async def own_record_id(apis: Apis, person: PortalSession) -> str | None:
    """The person's own record: profile-api lists an officer's own record only (GET /api/v1/profiles). Anyone
    else's list is their unit's, which names nobody as "mine"."""
    if "officer" not in person.roles:
        return None
    page = await apis.json(person, "profile", "GET", "/api/v1/profiles", params={"limit": 2})
    items = page["items"]
    return str(items[0]["id"]) if len(items) == 1 else None


async def read_record(apis: Apis, person: PortalSession, profile_id: str) -> dict[str, Any]:
    """GET /api/v1/profiles/{id}: a record the person may not see is the API's 404, shown as such."""
    record: dict[str, Any] = await apis.json(person, "profile", "GET", f"/api/v1/profiles/{profile_id}")
    return record


def waiting(record: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """Item keys and table names → the open change requests that would change them (the API lists them)."""
    found: dict[str, list[dict[str, Any]]] = {}
    for change in record["pending_changes"]:
        for key in change["changed"]:
            found.setdefault(key, []).append(change)
    return found


def line_waiting(line: layout.Line, pending: dict[str, list[dict[str, Any]]]) -> list[dict[str, Any]]:
    seen: dict[str, dict[str, Any]] = {}
    for f in line.fields:
        seen.update({c["id"]: c for c in pending.get(f.key, [])})
    return list(seen.values())


def record_page(record: dict[str, Any], show: Show) -> dict[str, Any]:
    items = dict(record["items"])
    if "citizen_id" not in items:  # the API's masked number, when it does not show the whole one
        items["citizen_id"] = record["citizen_id_masked"]
    return {"record": record, "items": items, "sections": record["sections"], "parts": layout.layout(),
            "pending": waiting(record), "line_waiting": line_waiting, "show": show,
            "editable": not record["archived"] and record["status"] == "active",
            "full_name": record["items"].get("full_name", "")}


@dataclass
class Change:
    label: str
    before: str
    after: str
    ours: bool = False  # the label and values are portal messages (translated when shown)


@dataclass
class TableChange:
    title: str
    number: str
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    changed: list[tuple[str, str]] = field(default_factory=list)
    protected: bool = False


HIDDEN = N_("(thông tin được bảo vệ)")  # a sensitive value the reader may not see


def _value(show: Show, key: str, value: Any) -> str:
    return HIDDEN if show.protected(value) else show.item(key, value)


def _top(key: str, before: Any, after: Any) -> tuple[str, str]:
    if key == "org_unit_id":  # the unit's name is not the person's to read: say that it changed
        return N_("Đơn vị cũ"), N_("Đơn vị mới")
    names = CATEGORIES if key == "category" else STATUSES
    return names.get(str(before), str(before or "")), names.get(str(after), str(after or ""))


def diff_page(diff: dict[str, Any], show: Show) -> dict[str, Any]:
    """GET …/versions/{a}/diff/{b} as lines a person reads: each item before → after, each table's rows added,
    removed and changed (a sensitive part the reader may not see stays "[sensitive]" in the API's answer)."""
    changes = diff["changes"]
    top = [Change(TOP_LEVEL[k], *_top(k, v["before"], v["after"]), ours=True) for k, v in changes.items()
           if k in TOP_LEVEL]
    items = [Change(layout.label_of(k), _value(show, k, v["before"]), _value(show, k, v["after"]))
             for k, v in changes.get("items", {}).items()]
    tables = []
    for name, delta in changes.get("sections", {}).items():
        table = layout.tables()[name]
        shown = TableChange(table.title, table.number, protected=show.protected(delta))
        if not shown.protected:
            shown.added = [show.row(name, r) for r in delta["added"]]
            shown.removed = [show.row(name, r) for r in delta["removed"]]
            shown.changed = [(show.row(name, c["before"]), show.row(name, c["after"])) for c in delta["changed"]]
        tables.append(shown)
    return {"diff": diff, "top": top, "items": items, "tables": tables, "hidden": HIDDEN}


def versions_page(versions: list[dict[str, Any]]) -> dict[str, Any]:
    """The approved versions, newest first, each with what it changed, labelled as the form prints it."""
    shown = []
    for v in reversed(versions):
        changed = [TOP_LEVEL.get(k) or layout.label_of(k) for k in v["changed"]]
        shown.append({**v, "reason_label": REASONS.get(v["reason"]), "changed_labels": changed,
                      "ours": [k in TOP_LEVEL for k in v["changed"]]})
    return {"versions": shown}
