"""Which dumps to keep: a pure rule over file names and today's date, and the few lines that apply it.

The rule (the regulation asks for monthly backups kept at least three months):
- every dump of the current calendar month (UTC) is kept, and so is any dated in the future (a skewed
  clock is no reason to delete a backup);
- of each of the `keep_months` calendar months before it, the newest dump is kept;
- every other dump is deleted, with its sidecars. Files not named like a dump are never touched;
- whatever the dates say, the newest dump is never deleted: a clock set years ahead, or a directory
  whose dumps all predate the window, still keeps its last backup.

The newest dump of a month is thus kept until `keep_months` whole months after that month ends, so even
a dump taken in the last second of a month lives `keep_months` months. A month without a dump is not
made up for with an older one: pruning runs only after a successful dump, so a broken backup job never
deletes the backups taken before it broke.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from hoso_backup.names import SIDECARS, parse_dump_name, sidecar

MIN_MONTHS = 3


@dataclass(frozen=True)
class Plan:
    keep: list[str]
    delete: list[str]


def _month(when: date | datetime) -> int:
    return when.year * 12 + when.month - 1


def plan(names: Iterable[str], today: date, keep_months: int = MIN_MONTHS) -> Plan:
    if keep_months < MIN_MONTHS:
        raise ValueError(f"backups must be kept at least {MIN_MONTHS} months (asked for {keep_months})")
    dated = {name: when for name in names if (when := parse_dump_name(name)) is not None}
    newest: dict[int, str] = {}
    for name, when in sorted(dated.items(), key=lambda item: (item[1], item[0])):
        newest[_month(when)] = name  # ascending, so the last one written for a month is its newest
    current = _month(today)
    keep = {name for name, when in dated.items()
            if _month(when) >= current or (current - _month(when) <= keep_months
                                           and newest[_month(when)] == name)}
    if dated:
        keep.add(max(dated, key=lambda name: (dated[name], name)))
    return Plan(keep=sorted(keep), delete=sorted(set(dated) - keep))


def prune(directory: Path, today: date, keep_months: int = MIN_MONTHS) -> list[Path]:
    """Applies `plan` to the dumps in `directory`; returns the dumps deleted (their sidecars go too)."""
    decided = plan((p.name for p in directory.iterdir() if p.is_file()), today, keep_months)
    deleted = []
    for name in decided.delete:
        dump = directory / name
        for extra in SIDECARS:
            sidecar(dump, extra).unlink(missing_ok=True)
        dump.unlink(missing_ok=True)
        deleted.append(dump)
    return deleted
