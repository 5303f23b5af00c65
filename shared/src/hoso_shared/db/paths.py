"""Org paths ("/<id>/<id>/") as LIKE prefixes: a subtree is one indexed prefix match."""

from __future__ import annotations


def escape_like(value: str) -> str:
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
