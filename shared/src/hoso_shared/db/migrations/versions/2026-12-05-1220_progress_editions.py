"""progress editions (issue 18 item 5): the public progress page published on a schedule, each edition kept.

MOHA's directive (Công văn 1632/BNV-VP, 2023) publishes each province's update and sync progress at 12:00 every
Monday, Wednesday and Friday; the province publishes its own page the same way (the schedule is the deadline
policy's). One row per scope and scheduled time (`uq_progress_editions_scope_scheduled_for`): a second replica
publishing the same edition inserts nothing. An edition holds what it showed (HTML), its figures (the signed JSON
document and its detached JWS) and its signed PDF: aggregates only, never a person's data.

Immutable, enforced by the database: a trigger refuses every UPDATE and DELETE of a row, and TRUNCATE of the
table (SQLSTATE 42501), so a published edition can never change or vanish, whatever the application does.

Revision ID: s18editions
Revises: t19sources
Create Date: 2026-12-05 12:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = 's18editions'
down_revision: str | None = 't19sources'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

IMMUTABLE = """CREATE FUNCTION progress_editions_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'a published progress edition never changes (% refused)', TG_OP
    USING ERRCODE = 'insufficient_privilege';
END $$"""


def upgrade() -> None:
    # Never wait long for a lock on a live table: fail the deploy instead of stalling traffic.
    op.execute("SET LOCAL lock_timeout = '5s'")
    op.create_table(
        'progress_editions',
        sa.Column('scope', sa.Text(), nullable=False),
        sa.Column('scheduled_for', sa.DateTime(timezone=True), nullable=False),
        sa.Column('published_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('late', sa.Boolean(), nullable=False),
        sa.Column('document', postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column('signature', sa.Text(), nullable=False),
        sa.Column('html', sa.Text(), nullable=False),
        sa.Column('pdf', sa.LargeBinary(), nullable=False),
        sa.Column('id', sa.Uuid(), nullable=False),
        sa.CheckConstraint('published_at >= scheduled_for', name=op.f('ck_progress_editions_after_its_slot')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_progress_editions')),
        sa.UniqueConstraint('scope', 'scheduled_for', name=op.f('uq_progress_editions_scope_scheduled_for')),
    )
    op.execute(IMMUTABLE)
    op.execute("""CREATE TRIGGER progress_editions_immutable BEFORE UPDATE OR DELETE ON progress_editions
                  FOR EACH ROW EXECUTE FUNCTION progress_editions_immutable()""")
    op.execute("""CREATE TRIGGER progress_editions_no_truncate BEFORE TRUNCATE ON progress_editions
                  FOR EACH STATEMENT EXECUTE FUNCTION progress_editions_immutable()""")


def downgrade() -> None:
    op.execute("SET LOCAL lock_timeout = '5s'")
    op.drop_table('progress_editions')  # its triggers go with it
    op.execute("DROP FUNCTION progress_editions_immutable()")
