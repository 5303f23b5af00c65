"""The units of the caller's subtree as profile-api's tree gives them (path order: each unit after its parent), for
the filters' choices and the tables' unit names. A caller who may not read the tree (a delegate) gets none: the
pages then leave the unit out instead of failing."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from portal.api import ApiProblem, Apis
from portal.sessions import PortalSession

MAX_CHOICES = 500  # units offered in a select; a province-wide reader narrows by the search instead
INDENT = "\u00a0\u00a0\u00a0"  # screen readers skip it; sighted readers see the tree's levels


@dataclass(frozen=True)
class Unit:
    id: str
    name: str
    code: str
    path: str
    depth: int  # 0: the top of the caller's tree

    @property
    def label(self) -> str:
        return INDENT * self.depth + self.name


@dataclass(frozen=True)
class Units:
    ordered: list[Unit] = field(default_factory=list)

    @property
    def names(self) -> dict[str, str]:
        return {u.id: u.name for u in self.ordered}

    @property
    def choices(self) -> list[Unit]:
        return self.ordered[:MAX_CHOICES]

    def get(self, unit_id: str | None) -> Unit | None:
        return next((u for u in self.ordered if u.id == unit_id), None)

    def below(self, unit_id: str | None) -> list[Unit]:
        """The units strictly under `unit_id` (an agency admin's sub-units: Điều 9 khoản 2)."""
        top = self.get(unit_id)
        if top is None:
            return []
        return [u for u in self.ordered if u.id != top.id and u.path.startswith(top.path)][:MAX_CHOICES]


def units_of(tree: dict[str, Any] | None) -> Units:
    items = (tree or {}).get("items", [])
    if not items:
        return Units()
    top = min(str(u["path"]).count("/") for u in items)
    return Units([Unit(str(u["id"]), str(u["name"]), str(u["code"]), str(u["path"]), str(u["path"]).count("/") - top)
                  for u in items])


async def read_units(apis: Apis, person: PortalSession) -> Units:
    """GET /api/v1/org-units (today's tree of the caller's subtree); a refusal (no `org-units:read`): none."""
    try:
        return units_of(await apis.json(person, "profile", "GET", "/api/v1/org-units"))
    except ApiProblem:
        return Units()
