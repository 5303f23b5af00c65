"""stored findings: each record's Đúng–Đủ–Sạch–Sống verdict kept in profile_findings and marked stale by
PostgreSQL whenever something it depends on changes (statement-level triggers with transition tables, so a bulk
write costs one statement, not one per row); every existing record starts stale, for profile-api's judge.

Revision ID: j17findings01
Revises: i17progress1
Create Date: 2026-12-05 04:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = 'j17findings01'
down_revision: str | None = 'i17progress1'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# clock_timestamp, not now(): a change committed while the judge read the record must differ from what it saw.
STALE = """
    INSERT INTO profile_findings (profile_id, stale_at)
    SELECT id, clock_timestamp() FROM (SELECT DISTINCT {column} AS id FROM {rows} WHERE {column} IS NOT NULL) d
    ORDER BY id
    ON CONFLICT (profile_id) DO UPDATE SET stale_at = excluded.stale_at"""

# A record's possible duplicates are the records born the same day (hoso_shared.db.facts): when one is added,
# renamed, re-dated, archived or given another citizen ID, their verdicts may change too.
# A row this transaction marked already is left alone: a bulk write of many people born the same day would
# otherwise rewrite each of their rows once per statement.
NEIGHBOURS = """
    UPDATE profile_findings f SET stale_at = clock_timestamp()
    FROM (SELECT p.id FROM profiles p WHERE p.birth_date IN (SELECT birth_date FROM touched) ORDER BY p.id) n
    WHERE f.profile_id = n.id AND f.xmin <> pg_current_xact_id()::xid"""

FUNCTIONS = {
    # table → (function name, body)
    "findings_stale_by_new": "BEGIN" + STALE.format(column="profile_id", rows="new_rows") + "; RETURN NULL; END",
    "findings_stale_by_old": "BEGIN" + STALE.format(column="profile_id", rows="old_rows") + "; RETURN NULL; END",
    "findings_stale_profiles_added": "BEGIN" + STALE.format(column="id", rows="new_rows") + ";"
    " WITH touched AS (SELECT birth_date FROM new_rows)" + NEIGHBOURS + "; RETURN NULL; END",
    "findings_stale_profiles_changed": "BEGIN" + STALE.format(column="id", rows="new_rows") + ";"
    """ WITH touched AS (
        SELECT n.birth_date FROM new_rows n JOIN old_rows o ON o.id = n.id
        WHERE (n.full_name, n.birth_date, n.citizen_id_hmac, n.archived_at, n.data -> 'birth_place')
              IS DISTINCT FROM (o.full_name, o.birth_date, o.citizen_id_hmac, o.archived_at, o.data -> 'birth_place')
        UNION SELECT o.birth_date FROM new_rows n JOIN old_rows o ON o.id = n.id WHERE n.birth_date <> o.birth_date)"""
    + NEIGHBOURS + "; RETURN NULL; END",
    # Which days are working days moves every deadline: every verdict.
    "findings_stale_all": "BEGIN UPDATE profile_findings SET stale_at = clock_timestamp(); RETURN NULL; END",
}

# (table, event, function, transition table)
TRIGGERS = [
    ("profiles", "INSERT", "findings_stale_profiles_added", "NEW TABLE AS new_rows"),
    ("profiles", "UPDATE", "findings_stale_profiles_changed", "OLD TABLE AS old_rows NEW TABLE AS new_rows"),
    *[(table, event, "findings_stale_by_new", "NEW TABLE AS new_rows")
      for table in ("profile_section_rows", "change_requests", "outbox", "packet_records", "citizen_checks")
      for event in ("INSERT", "UPDATE")],
    ("profile_section_rows", "DELETE", "findings_stale_by_old", "OLD TABLE AS old_rows"),
    ("working_day_overrides", "INSERT", "findings_stale_all", None),
    ("working_day_overrides", "UPDATE", "findings_stale_all", None),
    ("working_day_overrides", "DELETE", "findings_stale_all", None),
]


def _trigger_name(table: str, event: str) -> str:
    return f"{table}_findings_stale_{event.lower()}"


def upgrade() -> None:
    op.execute("SET LOCAL lock_timeout = '5s'")
    op.create_table(
        'profile_findings',
        sa.Column('profile_id', sa.Uuid(), nullable=False),
        sa.Column('stale_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('judged_on', sa.Date(), nullable=True),
        sa.Column('basis', sa.Text(), nullable=True),
        sa.Column('blocking', sa.Boolean(), server_default='false', nullable=False),
        sa.Column('passing_dung', sa.Boolean(), server_default='false', nullable=False),
        sa.Column('passing_du', sa.Boolean(), server_default='false', nullable=False),
        sa.Column('passing_sach', sa.Boolean(), server_default='false', nullable=False),
        sa.Column('passing_song', sa.Boolean(), server_default='false', nullable=False),
        sa.Column('errors', sa.Integer(), server_default='0', nullable=False),
        sa.Column('warnings', sa.Integer(), server_default='0', nullable=False),
        sa.Column('codes', postgresql.JSONB(astext_type=sa.Text()), server_default='{}', nullable=False),
        sa.Column('judged_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['profile_id'], ['profiles.id'], name=op.f('fk_profile_findings_profile_id_profiles'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('profile_id', name=op.f('pk_profile_findings')),
    )
    op.create_index('ix_profile_findings_stale', 'profile_findings', ['stale_at'], unique=False,
                    postgresql_where='stale_at IS NOT NULL')
    # What judging reads per page of records (hoso_shared.db.facts) and what the triggers seek: unindexed, a
    # province-wide verdict grew faster than the province.
    op.create_index(op.f('ix_profiles_birth_date'), 'profiles', ['birth_date'], unique=False)
    op.create_index(op.f('ix_outbox_profile_id'), 'outbox', ['profile_id'], unique=False)
    op.create_index(op.f('ix_packet_records_profile_id'), 'packet_records', ['profile_id'], unique=False)
    op.execute("INSERT INTO profile_findings (profile_id, stale_at) SELECT id, clock_timestamp() FROM profiles")
    for name, body in FUNCTIONS.items():
        op.execute(f"CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$ {body} $$")
    for table, event, function, transition in TRIGGERS:
        referencing = f" REFERENCING {transition}" if transition else ""
        op.execute(f"CREATE TRIGGER {_trigger_name(table, event)} AFTER {event} ON {table}{referencing} "
                   f"FOR EACH STATEMENT EXECUTE FUNCTION {function}()")


def downgrade() -> None:
    op.execute("SET LOCAL lock_timeout = '5s'")
    for table, event, _, _ in TRIGGERS:
        op.execute(f"DROP TRIGGER {_trigger_name(table, event)} ON {table}")
    for name in FUNCTIONS:
        op.execute(f"DROP FUNCTION {name}()")
    op.drop_index(op.f('ix_packet_records_profile_id'), table_name='packet_records')
    op.drop_index(op.f('ix_outbox_profile_id'), table_name='outbox')
    op.drop_index(op.f('ix_profiles_birth_date'), table_name='profiles')
    op.drop_index('ix_profile_findings_stale', table_name='profile_findings', postgresql_where='stale_at IS NOT NULL')
    op.drop_table('profile_findings')
