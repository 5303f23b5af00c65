"""fix tasks (issue 16: HR asks a person to fix what a rule found in their record).

`fix_requests`: one open request per (record, rule) (a partial unique index, so asking twice is one request); the
message is sealed. A request closes when the judge writes a current verdict of the record without its rule: a
row trigger on `profile_findings`, fired only when a verdict is written (stale_at cleared, judged_on set) that is the
record's first or whose codes changed, so re-judging records whose findings did not change costs nothing more.

Revision ID: o16fixtask1
Revises: l17judge01
Create Date: 2026-12-05 09:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = 'o16fixtask1'
down_revision: str | None = 'l17judge01'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

CLOSE = """
CREATE FUNCTION fix_requests_close() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE fix_requests SET closed_at = clock_timestamp()
    WHERE profile_id = NEW.profile_id AND closed_at IS NULL AND NOT (NEW.codes ? rule_code);
    RETURN NULL;
END $$"""

TRIGGER = """
CREATE TRIGGER fix_requests_close AFTER UPDATE OF codes, stale_at ON profile_findings
FOR EACH ROW WHEN (NEW.stale_at IS NULL AND NEW.judged_on IS NOT NULL
                  AND (OLD.judged_on IS NULL OR NEW.codes IS DISTINCT FROM OLD.codes))
EXECUTE FUNCTION fix_requests_close()"""


def upgrade() -> None:
    op.execute("SET LOCAL lock_timeout = '5s'")
    op.create_table(
        'fix_requests',
        sa.Column('profile_id', sa.Uuid(), nullable=False),
        sa.Column('rule_code', sa.Text(), nullable=False),
        sa.Column('message', sa.LargeBinary(), nullable=False),
        sa.Column('requested_by', sa.Uuid(), nullable=False),
        sa.Column('requested_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
        sa.Column('due_on', sa.Date(), nullable=False),
        sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('id', sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(['profile_id'], ['profiles.id'], name=op.f('fk_fix_requests_profile_id_profiles'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_fix_requests')),
    )
    op.create_index('ix_fix_requests_open', 'fix_requests', ['profile_id', 'rule_code'], unique=True,
                    postgresql_where=sa.text('closed_at IS NULL'))
    op.execute(CLOSE)
    op.execute(TRIGGER)


def downgrade() -> None:
    op.execute("SET LOCAL lock_timeout = '5s'")
    op.execute("DROP TRIGGER fix_requests_close ON profile_findings")
    op.execute("DROP FUNCTION fix_requests_close()")
    op.drop_index('ix_fix_requests_open', table_name='fix_requests', postgresql_where=sa.text('closed_at IS NULL'))
    op.drop_table('fix_requests')
