"""transfers: a person's move to another agency handed over (proposed by the sender with its decision, accepted
or refused by the receiver: QĐ 6187/QĐ-UBND Điều 12 khoản 1 điểm a), and moves to a central body reported to
DOHA for the national hand-over (khoản 2.1 điểm b). One open proposal per person.

Revision ID: e14transfer01
Revises: d14create0001
Create Date: 2026-12-05 00:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = 'e14transfer01'
down_revision: str | None = 'd14create0001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Never wait long for a lock on a live table: fail the deploy instead of stalling traffic.
    op.execute("SET LOCAL lock_timeout = '5s'")
    op.create_table(
        'transfers',
        sa.Column('kind', sa.Text(), nullable=False),
        sa.Column('state', sa.Text(), nullable=False),
        sa.Column('profile_id', sa.Uuid(), nullable=False),
        sa.Column('from_org_unit_id', sa.Uuid(), nullable=False),
        sa.Column('to_org_unit_id', sa.Uuid(), nullable=True),
        sa.Column('destination', sa.Text(), nullable=True),
        sa.Column('effective_on', sa.Date(), nullable=False),
        sa.Column('decision_number', sa.Text(), nullable=False),
        sa.Column('decision_issued_on', sa.Date(), nullable=False),
        sa.Column('decision_issuer', sa.Text(), nullable=False),
        sa.Column('attachment_ids', sa.ARRAY(sa.Uuid()), server_default=sa.text("'{}'"), nullable=False),
        sa.Column('comment', sa.Text(), nullable=True),
        sa.Column('proposed_by', sa.Uuid(), nullable=False),
        sa.Column('decided_by', sa.Uuid(), nullable=True),
        sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('note', sa.Text(), nullable=True),
        sa.Column('placed_org_unit_id', sa.Uuid(), nullable=True),
        sa.Column('change_request_id', sa.Uuid(), nullable=True),
        sa.Column('id', sa.Uuid(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
        sa.CheckConstraint("kind IN ('between_agencies', 'to_central_body')", name=op.f('ck_transfers_kind')),
        sa.CheckConstraint("state IN ('proposed', 'accepted', 'refused', 'cancelled', 'reported', 'handed_over')",
                           name=op.f('ck_transfers_state')),
        sa.CheckConstraint("(kind = 'between_agencies') = (to_org_unit_id IS NOT NULL)",
                           name=op.f('ck_transfers_receiver')),
        sa.CheckConstraint("(kind = 'to_central_body') = (destination IS NOT NULL)",
                           name=op.f('ck_transfers_destination')),
        sa.CheckConstraint("(decided_at IS NULL) = (state IN ('proposed', 'reported'))",
                           name=op.f('ck_transfers_decided')),
        sa.CheckConstraint("state <> 'refused' OR length(btrim(note)) > 0", name=op.f('ck_transfers_refusal_reason')),
        sa.ForeignKeyConstraint(['from_org_unit_id'], ['org_units.id'],
                                name=op.f('fk_transfers_from_org_unit_id_org_units')),
        sa.ForeignKeyConstraint(['placed_org_unit_id'], ['org_units.id'],
                                name=op.f('fk_transfers_placed_org_unit_id_org_units')),
        sa.ForeignKeyConstraint(['profile_id'], ['profiles.id'], name=op.f('fk_transfers_profile_id_profiles')),
        sa.ForeignKeyConstraint(['to_org_unit_id'], ['org_units.id'],
                                name=op.f('fk_transfers_to_org_unit_id_org_units')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_transfers')),
    )
    op.create_index(op.f('ix_transfers_profile_id'), 'transfers', ['profile_id'], unique=False)
    op.create_index('ix_transfers_one_open', 'transfers', ['profile_id'], unique=True,
                    postgresql_where=sa.text("state = 'proposed'"))
    op.create_index('ix_transfers_to_state', 'transfers', ['to_org_unit_id', 'state'], unique=False)
    op.create_index('ix_transfers_from_state', 'transfers', ['from_org_unit_id', 'state'], unique=False)


def downgrade() -> None:
    op.execute("SET LOCAL lock_timeout = '5s'")
    op.drop_table('transfers')
