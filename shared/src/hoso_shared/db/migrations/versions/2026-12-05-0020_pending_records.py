"""pending records: who entered each record (`profiles.created_by`), so profile-api's reconciler can forward a
pending record's `create` request again in its creator's name, and a partial index on the pending records it
reads every tick. (The citizen ID of a pending record archived after its create was rejected or withdrawn is
freed by a tombstone value in `citizen_id_hmac`: no schema change.)

Revision ID: f14pending01
Revises: e14transfer01
Create Date: 2026-12-05 00:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = 'f14pending01'
down_revision: str | None = 'e14transfer01'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Never wait long for a lock on a live table: fail the deploy instead of stalling traffic.
    op.execute("SET LOCAL lock_timeout = '5s'")
    op.add_column('profiles', sa.Column('created_by', sa.Uuid(), nullable=True))
    # The pending records already there: their creator is the account in the actor of their audit "create"
    # entry ("username:account-id", profile_api.audit.service.actor_of). Approved records need none.
    op.execute(r"""
        UPDATE profiles p SET created_by = substring(a.actor from ':([0-9a-f-]{36})$')::uuid
        FROM audit_log a
        WHERE p.version = 0 AND p.archived_at IS NULL
          AND a.entity = 'profile' AND a.action = 'create' AND a.entity_id = p.id::text
          AND a.actor ~ ':[0-9a-f-]{36}$'
    """)
    op.create_index('ix_profiles_pending', 'profiles', ['created_at'], unique=False,
                    postgresql_where=sa.text('version = 0 AND archived_at IS NULL'))


def downgrade() -> None:
    op.execute("SET LOCAL lock_timeout = '5s'")
    op.drop_index('ix_profiles_pending', table_name='profiles',
                  postgresql_where=sa.text('version = 0 AND archived_at IS NULL'))
    op.drop_column('profiles', 'created_by')
