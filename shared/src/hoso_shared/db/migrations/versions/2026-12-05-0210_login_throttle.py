"""login throttle: failed sign-in counters shared by every profile-api replica (per source address, per
account and source, per client id), so guessing is limited without letting anyone lock an owner out.

Revision ID: g20throttle1
Revises: f14pending01
Create Date: 2026-12-05 02:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = 'g20throttle1'
down_revision: str | None = 'f14pending01'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Never wait long for a lock on a live table: fail the deploy instead of stalling traffic.
    op.execute("SET LOCAL lock_timeout = '5s'")
    op.create_table(
        'login_throttle',
        sa.Column('key', sa.Text(), nullable=False),
        sa.Column('window_start', sa.DateTime(timezone=True), nullable=False),
        sa.Column('failures', sa.Integer(), nullable=False),
        sa.Column('blocked_until', sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint('key', name=op.f('pk_login_throttle')),
    )


def downgrade() -> None:
    op.execute("SET LOCAL lock_timeout = '5s'")
    op.drop_table('login_throttle')
