"""The audit log screen names every action profile-api writes (issue 21 item 3): its list of actions is taken from
the code that writes the log — each `audit.record(…)` / `audit.entry(…)` call of profile_api — so a new action is a
failing test here until the screen has its Vietnamese label, and no label names an action nobody writes."""

from __future__ import annotations

import ast
from importlib.resources import files
from pathlib import Path

from portal.audit_log.labels import ACTIONS, ENTITIES

SOURCE = Path(str(files("profile_api")))
ACTION_ARG = {"record": 2, "entry": 1}  # record(session, principal, action, …), entry(principal, action, …)


def written_actions() -> tuple[set[str], set[str]]:
    """(the actions written as literals, the fixed prefixes of those written as f-strings: "account." …)."""
    literal: set[str] = set()
    prefixes: set[str] = set()
    for module in SOURCE.rglob("*.py"):
        for node in ast.walk(ast.parse(module.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                    and isinstance(node.func.value, ast.Name) and node.func.value.id == "audit"
                    and node.func.attr in ACTION_ARG and len(node.args) > ACTION_ARG[node.func.attr]):
                continue
            arg = node.args[ACTION_ARG[node.func.attr]]
            if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                literal.add(arg.value)
            elif isinstance(arg, ast.JoinedStr) and isinstance(arg.values[0], ast.Constant):
                prefixes.add(str(arg.values[0].value))
            else:
                raise AssertionError(f"{module}:{node.lineno}: an action this test cannot read")
    return literal, prefixes


def test_every_written_action_has_its_label() -> None:
    literal, prefixes = written_actions()
    assert len(literal) > 20 and {"account.", "org_unit.", "export.syll.", "export.workforce."} <= prefixes
    assert sorted(literal - set(ACTIONS)) == []
    assert sorted(p for p in prefixes if not any(a.startswith(p) for a in ACTIONS)) == []
    stale = [a for a in ACTIONS if a not in literal and not any(a.startswith(p) for p in prefixes)]
    assert stale == []
    assert all(label.strip() for label in [*ACTIONS.values(), *ENTITIES.values()])
