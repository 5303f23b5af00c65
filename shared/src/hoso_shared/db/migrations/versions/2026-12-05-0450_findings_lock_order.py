"""stale marks taken in one order: the triggers that mark records born the same day as stale
(`findings_stale_profiles_added`, `findings_stale_profiles_changed`) updated their rows in whatever order the
join produced, while every other marker inserts in profile order; a bulk import's COPY and approval-api's batch
of create requests for the chunk before it deadlocked (seen at 39,000 rows of a 100,000-row import). The rows
are now locked in profile order (`SELECT … ORDER BY … FOR UPDATE` locks as it sorts), as the others are, so two
marking statements can no longer wait on each other in a circle.

Revision ID: n17lockorder
Revises: l17judge01
Create Date: 2026-12-05 07:20:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = 'n17lockorder'
down_revision: str | None = 'l17judge01'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ORDERED = """
    UPDATE profile_findings f SET stale_at = clock_timestamp()
    FROM (SELECT g.profile_id FROM profile_findings g JOIN profiles p ON p.id = g.profile_id
          WHERE p.birth_date IN (SELECT birth_date FROM touched) AND g.xmin <> pg_current_xact_id()::xid
          ORDER BY g.profile_id FOR UPDATE OF g) n
    WHERE f.profile_id = n.profile_id"""

UNORDERED = """
    UPDATE profile_findings f SET stale_at = clock_timestamp()
    FROM (SELECT p.id FROM profiles p WHERE p.birth_date IN (SELECT birth_date FROM touched) ORDER BY p.id) n
    WHERE f.profile_id = n.id AND f.xmin <> pg_current_xact_id()::xid"""

STALE = """
    INSERT INTO profile_findings (profile_id, stale_at)
    SELECT id, clock_timestamp() FROM (SELECT DISTINCT id FROM new_rows WHERE id IS NOT NULL) d
    ORDER BY id
    ON CONFLICT (profile_id) DO UPDATE SET stale_at = excluded.stale_at"""

CHANGED = """ WITH touched AS (
        SELECT n.birth_date FROM new_rows n JOIN old_rows o ON o.id = n.id
        WHERE (n.full_name, n.birth_date, n.citizen_id_hmac, n.archived_at, n.data -> 'birth_place')
              IS DISTINCT FROM (o.full_name, o.birth_date, o.citizen_id_hmac, o.archived_at, o.data -> 'birth_place')
        UNION SELECT o.birth_date FROM new_rows n JOIN old_rows o ON o.id = n.id WHERE n.birth_date <> o.birth_date)"""


def _define(neighbours: str) -> None:
    bodies = {
        "findings_stale_profiles_added": "BEGIN" + STALE + "; WITH touched AS (SELECT birth_date FROM new_rows)"
        + neighbours + "; RETURN NULL; END",
        "findings_stale_profiles_changed": "BEGIN" + STALE + ";" + CHANGED + neighbours + "; RETURN NULL; END",
    }
    for name, body in bodies.items():
        op.execute(f"CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$ {body} $$")


def upgrade() -> None:
    op.execute("SET LOCAL lock_timeout = '5s'")
    _define(ORDERED)


def downgrade() -> None:
    op.execute("SET LOCAL lock_timeout = '5s'")
    _define(UNORDERED)
