"""grant decisions: the written decision a grant rests on, scanned and sealed on its own (not as an attachment of
somebody's record).

Revision ID: x21decisions
Revises: v21audit
Create Date: 2026-12-05 12:50:00
"""

from collections.abc import Sequence

revision: str = 'x21decisions'
down_revision: str | None = 'v21audit'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
