"""findings lock order: the triggers (and the calendar's mark-all) lock the stored verdicts they mark stale in
profile-id order, as the other markers already do (their INSERT … SELECT … ORDER BY … ON CONFLICT).

A 200,000-row import deadlocked at 140,000 rows (issue 17): its chunk's new records marked the records born the
same days with an UPDATE … FROM whose hash join locked them in the table's physical order, while approval-api's
create requests for the chunk before marked some of the same rows in id order. Locked in one order, they wait
for each other instead. The lock is taken by a materialised, sorted SELECT … FOR UPDATE (its rows locked as the
sort hands them out); the UPDATE then finds every row locked already.

Revision ID: r17lockorder
Revises: q19leases
Create Date: 2026-12-05 12:10:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = 'r17lockorder'
down_revision: str | None = 'q19leases'
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
        SELECT f.profile_id FROM profile_findings f JOIN profiles p ON p.id = f.profile_id
        WHERE p.birth_date IN (SELECT birth_date FROM touched) AND f.xmin <> pg_current_xact_id()::xid
        ORDER BY f.profile_id FOR UPDATE OF f)
    UPDATE profile_findings f SET stale_at = clock_timestamp() FROM locked l WHERE f.profile_id = l.profile_id"""

ADDED = "BEGIN" + STALE + "; WITH touched AS (SELECT birth_date FROM new_rows)" + NEIGHBOURS + "; RETURN NULL; END"
CHANGED = "BEGIN" + STALE + """; WITH touched AS (
        SELECT n.birth_date FROM new_rows n JOIN old_rows o ON o.id = n.id
        WHERE (n.full_name, n.birth_date, n.citizen_id_hmac, n.archived_at, n.data -> 'birth_place')
              IS DISTINCT FROM (o.full_name, o.birth_date, o.citizen_id_hmac, o.archived_at, o.data -> 'birth_place')
        UNION SELECT o.birth_date FROM new_rows n JOIN old_rows o ON o.id = n.id WHERE n.birth_date <> o.birth_date)
    """ + NEIGHBOURS + "; RETURN NULL; END"
ALL = """BEGIN
    WITH locked AS MATERIALIZED (SELECT profile_id FROM profile_findings ORDER BY profile_id FOR UPDATE)
    UPDATE profile_findings f SET stale_at = clock_timestamp() FROM locked l WHERE f.profile_id = l.profile_id;
    RETURN NULL; END"""

UNORDERED_NEIGHBOURS = """
    UPDATE profile_findings f SET stale_at = clock_timestamp()
    FROM (SELECT p.id FROM profiles p WHERE p.birth_date IN (SELECT birth_date FROM touched) ORDER BY p.id) n
    WHERE f.profile_id = n.id AND f.xmin <> pg_current_xact_id()::xid"""


def _replace(name: str, body: str) -> None:
    op.execute(f"CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$ {body} $$")


def upgrade() -> None:
    _replace("findings_stale_profiles_added", ADDED)
    _replace("findings_stale_profiles_changed", CHANGED)
    _replace("findings_stale_all", ALL)


def downgrade() -> None:
    _replace("findings_stale_profiles_added", ADDED.replace(NEIGHBOURS, UNORDERED_NEIGHBOURS))
    _replace("findings_stale_profiles_changed", CHANGED.replace(NEIGHBOURS, UNORDERED_NEIGHBOURS))
    _replace("findings_stale_all", "BEGIN UPDATE profile_findings SET stale_at = clock_timestamp(); RETURN NULL; END")
