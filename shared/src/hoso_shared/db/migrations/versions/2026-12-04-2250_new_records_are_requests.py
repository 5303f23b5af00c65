"""new records are requests: every new record is a change request of kind `create`, approved like any update
(hanoi-2024 Điều 7: approvers approve "dữ liệu mới" as well as updates). A new profile waits at version 0
(no version row, no outbox row) until its create request is applied. Existing requests are updates.

Revision ID: d14create0001
Revises: c14dates00001
Create Date: 2026-12-04 22:50:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = 'd14create0001'
down_revision: str | None = 'c14dates00001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Never wait long for a lock on a live table: fail the deploy instead of stalling traffic.
    op.execute("SET LOCAL lock_timeout = '5s'")
    # A constant server default: PostgreSQL 11+ adds it without a table rewrite.
    op.add_column('change_requests', sa.Column('kind', sa.Text(), server_default='update', nullable=False))
    op.create_check_constraint(op.f('ck_change_requests_kind'), 'change_requests', "kind IN ('update', 'create')")


def downgrade() -> None:
    op.execute("SET LOCAL lock_timeout = '5s'")
    op.drop_constraint(op.f('ck_change_requests_kind'), 'change_requests', type_='check')
    op.drop_column('change_requests', 'kind')
