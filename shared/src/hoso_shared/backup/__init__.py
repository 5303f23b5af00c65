"""Backups: `python -m hoso_shared.backup dump|verify|restore-drill` (see docs/operations.md)."""

from hoso_shared.backup.census import Manifest, TableCensus
from hoso_shared.backup.checksum import verify
from hoso_shared.backup.dump import DumpResult, dump_database
from hoso_shared.backup.errors import BackupError, Exit
from hoso_shared.backup.restore import DrillReport, TableCheck, restore_drill
from hoso_shared.backup.retention import MIN_MONTHS, Plan, plan, prune

__all__ = [
    "MIN_MONTHS", "BackupError", "DrillReport", "DumpResult", "Exit", "Manifest", "Plan", "TableCensus",
    "TableCheck", "dump_database", "plan", "prune", "restore_drill", "verify",
]
