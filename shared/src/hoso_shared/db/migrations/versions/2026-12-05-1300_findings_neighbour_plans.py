"""findings neighbour plans: the triggers find the neighbours they mark stale through arrays (birth days, then
profile ids), so every scan is a single pass whatever the planner believes about the tables' sizes.

A chunk of a 50,000-row import (issue 17) took 0.5 s more for every 1,000 rows already stored in its
transaction, and failed CI at 30 s: with statistics saying `profiles` and `profile_findings` are empty (what
autovacuum records of a table whose rows are all still uncommitted, as in a first import), PostgreSQL joined the
neighbours by nested loops with a join filter, every stored verdict compared with every neighbour. `= ANY
(ARRAY(…))` computes each set once and scans each table once, by index or in full, never per row. The lock order
(profile id, migration r17lockorder) is kept.

Revision ID: y17neighbours
Revises: x21decisions
Create Date: 2026-12-05 13:00:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = 'y17neighbours'
down_revision: str | None = 'x21decisions'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

STALE = """
    INSERT INTO profile_findings (profile_id, stale_at)
    SELECT id, clock_timestamp() FROM (SELECT DISTINCT id FROM new_rows WHERE id IS NOT NULL) d
    ORDER BY id
    ON CONFLICT (profile_id) DO UPDATE SET stale_at = excluded.stale_at"""

# A row this transaction marked already is left alone (a bulk write of many people born the same day would
# otherwise rewrite each of their rows once per statement).
NEIGHBOURS = """,
    locked AS MATERIALIZED (
        SELECT f.profile_id FROM profile_findings f
        WHERE f.profile_id = ANY (ARRAY(
                SELECT p.id FROM profiles p
                WHERE p.birth_date = ANY (ARRAY(SELECT DISTINCT birth_date FROM touched WHERE birth_date IS NOT NULL))))
          AND f.xmin <> pg_current_xact_id()::xid
        ORDER BY f.profile_id FOR UPDATE OF f)
    UPDATE profile_findings f SET stale_at = clock_timestamp()
    WHERE f.profile_id = ANY (ARRAY(SELECT profile_id FROM locked))"""

ADDED = "BEGIN" + STALE + "; WITH touched AS (SELECT birth_date FROM new_rows)" + NEIGHBOURS + "; RETURN NULL; END"
CHANGED = "BEGIN" + STALE + """; WITH touched AS (
        SELECT n.birth_date FROM new_rows n JOIN old_rows o ON o.id = n.id
        WHERE (n.full_name, n.birth_date, n.citizen_id_hmac, n.archived_at, n.data -> 'birth_place')
              IS DISTINCT FROM (o.full_name, o.birth_date, o.citizen_id_hmac, o.archived_at, o.data -> 'birth_place')
        UNION SELECT o.birth_date FROM new_rows n JOIN old_rows o ON o.id = n.id WHERE n.birth_date <> o.birth_date)
    """ + NEIGHBOURS + "; RETURN NULL; END"

# As migration r17lockorder left them.
R17_NEIGHBOURS = """,
    locked AS MATERIALIZED (
        SELECT f.profile_id FROM profile_findings f JOIN profiles p ON p.id = f.profile_id
        WHERE p.birth_date IN (SELECT birth_date FROM touched) AND f.xmin <> pg_current_xact_id()::xid
        ORDER BY f.profile_id FOR UPDATE OF f)
    UPDATE profile_findings f SET stale_at = clock_timestamp() FROM locked l WHERE f.profile_id = l.profile_id"""


def _replace(name: str, body: str) -> None:
    op.execute(f"CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$ {body} $$")


def upgrade() -> None:
    _replace("findings_stale_profiles_added", ADDED)
    _replace("findings_stale_profiles_changed", CHANGED)


def downgrade() -> None:
    _replace("findings_stale_profiles_added", ADDED.replace(NEIGHBOURS, R17_NEIGHBOURS))
    _replace("findings_stale_profiles_changed", CHANGED.replace(NEIGHBOURS, R17_NEIGHBOURS))
