"""change dates, evidence and decisions: when each change's information changed, and by how many working
days its submission missed the policy's deadline (hanoi-2024 Điều 6 khoản 3). Both NULL on older requests
(their date was never asked); the API requires the date from now on.

Revision ID: c14dates00001
Revises: b14rules00001
Create Date: 2026-12-04 22:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = 'c14dates00001'
down_revision: str | None = 'b14rules00001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Never wait long for a lock on a live table: fail the deploy instead of stalling traffic.
    op.execute("SET LOCAL lock_timeout = '5s'")
    # Nullable columns without defaults: no table rewrite.
    op.add_column('change_requests', sa.Column('occurred_on', sa.Date(), nullable=True))
    op.add_column('change_requests', sa.Column('late_working_days', sa.Integer(), nullable=True))
    op.create_check_constraint(op.f('ck_change_requests_late_working_days'), 'change_requests',
                               'late_working_days > 0')


def downgrade() -> None:
    op.execute("SET LOCAL lock_timeout = '5s'")
    op.drop_constraint(op.f('ck_change_requests_late_working_days'), 'change_requests', type_='check')
    op.drop_column('change_requests', 'late_working_days')
    op.drop_column('change_requests', 'occurred_on')
