"""What the rule engine may know beyond the record. Defined once for every service that judges records
(`hoso_shared.db.facts`: quality reports, proposals, the sync gateway); re-exported here for the quality
feature's modules and tests."""

from __future__ import annotations

from hoso_shared.db.facts import CandidateRow, ChangeRow, CheckRow, candidates, change_fact, context

__all__ = ["CandidateRow", "ChangeRow", "CheckRow", "candidates", "change_fact", "context"]
