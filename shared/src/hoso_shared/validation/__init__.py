"""The Đúng – Đủ – Sạch – Sống rule engine: pure (no I/O, no web or database imports).

Importing the package registers every rule module; `RULES` is the one table of them."""

# `compiled` first: it refuses a compiled engine built from other sources, before any of it loads.
from hoso_shared.validation import compiled, rules  # noqa: F401  (rules: registers every rule)
from hoso_shared.validation.context import ChangeFact, CitizenCheck, Context, DuplicateCandidate
from hoso_shared.validation.engine import Report, judge
from hoso_shared.validation.model import Criterion, Finding, Fix, Hit, Rule, Severity
from hoso_shared.validation.registry import RULES, rule

__all__ = [
    "RULES", "ChangeFact", "CitizenCheck", "Context", "Criterion", "DuplicateCandidate", "Finding", "Fix", "Hit",
    "Report", "Rule", "Severity", "judge", "rule",
]
