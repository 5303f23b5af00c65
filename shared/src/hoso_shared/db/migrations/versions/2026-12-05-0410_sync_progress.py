"""sync progress counters (reserved for the idle-gauges work): none needed. sync-gateway's gauges are read
again only after a write, seen in PostgreSQL's own per-table counters (sync_gateway.progress.freshness), so no
table, trigger or index is added here; the indexes the issue names are j17findings01's.

Revision ID: i17progress1
Revises: h20sealed01
Create Date: 2026-12-05 04:00:00
"""

from collections.abc import Sequence

revision: str = 'i17progress1'
down_revision: str | None = 'h20sealed01'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
