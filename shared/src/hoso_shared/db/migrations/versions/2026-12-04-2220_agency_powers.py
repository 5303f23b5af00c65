"""agency powers in their own subtree

- `account_delegations`: an agency admin lets named HR staff create personal accounts in a subtree
  (ủy quyền tạo lập tài khoản cá nhân, Điều 9 khoản 2); at most one active per delegate.
- `account_access_changes`: every restriction, extension or revocation of an account's access (Điều 18
  khoản 1) with the number and date of the written request it rests on (Điều 19 khoản 4).
- `org_unit_changes`: every change to the tree as recorded (who, when, from which day), for the agencies
  that now restructure their own subtree (Điều 21 khoản 2) and for DOHA, who reads them all.

The two records are append-only: a trigger refuses UPDATE and DELETE.

Revision ID: a14agency0001
Revises: 5d1f0c2a9b7e
Create Date: 2026-12-04 22:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = 'a14agency0001'
down_revision: str | None = '5d1f0c2a9b7e'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

APPEND_ONLY = ("account_access_changes", "org_unit_changes")


def upgrade() -> None:
    # Never wait long for a lock on a live table: fail the deploy instead of stalling traffic.
    op.execute("SET LOCAL lock_timeout = '5s'")
    op.create_table(
        'account_delegations',
        sa.Column('delegate_id', sa.Uuid(), nullable=False),
        sa.Column('org_unit_id', sa.Uuid(), nullable=False),
        sa.Column('granted_by', sa.Uuid(), nullable=False),
        sa.Column('granted_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
        sa.Column('revoked_by', sa.Uuid(), nullable=True),
        sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('id', sa.Uuid(), nullable=False),
        sa.CheckConstraint('(revoked_at IS NULL) = (revoked_by IS NULL)',
                           name=op.f('ck_account_delegations_revoked_by_whom')),
        sa.ForeignKeyConstraint(['delegate_id'], ['accounts.id'],
                                name=op.f('fk_account_delegations_delegate_id_accounts')),
        sa.ForeignKeyConstraint(['granted_by'], ['accounts.id'],
                                name=op.f('fk_account_delegations_granted_by_accounts')),
        sa.ForeignKeyConstraint(['org_unit_id'], ['org_units.id'],
                                name=op.f('fk_account_delegations_org_unit_id_org_units')),
        sa.ForeignKeyConstraint(['revoked_by'], ['accounts.id'],
                                name=op.f('fk_account_delegations_revoked_by_accounts')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_account_delegations')),
    )
    op.create_index('ix_account_delegations_active', 'account_delegations', ['delegate_id'], unique=True,
                    postgresql_where='revoked_at IS NULL')
    op.create_index(op.f('ix_account_delegations_org_unit_id'), 'account_delegations', ['org_unit_id'], unique=False)
    op.create_table(
        'account_access_changes',
        sa.Column('account_id', sa.Uuid(), nullable=False),
        sa.Column('action', sa.Text(), nullable=False),
        sa.Column('request_no', sa.Text(), nullable=False),
        sa.Column('request_date', sa.Date(), nullable=False),
        sa.Column('before', postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column('after', postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column('changed_by', sa.Uuid(), nullable=False),
        sa.Column('changed_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
        sa.Column('id', sa.Uuid(), nullable=False),
        sa.CheckConstraint("action IN ('disable', 'enable', 'roles', 'delegate', 'undelegate')",
                           name=op.f('ck_account_access_changes_action')),
        sa.CheckConstraint('length(btrim(request_no)) > 0', name=op.f('ck_account_access_changes_request_no')),
        sa.ForeignKeyConstraint(['account_id'], ['accounts.id'],
                                name=op.f('fk_account_access_changes_account_id_accounts')),
        sa.ForeignKeyConstraint(['changed_by'], ['accounts.id'],
                                name=op.f('fk_account_access_changes_changed_by_accounts')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_account_access_changes')),
    )
    op.create_index(op.f('ix_account_access_changes_account_id'), 'account_access_changes', ['account_id'],
                    unique=False)
    op.create_table(
        'org_unit_changes',
        sa.Column('id', sa.BigInteger(), sa.Identity(always=False), nullable=False),
        sa.Column('org_unit_id', sa.Uuid(), nullable=False),
        sa.Column('action', sa.Text(), nullable=False),
        sa.Column('effective_on', sa.Date(), nullable=False),
        sa.Column('path', sa.Text(), nullable=False),
        sa.Column('to_path', sa.Text(), nullable=True),
        sa.Column('detail', postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column('actor_id', sa.Uuid(), nullable=False),
        sa.Column('recorded_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
        sa.CheckConstraint("action IN ('create', 'rename', 'move', 'merge', 'split', 'dissolve')",
                           name=op.f('ck_org_unit_changes_action')),
        sa.ForeignKeyConstraint(['actor_id'], ['accounts.id'], name=op.f('fk_org_unit_changes_actor_id_accounts')),
        sa.ForeignKeyConstraint(['org_unit_id'], ['org_units.id'],
                                name=op.f('fk_org_unit_changes_org_unit_id_org_units')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_org_unit_changes')),
    )
    op.create_index(op.f('ix_org_unit_changes_org_unit_id'), 'org_unit_changes', ['org_unit_id'], unique=False)
    for table in APPEND_ONLY:
        op.execute(f"""CREATE FUNCTION {table}_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
                       BEGIN RAISE EXCEPTION '{table} is append-only' USING ERRCODE = 'insufficient_privilege';
                       END $$""")
        op.execute(f"""CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table}
                       FOR EACH STATEMENT EXECUTE FUNCTION {table}_append_only()""")


def downgrade() -> None:
    op.execute("SET LOCAL lock_timeout = '5s'")
    for table in APPEND_ONLY:
        op.execute(f"DROP TRIGGER {table}_append_only ON {table}")
        op.execute(f"DROP FUNCTION {table}_append_only()")
    op.drop_index(op.f('ix_org_unit_changes_org_unit_id'), table_name='org_unit_changes')
    op.drop_table('org_unit_changes')
    op.drop_index(op.f('ix_account_access_changes_account_id'), table_name='account_access_changes')
    op.drop_table('account_access_changes')
    op.drop_index(op.f('ix_account_delegations_org_unit_id'), table_name='account_delegations')
    op.drop_index('ix_account_delegations_active', table_name='account_delegations',
                  postgresql_where='revoked_at IS NULL')
    op.drop_table('account_delegations')
