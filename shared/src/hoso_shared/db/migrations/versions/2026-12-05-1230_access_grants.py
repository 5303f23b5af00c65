"""access grants (issue 21 items 1–2): degrees of access restriction per item, clearance per account, and grants
with a written basis.

- `accounts.clearance`: the highest level (0–3) the account reads in its subtree; NULL keeps its roles' default
  (hoso_shared.auth.clearance), so every existing account reads exactly what it read before.
- `access_grants`: access beyond one's own, granted on a written decision (Quy chế Hà Nội 2024 Điều 8 khoản 3,
  Điều 18 khoản 1, Điều 19 khoản 4): to a subtree or named people, up to a level, from/to a date, revocable.
  Checked by date on every read (no job expires a grant); the partial index serves that per-request look-up.

Revision ID: u21grants
Revises: w19reasons
Create Date: 2026-12-05 12:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = 'u21grants'
down_revision: str | None = 'w19reasons'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Never wait long for a lock on a live table: fail the deploy instead of stalling traffic.
    op.execute("SET LOCAL lock_timeout = '5s'")
    op.add_column('accounts', sa.Column('clearance', sa.SmallInteger(), nullable=True))
    op.create_check_constraint(op.f('ck_accounts_clearance'), 'accounts', 'clearance BETWEEN 0 AND 3')
    op.create_table(
        'access_grants',
        sa.Column('grantee_id', sa.Uuid(), nullable=False),
        sa.Column('org_unit_id', sa.Uuid(), nullable=True),
        sa.Column('profile_ids', postgresql.ARRAY(sa.Uuid()), nullable=True),
        sa.Column('level', sa.SmallInteger(), nullable=False),
        sa.Column('starts_on', sa.Date(), nullable=False),
        sa.Column('ends_on', sa.Date(), nullable=False),
        sa.Column('decision_number', sa.Text(), nullable=False),
        sa.Column('decision_date', sa.Date(), nullable=False),
        sa.Column('issuing_body', sa.Text(), nullable=False),
        sa.Column('attachment_id', sa.Uuid(), nullable=False),
        sa.Column('granted_by', sa.Uuid(), nullable=False),
        sa.Column('granted_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
        sa.Column('revoked_by', sa.Uuid(), nullable=True),
        sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('revoke_request_no', sa.Text(), nullable=True),
        sa.Column('revoke_request_date', sa.Date(), nullable=True),
        sa.Column('id', sa.Uuid(), nullable=False),
        sa.CheckConstraint('level BETWEEN 0 AND 3', name=op.f('ck_access_grants_level')),
        sa.CheckConstraint('starts_on <= ends_on', name=op.f('ck_access_grants_period')),
        sa.CheckConstraint('(org_unit_id IS NULL) <> (profile_ids IS NULL)',
                           name=op.f('ck_access_grants_subtree_or_people')),
        sa.CheckConstraint('profile_ids IS NULL OR cardinality(profile_ids) > 0',
                           name=op.f('ck_access_grants_people_named')),
        sa.CheckConstraint('length(btrim(decision_number)) > 0 AND length(btrim(issuing_body)) > 0',
                           name=op.f('ck_access_grants_decision')),
        sa.CheckConstraint('(revoked_at IS NULL) = (revoked_by IS NULL)', name=op.f('ck_access_grants_revoked_by_whom')),
        sa.CheckConstraint('(revoked_at IS NULL) = (revoke_request_no IS NULL AND revoke_request_date IS NULL)',
                           name=op.f('ck_access_grants_revoked_on_request')),
        sa.ForeignKeyConstraint(['grantee_id'], ['accounts.id'], name=op.f('fk_access_grants_grantee_id_accounts')),
        sa.ForeignKeyConstraint(['org_unit_id'], ['org_units.id'], name=op.f('fk_access_grants_org_unit_id_org_units')),
        sa.ForeignKeyConstraint(['attachment_id'], ['attachments.id'],
                                name=op.f('fk_access_grants_attachment_id_attachments')),
        sa.ForeignKeyConstraint(['granted_by'], ['accounts.id'], name=op.f('fk_access_grants_granted_by_accounts')),
        sa.ForeignKeyConstraint(['revoked_by'], ['accounts.id'], name=op.f('fk_access_grants_revoked_by_accounts')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_access_grants')),
    )
    op.create_index('ix_access_grants_grantee_active', 'access_grants', ['grantee_id'], unique=False,
                    postgresql_where='revoked_at IS NULL')


def downgrade() -> None:
    op.execute("SET LOCAL lock_timeout = '5s'")
    op.drop_index('ix_access_grants_grantee_active', table_name='access_grants',
                  postgresql_where='revoked_at IS NULL')
    op.drop_table('access_grants')
    op.drop_constraint(op.f('ck_accounts_clearance'), 'accounts', type_='check')
    op.drop_column('accounts', 'clearance')
