"""agency electronic identifiers (issue 19: QĐ 20/2020/QĐ-TTg codes on org units).

Adds `org_units.electronic_id` (unique; NULL until DOHA or the agency enters it) and fills it where a unit's
`code` already is such an identifier (some provinces coded their units with it): nothing else can be inferred, so
other units stay NULL and a sync batch names them (approval-api refuses it until they have one). The shape below
is `hoso_shared.codes.agency_ids` as of this revision, frozen here so a later change of the validator cannot
change what this migration did.

Revision ID: p19agencyid
Revises: o16fixtask1
Create Date: 2026-12-05 10:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = 'p19agencyid'
down_revision: str | None = 'o16fixtask1'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SHAPE = r'^([0-9A-Z]{1,3}\.)*[0-9A-Z]{3}\.[0-9A-Z]{2}\.[0-9A-Z]{2}\.[A-Z][0-9]{2}$'


def upgrade() -> None:
    op.execute("SET LOCAL lock_timeout = '5s'")
    op.add_column('org_units', sa.Column('electronic_id', sa.Text(), nullable=True))
    op.create_unique_constraint(op.f('uq_org_units_electronic_id'), 'org_units', ['electronic_id'])
    op.get_bind().execute(sa.text("UPDATE org_units SET electronic_id = code "
                                  "WHERE length(code) <= 35 AND code ~ :shape"), {"shape": SHAPE})


def downgrade() -> None:
    op.execute("SET LOCAL lock_timeout = '5s'")
    op.drop_constraint(op.f('uq_org_units_electronic_id'), 'org_units', type_='unique')
    op.drop_column('org_units', 'electronic_id')
