"""Correcting a returned request (Điều 6 khoản 3, Điều 16 khoản 2). approval-api cannot change a request's content or
evidence: a returned request can only be submitted again unchanged (`POST …/submit`) or withdrawn. So a correction
is a new proposal, pre-filled from the returned one (its values over the record's, its day, its evidence), and
the returned one is withdrawn once the new one is taken (`service.submit`)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from hoso_shared.form import layout
from portal.changes import drafts, fields
from portal.changes.drafts import Draft
from portal.changes.service import inputs_of
from portal.sessions import PortalSession


def _ordered(numbers: set[str]) -> tuple[str, ...]:
    return tuple(n for n in layout.lines() if n in numbers)


def _row_change(current: list[dict[str, Any]], proposed: list[dict[str, Any]]) -> tuple[str, str | None,
                                                                                         dict[str, Any]] | None:
    """The one row a table change adds, edits or removes: (kind, row id, the new row); None when it is more."""
    before = {r["id"]: r for r in current}
    after = {r["id"]: r for r in proposed}
    added = [r for i, r in after.items() if i not in before]
    removed = [i for i in before if i not in after]
    edited = [r for i, r in after.items() if i in before and r != before[i]]
    if len(added) + len(removed) + len(edited) != 1:
        return None
    if added:
        return "add", None, {k: v for k, v in added[0].items() if k != "id"}
    if edited:
        return "edit", edited[0]["id"], {k: v for k, v in edited[0].items() if k != "id"}
    return "remove", removed[0], {}


def draft_from_request(person: PortalSession, request: Mapping[str, Any], record: Mapping[str, Any]) -> Draft | None:
    """A new proposal carrying the returned request's content, ready to be corrected; None when its content is not
    one item form or one table row (the person then proposes it anew from the record)."""
    payload = request["payload"]
    common: dict[str, Any] = {"occurred_on": request.get("occurred_on"), "replaces": str(request["id"]),
                              "attachment_ids": [str(a) for a in request["attachment_ids"]]}
    profile_id = str(request["profile_id"])
    if set(payload) == {"items"}:
        known = layout.line_of()
        numbers = _ordered({known[k] for k in payload["items"] if known.get(k)})
        if not numbers:
            return None
        inputs = inputs_of(fields.item_fieldsets(numbers))
        typed = fields.typed_values(inputs, {**record["items"], **payload["items"]})
        return drafts.new(person, profile_id, "items", lines=numbers, values=dict(payload["items"]), typed=typed,
                          **common)
    if set(payload) == {"sections"} and len(payload["sections"]) == 1:
        ((section, rows),) = payload["sections"].items()
        found = _row_change(record["sections"].get(section) or [], rows) if section in layout.tables() else None
        if found is None:
            return None
        kind, row_id, row = found
        typed = fields.typed_values(fields.row_fieldset(section).inputs, row)
        return drafts.new(person, profile_id, kind, section=section, row_id=row_id,  # type: ignore[arg-type]
                          values=row, typed=typed, **common)
    return None
