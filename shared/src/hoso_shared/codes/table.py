"""Effective-dated code tables: each entry has a validity period and the codes other systems use."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any

OPEN_END = date(9999, 12, 31)


@dataclass(frozen=True, slots=True)
class CodeEntry:
    code: str
    name: str
    valid_from: date = date(1900, 1, 1)
    valid_to: date = OPEN_END
    # The same value in another system's code list, where it differs (e.g. {"csdlqg": "1"}).
    external: dict[str, str] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)

    def valid_on(self, on: date) -> bool:
        return self.valid_from <= on <= self.valid_to


class CodeTable:
    """One code list. A code may have several entries over time (renamed, re-typed)."""

    def __init__(self, name: str, entries: Iterable[CodeEntry]) -> None:
        self.name = name
        self._by_code: dict[str, list[CodeEntry]] = {}
        for entry in entries:
            self._by_code.setdefault(entry.code, []).append(entry)

    def __contains__(self, code: object) -> bool:
        return code in self._by_code

    def __iter__(self) -> Iterator[CodeEntry]:
        for entries in self._by_code.values():
            yield from entries

    def __len__(self) -> int:
        return len(self._by_code)

    def get(self, code: str, on: date | None = None) -> CodeEntry | None:
        """The entry in force on `on` (any period when `on` is None: the latest)."""
        entries = self._by_code.get(code, [])
        if on is None:
            return max(entries, key=lambda e: e.valid_from) if entries else None
        return next((e for e in entries if e.valid_on(on)), None)

    def valid_on(self, code: str, on: date) -> bool:
        return self.get(code, on) is not None

    def codes(self, on: date | None = None) -> set[str]:
        return {e.code for e in self if on is None or e.valid_on(on)}

    def by_external(self, system: str, value: str) -> CodeEntry | None:
        return next((e for e in self if e.external.get(system) == value), None)
