"""import jobs run by workers: a job keeps its file (sealed, in pieces) and who it acts as, so an import worker
process claims it (FOR UPDATE SKIP LOCKED), beats a heartbeat and resumes it after a crash; the rows of its
repeating-table sheets are staged (sealed) while it runs. Jobs queued or running before this revision had their
file only in the memory of the process that took them: they are failed here with a reason.

Revision ID: k17imports01
Revises: j17findings01
Create Date: 2026-12-05 04:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = 'k17imports01'
down_revision: str | None = 'j17findings01'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JOB_COLUMNS = ("acting_as", "checked_on", "file_bytes", "file_sha256", "worker", "heartbeat_at", "attempts",
               "resume_row")


def upgrade() -> None:
    # Never wait long for a lock on a live table: fail the deploy instead of stalling traffic.
    op.execute("SET LOCAL lock_timeout = '5s'")
    op.add_column('import_jobs', sa.Column('acting_as', postgresql.JSONB(astext_type=sa.Text()),
                                           server_default='{}', nullable=False))
    op.add_column('import_jobs', sa.Column('checked_on', sa.Date(), nullable=True))
    op.add_column('import_jobs', sa.Column('file_bytes', sa.Integer(), server_default='0', nullable=False))
    op.add_column('import_jobs', sa.Column('file_sha256', sa.Text(), nullable=True))
    op.add_column('import_jobs', sa.Column('worker', sa.Text(), nullable=True))
    op.add_column('import_jobs', sa.Column('heartbeat_at', sa.DateTime(timezone=True), nullable=True))
    op.add_column('import_jobs', sa.Column('attempts', sa.Integer(), server_default='0', nullable=False))
    op.add_column('import_jobs', sa.Column('resume_row', sa.Integer(), server_default='0', nullable=False))
    op.execute("UPDATE import_jobs SET state = 'failed', finished_at = now(), failure = 'Việc nhập bị dừng khi "
               "nâng cấp hệ thống; hãy tải tệp lên lại. The import was stopped by an upgrade; upload the file "
               "again.' WHERE state IN ('queued', 'running')")
    op.create_index('ix_import_jobs_claimable', 'import_jobs', ['created_at'], unique=False,
                    postgresql_where=sa.text("state IN ('queued', 'running')"))
    op.create_table(
        'import_job_files',
        sa.Column('job_id', sa.Uuid(), nullable=False),
        sa.Column('seq', sa.Integer(), nullable=False),
        sa.Column('content', sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(['job_id'], ['import_jobs.id'], name=op.f('fk_import_job_files_job_id_import_jobs'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('job_id', 'seq', name=op.f('pk_import_job_files')),
    )
    op.create_table(
        'import_job_rows',
        sa.Column('job_id', sa.Uuid(), nullable=False),
        sa.Column('sheet', sa.Text(), nullable=False),
        sa.Column('row', sa.Integer(), nullable=False),
        sa.Column('owner_row', sa.Integer(), nullable=False),
        sa.Column('cells', sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(['job_id'], ['import_jobs.id'], name=op.f('fk_import_job_rows_job_id_import_jobs'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('job_id', 'sheet', 'row', name=op.f('pk_import_job_rows')),
    )
    op.create_index('ix_import_job_rows_owner', 'import_job_rows', ['job_id', 'owner_row'], unique=False)


def downgrade() -> None:
    op.execute("SET LOCAL lock_timeout = '5s'")
    op.drop_index('ix_import_job_rows_owner', table_name='import_job_rows')
    op.drop_table('import_job_rows')
    op.drop_table('import_job_files')
    op.drop_index('ix_import_jobs_claimable', table_name='import_jobs',
                  postgresql_where=sa.text("state IN ('queued', 'running')"))
    for column in reversed(JOB_COLUMNS):
        op.drop_column('import_jobs', column)
