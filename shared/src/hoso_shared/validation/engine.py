"""Judging a record: run the registered rules, collect findings, summarise per criterion."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from hoso_shared.validation.context import Context
from hoso_shared.validation.model import Criterion, Finding, Record, RecordView, Rule, Severity
from hoso_shared.validation.registry import RULES


@dataclass(frozen=True)
class Report:
    findings: tuple[Finding, ...]

    @property
    def blocking(self) -> bool:
        """An error keeps the record out of the sync."""
        return any(f.severity is Severity.ERROR for f in self.findings)

    def passes(self, criterion: Criterion) -> bool:
        """A record passes a criterion when no error or warning of that criterion was found."""
        return not any(f.criterion is criterion and f.severity is not Severity.INFO for f in self.findings)

    def codes(self) -> set[str]:
        return {f.code for f in self.findings}


_last: tuple[Context, list[Rule]] | None = None


def active_rules(context: Context) -> list[Rule]:
    """The rules with something to say under `context` (their `needs` facts present). A run judges many
    records under one context, so the last answer is kept."""
    global _last
    if _last is not None and _last[0] is context:
        return _last[1]
    active = [r for r in RULES.values() if all(getattr(context, need) for need in r.needs)]
    _last = (context, active)
    return active


def judge(record: Record, context: Context, rules: Iterable[Rule] | None = None) -> Report:
    view = RecordView(record)
    findings: list[Finding] = []
    for rule in active_rules(context) if rules is None else rules:
        for hit in rule.check(view, context):
            findings.append(rule.finding(hit))
    return Report(tuple(findings))
