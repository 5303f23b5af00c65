"""The single choke point for data scoping: every query returning people goes through here."""

from __future__ import annotations

from typing import Any, TypeVar

from sqlalchemy import Select, bindparam
from sqlalchemy.orm import InstrumentedAttribute

from hoso_shared.auth.principal import Principal
from hoso_shared.db.paths import escape_like

__all__ = ["escape_like", "scoped_to_subtree"]

S = TypeVar("S", bound=Select[Any])


def scoped_to_subtree(stmt: S, principal: Principal, path_column: InstrumentedAttribute[str]) -> S:
    """Restrict `stmt` to rows whose org path lies in the principal's subtree (index prefix scan)."""
    return stmt.where(path_column.like(escape_like(principal.org_path) + "%", escape="\\"))


SUBTREE_PARAM = "subtree_prefix"


def scoped_to_subtree_param(stmt: S, path_column: InstrumentedAttribute[str]) -> S:
    """The same restriction with the prefix as a bind parameter, for statements built once and
    reused (pass `subtree_params(principal)` when executing)."""
    return stmt.where(path_column.like(bindparam(SUBTREE_PARAM), escape="\\"))


def subtree_params(principal: Principal) -> dict[str, str]:
    return {SUBTREE_PARAM: escape_like(principal.org_path) + "%"}
