"""item sources (issue 19 item 4): per item of a record, where its value came from when not typed by a person
(the population register, and the day it gave it), kept until an approved change gives the item another value.
Item names and days only: no personal data, so a plain JSONB column.

Revision ID: t19sources
Revises: r17lockorder
Create Date: 2026-12-05 12:15:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = 't19sources'
down_revision: str | None = 'r17lockorder'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.execute("SET LOCAL lock_timeout = '5s'")
    # A constant default: PostgreSQL adds the column without rewriting the province's rows.
    op.add_column('profiles', sa.Column('item_sources', postgresql.JSONB(astext_type=sa.Text()), server_default='{}',
                                        nullable=False))


def downgrade() -> None:
    op.execute("SET LOCAL lock_timeout = '5s'")
    op.drop_column('profiles', 'item_sources')
