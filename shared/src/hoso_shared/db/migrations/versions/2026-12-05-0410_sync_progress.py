"""sync progress counters (reserved for the idle-gauges work; empty if not needed)

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
