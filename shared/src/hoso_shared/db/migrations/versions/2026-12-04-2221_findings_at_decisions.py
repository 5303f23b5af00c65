"""Đúng–Đủ–Sạch–Sống at decisions: the findings a change request's record would have, and an approval's
override of its error findings (the reason and the codes overridden), kept on the decision.

Revision ID: b14rules00001
Revises: a14agency0001
Create Date: 2026-12-04 22:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = 'b14rules00001'
down_revision: str | None = 'a14agency0001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Never wait long for a lock on a live table: fail the deploy instead of stalling traffic.
    op.execute("SET LOCAL lock_timeout = '5s'")
    # Nullable, no default: adding them rewrites nothing.
    op.add_column('change_requests', sa.Column('findings', postgresql.JSONB(astext_type=sa.Text()), nullable=True))
    op.add_column('decisions', sa.Column('override_reason', sa.Text(), nullable=True))
    op.add_column('decisions', sa.Column('overridden', postgresql.JSONB(astext_type=sa.Text()), nullable=True))


def downgrade() -> None:
    op.execute("SET LOCAL lock_timeout = '5s'")
    op.drop_column('decisions', 'overridden')
    op.drop_column('decisions', 'override_reason')
    op.drop_column('change_requests', 'findings')
