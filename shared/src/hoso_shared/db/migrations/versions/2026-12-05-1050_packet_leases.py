"""packet leases (issue 19: no row lock held across a delivery's POST).

A delivery worker claims a queued packet by writing a lease (`lease_token`, `lease_until`) in a short
transaction, posts with no lock held, and records the outcome only while the token is still its own. Both
columns are NULL when no worker holds the packet; existing rows start unleased, so nothing is backfilled.

Revision ID: q19leases
Revises: p19agencyid
Create Date: 2026-12-05 10:50:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = 'q19leases'
down_revision: str | None = 'p19agencyid'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.execute("SET LOCAL lock_timeout = '5s'")
    op.add_column('packets', sa.Column('lease_token', sa.Uuid(), nullable=True))
    op.add_column('packets', sa.Column('lease_until', sa.DateTime(timezone=True), nullable=True))
    op.create_check_constraint(op.f('ck_packets_lease_whole'), 'packets',
                               '(lease_token IS NULL) = (lease_until IS NULL)')


def downgrade() -> None:
    op.execute("SET LOCAL lock_timeout = '5s'")
    op.drop_constraint(op.f('ck_packets_lease_whole'), 'packets', type_='check')
    op.drop_column('packets', 'lease_until')
    op.drop_column('packets', 'lease_token')
