"""Findings kept beside a decision: what the Đúng–Đủ–Sạch–Sống rules said about a proposed record, stored on
its change request so the approver sees it, and rendered again whenever it is read.

A rule's message may quote the record (a birth date, digits of the citizen ID, a placeholder value the
person typed), and a change request's columns are readable by more people than the record's sealed
parts. So a stored finding keeps the rule's code, criterion and severity, the field it points at, and only
the message parameters that describe the rule, the form or the policy (labels, row numbers, limits, the
policy's name, the date of a population-DB check): never a value of the person's. `render` writes the
messages from the rule's templates with those parameters, an ellipsis standing for each one left out.

Pure: no I/O."""

from __future__ import annotations

import string
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime
from typing import Any

from hoso_shared.validation import RULES, Context, Finding, Hit, Rule, Severity
from hoso_shared.validation.engine import active_rules
from hoso_shared.validation.model import Record, RecordView

# Message parameters that never hold a value of the person's: labels of items, tables and categories, row
# numbers, the policy's limits and name, dates of the calendar or of a check. Any other parameter is left
# out of a stored finding (its message shows "…" there).
SAFE_PARAMS = frozenset({
    "label_vi", "label_en", "category_vi", "category_en", "section_vi", "section_en", "where_vi", "where_en",
    "relation_vi", "relation_en", "later_vi", "later_en", "earlier_vi", "earlier_en", "state", "state_vi",
    "problem_vi", "problem_en", "row", "other", "prev", "min_age", "max_age", "limit", "max_days", "months",
    "days", "overdue", "late", "policy", "today", "today_vi", "start", "end", "checked", "checked_on",
    "checked_on_vi",
})
MAX_STORED = 500  # findings kept per change request: errors first, so a refusal never loses its reason
MAX_TEXT = 200  # characters of a stored parameter or field name
ELIDED = "…"
SEVERITY_ORDER = {Severity.ERROR.value: 0, Severity.WARNING.value: 1, Severity.INFO.value: 2}


def assess(record: Record, context: Context) -> list[tuple[Rule, Hit]]:
    """What `judge` finds, before the messages are written: each rule with each of its hits."""
    view = RecordView(record)
    return [(rule, hit) for rule in active_rules(context) for hit in rule.check(view, context)]


def _plain(value: Any) -> str | int | float | bool | None:
    if value is None or isinstance(value, bool | int | float):
        return value
    if isinstance(value, date | datetime):
        return value.isoformat()
    return str(value)[:MAX_TEXT]


def safe_params(params: Mapping[str, Any]) -> dict[str, str | int | float | bool | None]:
    return {key: _plain(value) for key, value in params.items() if key in SAFE_PARAMS}


def stored(rule: Rule, hit: Hit) -> dict[str, Any]:
    """One finding as it is kept: no value of the person's (see the module's docstring)."""
    return {"code": rule.code, "criterion": rule.criterion.value, "severity": rule.severity.value,
            "field": None if hit.field is None else hit.field[:MAX_TEXT], "params": safe_params(hit.params)}


def keep(found: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Findings as a change request keeps them: sanitised again (whoever sent them), errors first, at most
    MAX_STORED, only codes the rule table knows."""
    kept = [{"code": f["code"], "criterion": RULES[f["code"]].criterion.value,
             "severity": RULES[f["code"]].severity.value,
             "field": None if f.get("field") is None else str(f["field"])[:MAX_TEXT],
             "params": safe_params(f.get("params") or {})}
            for f in found if f.get("code") in RULES]
    kept.sort(key=lambda f: SEVERITY_ORDER[f["severity"]])
    return kept[:MAX_STORED]


def blocking(found: Iterable[Mapping[str, Any]]) -> list[str]:
    """The codes of the error findings: what keeps a record out of the sync, and an approval waiting for an
    override reason."""
    return sorted({f["code"] for f in found if f.get("severity") == Severity.ERROR.value})


_MISSING = object()


class _Elide(string.Formatter):
    """str.format over what was kept: a missing parameter is "…", a date kept as ISO text formats again."""

    def get_value(self, key: int | str, args: Sequence[Any], kwargs: Mapping[str, Any]) -> Any:
        return kwargs.get(str(key), _MISSING)

    def format_field(self, value: Any, format_spec: str) -> str:
        if value is _MISSING:
            return ELIDED
        if format_spec and "%" in format_spec and isinstance(value, str):
            try:
                value = date.fromisoformat(value)
            except ValueError:
                return str(value)
        try:
            return str(super().format_field(value, format_spec))
        except (TypeError, ValueError):
            return str(value)


_ELIDE = _Elide()


def render(finding: Mapping[str, Any]) -> tuple[str, str]:
    """(Vietnamese, English) message of a stored finding; a code no longer in the rule table says so."""
    rule = RULES.get(str(finding.get("code")))
    if rule is None:
        return ("Quy tắc không còn trong danh mục.", "The rule is no longer in the rule table.")
    params = finding.get("params") or {}
    return _ELIDE.format(rule.message_vi, **params), _ELIDE.format(rule.message_en, **params)


def read(finding: Mapping[str, Any]) -> dict[str, Any]:
    """A stored finding as an API shows it: with its messages."""
    vi, en = render(finding)
    return {"code": finding["code"], "criterion": finding["criterion"], "severity": finding["severity"],
            "field": finding.get("field"), "message_vi": vi, "message_en": en}


def shown(finding: Finding) -> dict[str, Any]:
    """A finding just judged, for the person who proposed the record: its full messages (they quote what
    that person entered), never its suggested fix."""
    return {"code": finding.code, "criterion": finding.criterion.value, "severity": finding.severity.value,
            "field": finding.field, "message_vi": finding.message_vi, "message_en": finding.message_en}
