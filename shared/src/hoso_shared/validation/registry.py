"""The one table of rules. A module of rules registers each with `@rule(...)`; importing
`hoso_shared.validation` loads them all."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Any

from hoso_shared.validation.model import Criterion, Hit, Record, Rule, Severity

RULES: dict[str, Rule] = {}
CODE = re.compile(r"^(DUNG|DU|SACH|SONG)-[A-Z0-9]+-\d{3}$")
PREFIX = {Criterion.DUNG: "DUNG", Criterion.DU: "DU", Criterion.SACH: "SACH", Criterion.SONG: "SONG"}

Check = Callable[[Record, Any], Iterable[Hit]]


def rule(code: str, criterion: Criterion, severity: Severity, *, vi: str, en: str,
         reads: Iterable[str], needs: Iterable[str] = ()) -> Callable[[Check], Check]:
    if not CODE.match(code) or not code.startswith(PREFIX[criterion] + "-"):
        raise ValueError(f"rule code {code!r} does not follow CRITERION-SUBJECT-NNN")
    if code in RULES:
        raise ValueError(f"rule code {code!r} is registered twice")

    def register(check: Check) -> Check:
        RULES[code] = Rule(code, criterion, severity, vi, en, tuple(reads), check, tuple(needs))
        return check

    return register
