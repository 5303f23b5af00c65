"""The single choke point for data scoping: every query returning people goes through here."""

from __future__ import annotations

from typing import Any, TypeVar

from sqlalchemy import Select
from sqlalchemy.orm import InstrumentedAttribute

from hoso_shared.auth.principal import Principal

S = TypeVar("S", bound=Select[Any])


def escape_like(value: str) -> str:
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def scoped_to_subtree(stmt: S, principal: Principal, path_column: InstrumentedAttribute[str]) -> S:
    """Restrict `stmt` to rows whose org path lies in the principal's subtree (index prefix scan)."""
    return stmt.where(path_column.like(escape_like(principal.org_path) + "%", escape="\\"))
