"""judge speed (issue 17: a re-judge of 200,000 records in a minute, an agency's scorecard in half a second):
- the kept records of a unit, found without reading the profiles' rows: a scorecard's sums (profile-api
  quality/aggregates.py) select the kept records (not archived, approved) of the subtree's units; without this index
  PostgreSQL read every profile row in the province (wide: their data and sealed values) for an agency as for the
  root. A partial index of (unit, id) over the kept records alone answers that from the index (an index-only scan:
  the judge never updates a profile, so the pages stay all-visible);
- the stale records by (stale_at, profile_id), not stale_at alone: the judge claims each page after the last one
  (while that one is judged), and with this key the index seeks to it rather than walking every entry before it.

Revision ID: l17judge01
Revises: k17imports01
Create Date: 2026-12-05 06:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = 'l17judge01'
down_revision: str | None = 'k17imports01'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.execute("SET LOCAL lock_timeout = '5s'")
    op.create_index('ix_profiles_kept_unit', 'profiles', ['org_unit_id', 'id'], unique=False,
                    postgresql_where=sa.text('archived_at IS NULL AND version > 0'))
    op.drop_index('ix_profile_findings_stale', table_name='profile_findings', postgresql_where='stale_at IS NOT NULL')
    op.create_index('ix_profile_findings_stale', 'profile_findings', ['stale_at', 'profile_id'], unique=False,
                    postgresql_where='stale_at IS NOT NULL')


def downgrade() -> None:
    op.execute("SET LOCAL lock_timeout = '5s'")
    op.drop_index('ix_profile_findings_stale', table_name='profile_findings', postgresql_where='stale_at IS NOT NULL')
    op.create_index('ix_profile_findings_stale', 'profile_findings', ['stale_at'], unique=False,
                    postgresql_where='stale_at IS NOT NULL')
    op.drop_index('ix_profiles_kept_unit', table_name='profiles',
                  postgresql_where=sa.text('archived_at IS NULL AND version > 0'))
