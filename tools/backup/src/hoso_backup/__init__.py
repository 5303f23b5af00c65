"""Backups: `hoso-backup dump|verify|restore-drill|keygen`, or `python -m hoso_backup …` (see docs/operations.md)."""

from hoso_backup.census import Manifest, TableCensus
from hoso_backup.checksum import verify
from hoso_backup.dump import DumpResult, dump_database
from hoso_backup.errors import BackupError, Exit
from hoso_backup.restore import DrillReport, TableCheck, restore_drill
from hoso_backup.retention import MIN_MONTHS, Plan, plan, prune

__all__ = [
    "MIN_MONTHS", "BackupError", "DrillReport", "DumpResult", "Exit", "Manifest", "Plan", "TableCensus",
    "TableCheck", "dump_database", "plan", "prune", "restore_drill", "verify",
]
