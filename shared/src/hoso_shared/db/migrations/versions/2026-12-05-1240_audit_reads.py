"""audit reading (issue 21): the indexes behind the auditor's `GET /api/v1/audit` and a person's
`GET /api/v1/me/record-reads`, newest first by (at, id): no filter or a time range, a record (entity, entity_id),
an actor, an action. (The auditor role itself is code: `hoso_shared.auth.scopes`.)

Revision ID: v21audit
Revises: u21grants
Create Date: 2026-12-05 12:30:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = 'v21audit'
down_revision: str | None = 'u21grants'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INDEXES = {
    'ix_audit_log_at': ['at', 'id'],
    'ix_audit_log_entity': ['entity', 'entity_id', 'at', 'id'],
    'ix_audit_log_actor': ['actor', 'at', 'id'],
    'ix_audit_log_action': ['action', 'at', 'id'],
}


def upgrade() -> None:
    # Never wait long for a lock on a live table: fail the deploy instead of stalling traffic.
    op.execute("SET LOCAL lock_timeout = '5s'")
    for name, columns in INDEXES.items():
        op.create_index(name, 'audit_log', columns, unique=False)


def downgrade() -> None:
    op.execute("SET LOCAL lock_timeout = '5s'")
    for name in INDEXES:
        op.drop_index(name, table_name='audit_log')
