"""A change request as the approver compares it: one line per changed item or table row, with the value the
record holds now and the value proposed, in plain text (a table a screen reader reads cell by cell, never a
coloured diff). Labels are the form's own (`hoso_shared.form.layout`, TT 06/2023); the few a lifecycle event
adds, which the form does not print, are the portal's messages."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from hoso_shared.codes import ETHNICITIES, RANKS, RELIGIONS, CodeTable
from hoso_shared.form import layout
from portal.i18n import N_, vn_date

CODES: dict[str, CodeTable] = {"ethnicity_code": ETHNICITIES, "religion_code": RELIGIONS, "rank_code": RANKS}
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
PLACE_ORDER = ("detail", "commune", "district", "province")
# What a lifecycle event's payload carries besides the form's items (hanoi-2024 Điều 12).
EVENT_LABELS = {"event": N_("Sự kiện"), "status": N_("Trạng thái hồ sơ"), "effective_on": N_("Ngày có hiệu lực"),
                "decision": N_("Quyết định"), "org_unit_id": N_("Đơn vị chuyển đến"),
                "destination": N_("Nơi chuyển đến"), "to_central_body": N_("Chuyển đến cơ quan trung ương")}
EVENTS = {"transfer_within_province": N_("Điều động, luân chuyển trong thành phố"),
          "transfer_out": N_("Chuyển công tác ra ngoài thành phố"), "retire": N_("Nghỉ hưu"),
          "resign": N_("Thôi việc"), "decease": N_("Qua đời")}
STATUSES = {"active": N_("Đang công tác"), "transferred_out": N_("Đã chuyển công tác"), "retired": N_("Đã nghỉ hưu"),
            "resigned": N_("Đã thôi việc"), "deceased": N_("Đã qua đời")}
YES_NO = {True: N_("Có"), False: N_("Không")}


@dataclass
class Line:
    key: str  # the item's key or the table's name: what a finding's `field` points at
    label: str
    current: str
    proposed: str
    number: str | None = None  # the form's line or table number ("2", "33")
    row: int | None = None  # a table row's place (1-based) in the table
    ours: bool = False  # the label is a portal message (translated when shown), not the form's words
    ours_values: bool = False  # so are both values (an event's or a status's name)
    findings: list[dict[str, Any]] = field(default_factory=list)


def show(value: Any, key: str = "") -> str:
    """A value as plain text: dates dd/mm/yyyy, codes with their names, addresses in reading order."""
    if value is None or value == "" or value == [] or value == {}:
        return ""
    if isinstance(value, bool):
        return YES_NO[value]
    if isinstance(value, str) and ISO_DATE.match(value):
        return vn_date(value)
    if key in CODES and isinstance(value, str):
        entry = CODES[key].get(value)
        return f"{value} – {entry.name}" if entry else value
    if isinstance(value, Mapping):
        if set(value) <= set(PLACE_ORDER):
            return ", ".join(str(value[k]) for k in PLACE_ORDER if value.get(k))
        return "; ".join(f"{k}: {show(v, k)}" for k, v in value.items() if show(v, k))
    if isinstance(value, list):
        return "; ".join(show(v) for v in value if show(v))
    return str(value)


def row_text(section: str, row: Mapping[str, Any]) -> str:
    """A table row as "column: value; …", the columns labelled as the form prints them."""
    table = layout.tables().get(section)
    labels = {c.key: c.label for c in table.columns} if table else {}
    return "; ".join(f"{labels.get(k, k)}: {show(v, k)}" for k, v in row.items() if k != "id" and show(v, k))


def item_line(key: str, current: Any, proposed: Any) -> Line:
    number = layout.line_of().get(key) or None
    return Line(key, layout.label_of(key), show(current, key), show(proposed, key),
                number=None if number == layout.HEADER else number)


def table_lines(section: str, current: list[dict[str, Any]] | None, proposed: list[dict[str, Any]]) -> list[Line]:
    """The rows added, changed or removed, matched by their ids; unchanged rows are left out."""
    table = layout.tables().get(section)
    title, number = (table.title, table.number) if table else (section, None)
    before = {str(r.get("id")): r for r in current or []}
    lines = []
    for place, row in enumerate(proposed, 1):
        old = before.pop(str(row.get("id")), None)
        now, new = (row_text(section, old) if old else ""), row_text(section, row)
        if now != new:
            lines.append(Line(section, title, now, new, number=number, row=place))
    lines += [Line(section, title, row_text(section, old), "", number=number) for old in before.values()]
    return lines


def _event_value(key: str, value: Any, units: Mapping[str, str]) -> str:
    if key == "decision" and isinstance(value, Mapping):  # số, ngày, cơ quan ban hành
        return ", ".join(p for p in (str(value.get("number") or ""), show(value.get("issued_on")),
                                     str(value.get("issuer") or "")) if p)
    if key == "org_unit_id":
        return units.get(str(value), str(value))
    return show(value, key)


def event_lines(payload: Mapping[str, Any], profile: Mapping[str, Any] | None,
                units: Mapping[str, str]) -> list[Line]:
    """A transfer, retirement, resignation or death: the event, the record's new status and the decision."""
    lines = []
    for key, label in EVENT_LABELS.items():
        if key not in payload:
            continue
        value = payload[key]
        if key in ("event", "status"):
            names = EVENTS if key == "event" else STATUSES
            current = STATUSES.get(profile["status"], "") if key == "status" and profile else ""
            lines.append(Line(key, label, current, names.get(value, str(value)), ours=True, ours_values=True))
        else:
            lines.append(Line(key, label, "", _event_value(key, value, units), ours=True,
                              ours_values=isinstance(value, bool)))
    return lines


def compare(request: Mapping[str, Any], profile: Mapping[str, Any] | None,
            units: Mapping[str, str] | None = None) -> list[Line]:
    """The request's lines; `profile` is the record as it stands (None: the caller may not read it); `units`
    names the units the caller sees, by id."""
    payload = request["payload"]
    items = profile["items"] if profile else {}
    sections = profile["sections"] if profile else {}
    if request["kind"] == "create":  # the whole pending record is what is proposed
        lines = [item_line(k, None, v) for k, v in items.items() if show(v, k)]
        for name, rows in sections.items():
            lines += table_lines(name, [], rows)
    else:
        lines = [item_line(k, items.get(k), v) for k, v in payload.get("items", {}).items()]
        for name, rows in payload.get("sections", {}).items():
            lines += table_lines(name, sections.get(name) if profile else None, rows)
        lines += event_lines(payload, profile, units or {})
    attach_findings(lines, request.get("findings") or [])
    return lines


def _points_at(finding: Mapping[str, Any], line: Line) -> bool:
    where = str(finding.get("field") or "")
    if where == line.key or where.startswith(line.key + "."):
        return True
    found = re.match(re.escape(line.key) + r"\[(\d+)\]", where)  # a table's row, numbered from 0
    return found is not None and line.row == int(found.group(1)) + 1


def attach_findings(lines: list[Line], findings: list[dict[str, Any]]) -> None:
    for line in lines:
        line.findings = [f for f in findings if _points_at(f, line)]
