"""grant decisions: the written decision a grant rests on, scanned and sealed on its own (not as an attachment of
somebody's record).

- `grant_decisions`: the scan (sealed `content`, as `attachments.content`), its name, type, size and sha256, who
  uploaded it and the uploader's unit (the subtree whose admins may rest a grant on it).
- `access_grants.decision_id`: the decision a grant rests on; `attachment_id` becomes nullable and stays only for
  grants made before, exactly one of the two set (`ck_access_grants_one_scan`).

Downgrade refuses while a grant rests on a decision (the old schema has no place for it): nothing is deleted.

Revision ID: x21decisions
Revises: v21audit
Create Date: 2026-12-05 12:50:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = 'x21decisions'
down_revision: str | None = 'v21audit'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Never wait long for a lock on a live table: fail the deploy instead of stalling traffic.
    op.execute("SET LOCAL lock_timeout = '5s'")
    op.create_table(
        'grant_decisions',
        sa.Column('filename', sa.Text(), nullable=False),
        sa.Column('content_type', sa.Text(), nullable=False),
        sa.Column('size', sa.Integer(), nullable=False),
        sa.Column('sha256', sa.Text(), nullable=False),
        sa.Column('content', sa.LargeBinary(), nullable=False),
        sa.Column('uploaded_by', sa.Uuid(), nullable=False),
        sa.Column('org_unit_id', sa.Uuid(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
        sa.Column('id', sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(['uploaded_by'], ['accounts.id'], name=op.f('fk_grant_decisions_uploaded_by_accounts')),
        sa.ForeignKeyConstraint(['org_unit_id'], ['org_units.id'],
                                name=op.f('fk_grant_decisions_org_unit_id_org_units')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_grant_decisions')),
    )
    op.add_column('access_grants', sa.Column('decision_id', sa.Uuid(), nullable=True))
    op.create_index(op.f('ix_access_grants_decision_id'), 'access_grants', ['decision_id'], unique=False)
    op.create_foreign_key(op.f('fk_access_grants_decision_id_grant_decisions'), 'access_grants', 'grant_decisions',
                          ['decision_id'], ['id'])
    op.alter_column('access_grants', 'attachment_id', existing_type=sa.Uuid(), nullable=True)
    op.create_check_constraint(op.f('ck_access_grants_one_scan'), 'access_grants',
                               '(decision_id IS NULL) <> (attachment_id IS NULL)')


def downgrade() -> None:
    op.execute("SET LOCAL lock_timeout = '5s'")
    op.execute("""DO $$ BEGIN
        IF EXISTS (SELECT 1 FROM access_grants WHERE decision_id IS NOT NULL) THEN
            RAISE EXCEPTION 'grants rest on grant_decisions: the schema before x21decisions cannot hold them';
        END IF;
    END $$""")
    op.drop_constraint(op.f('ck_access_grants_one_scan'), 'access_grants', type_='check')
    op.alter_column('access_grants', 'attachment_id', existing_type=sa.Uuid(), nullable=False)
    op.drop_constraint(op.f('fk_access_grants_decision_id_grant_decisions'), 'access_grants', type_='foreignkey')
    op.drop_index(op.f('ix_access_grants_decision_id'), table_name='access_grants')
    op.drop_column('access_grants', 'decision_id')
    op.drop_table('grant_decisions')
