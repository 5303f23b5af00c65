"""outbox transitions enforced

The outbox row is the one row three services write (`hoso_shared.db.outbox` makes every move). Its
state is read from its marks (sync_batch_id, released_at, consumed_at):

- appended: no batch, not released, not consumed. The only state a row is inserted in.
- batched: in a batch (sync_batch_id), not released. A row joins a batch from appended and leaves it
  back to appended (the batch returned); it never moves from one batch to another.
- released: released_at set, by a batch (sync_batch_id set in the same UPDATE or before). Set once:
  never cleared, never moved; the batch stays.
- consumed: consumed_at set, only on a row released before this UPDATE. Then nothing changes again.

Whatever the state, what the row announces (id, profile_id, profile_version, change_request_id,
org_unit_id, payload, created_at) never changes, and no row is deleted. An UPDATE that leaves a row as
it was is allowed. Two CHECKs state the reachable states (released ⇒ batched, consumed ⇒ released);
the trigger states the moves. Errors are SQLSTATE 23000 (integrity_constraint_violation).

Revision ID: 5d1f0c2a9b7e
Revises: 7eea25b68e3e
Create Date: 2026-11-24 09:00:00.000000
"""

from collections.abc import Sequence

from alembic import op

revision: str = '5d1f0c2a9b7e'
down_revision: str | None = '7eea25b68e3e'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TRANSITIONS = """CREATE FUNCTION outbox_transitions() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'outbox rows are kept: % may not be deleted', OLD.id
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    IF TG_OP = 'INSERT' THEN
        IF NEW.sync_batch_id IS NOT NULL OR NEW.released_at IS NOT NULL OR NEW.consumed_at IS NOT NULL THEN
            RAISE EXCEPTION 'an outbox row is appended with no batch, release or consumption'
                USING ERRCODE = 'integrity_constraint_violation';
        END IF;
        RETURN NEW;
    END IF;
    IF (NEW.id, NEW.profile_id, NEW.profile_version, NEW.change_request_id, NEW.org_unit_id, NEW.payload,
        NEW.created_at) IS DISTINCT FROM
       (OLD.id, OLD.profile_id, OLD.profile_version, OLD.change_request_id, OLD.org_unit_id, OLD.payload,
        OLD.created_at) THEN
        RAISE EXCEPTION 'outbox row %: what it announces never changes', OLD.id
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    IF OLD.consumed_at IS NOT NULL THEN
        IF (NEW.sync_batch_id, NEW.released_at, NEW.consumed_at) IS DISTINCT FROM
           (OLD.sync_batch_id, OLD.released_at, OLD.consumed_at) THEN
            RAISE EXCEPTION 'outbox row %: a consumed row never changes', OLD.id
                USING ERRCODE = 'integrity_constraint_violation';
        END IF;
    ELSIF OLD.released_at IS NOT NULL THEN
        IF (NEW.sync_batch_id, NEW.released_at) IS DISTINCT FROM (OLD.sync_batch_id, OLD.released_at) THEN
            RAISE EXCEPTION 'outbox row %: released once, by its batch, for good', OLD.id
                USING ERRCODE = 'integrity_constraint_violation';
        END IF;
    ELSE
        IF NEW.consumed_at IS NOT NULL THEN
            RAISE EXCEPTION 'outbox row %: consumed only once released', OLD.id
                USING ERRCODE = 'integrity_constraint_violation';
        END IF;
        IF OLD.sync_batch_id IS NOT NULL AND NEW.sync_batch_id IS NOT NULL
           AND NEW.sync_batch_id <> OLD.sync_batch_id THEN
            RAISE EXCEPTION 'outbox row %: leaves its batch before joining another', OLD.id
                USING ERRCODE = 'integrity_constraint_violation';
        END IF;
        IF NEW.released_at IS NOT NULL AND NEW.sync_batch_id IS NULL THEN
            RAISE EXCEPTION 'outbox row %: released only by a batch', OLD.id
                USING ERRCODE = 'integrity_constraint_violation';
        END IF;
    END IF;
    RETURN NEW;
END $$"""


def upgrade() -> None:
    # Never wait long for a lock on a live table: fail the deploy instead of stalling traffic.
    op.execute("SET LOCAL lock_timeout = '5s'")
    op.create_check_constraint('released_by_a_batch', 'outbox', "released_at IS NULL OR sync_batch_id IS NOT NULL")
    op.create_check_constraint('consumed_once_released', 'outbox', "consumed_at IS NULL OR released_at IS NOT NULL")
    op.execute(TRANSITIONS)
    op.execute("CREATE TRIGGER outbox_transitions BEFORE INSERT OR UPDATE OR DELETE ON outbox "
               "FOR EACH ROW EXECUTE FUNCTION outbox_transitions()")


def downgrade() -> None:
    op.execute("SET LOCAL lock_timeout = '5s'")
    op.execute("DROP TRIGGER outbox_transitions ON outbox")
    op.execute("DROP FUNCTION outbox_transitions()")
    op.drop_constraint(op.f('ck_outbox_consumed_once_released'), 'outbox', type_='check')
    op.drop_constraint(op.f('ck_outbox_released_by_a_batch'), 'outbox', type_='check')
