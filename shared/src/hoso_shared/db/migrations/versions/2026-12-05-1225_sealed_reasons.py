"""sealed reasons: why the national side rejected a record (`change_requests.national_reason`,
`packet_records.reason`) is the national side's free text about a person ("Họ tên không khớp …"), so it is
sealed at rest like the other personal data (hoso_shared.db.sealed). Only rows with a reason are rewritten (the
rejected ones: few), with the cipher `migrate.upgrade` is given or, in the migration Job, HOSO_FIELD_KEYS's.

Revision ID: w19reasons
Revises: s18editions
Create Date: 2026-12-05 12:25:00
"""

from collections.abc import Callable, Sequence
from typing import Any

import sqlalchemy as sa
from alembic import context, op

revision: str = 'w19reasons'
down_revision: str | None = 's18editions'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BATCH = 500
# table, key, column
REASONS = (("change_requests", "id", "national_reason"), ("packet_records", "outbox_id", "reason"))


def _cipher() -> Any:
    from hoso_shared.crypto import FieldCipher
    from hoso_shared.settings import CommonSettings

    given = context.config.attributes.get("field_cipher")
    return given if given is not None else FieldCipher.from_settings(CommonSettings())


class _Lazy:
    """The cipher, built when a row first needs it (an empty database migrates with no key configured)."""

    def __init__(self) -> None:
        self.cipher: Any = None

    def __call__(self) -> Any:
        if self.cipher is None:
            self.cipher = _cipher()
        return self.cipher


def _swap(table: str, key: str, column: str, new_type: Any, change: Callable[[Any], Any]) -> None:
    """`column` becomes `new_type`, each non-null value changed by `change`, a batch at a time in key order."""
    conn = op.get_bind()
    op.add_column(table, sa.Column(f"{column}_new", new_type, nullable=True))
    after: Any = None
    while True:
        where = f"AND {key} > :after " if after is not None else ""
        rows = conn.execute(sa.text(f"SELECT {key}, {column} FROM {table} WHERE {column} IS NOT NULL {where}"
                                    f"ORDER BY {key} LIMIT {BATCH}"), {"after": after}).all()
        if not rows:
            break
        conn.execute(sa.text(f"UPDATE {table} SET {column}_new = :value WHERE {key} = :key"),
                     [{"key": k, "value": change(v)} for k, v in rows])
        after = rows[-1][0]
    op.drop_column(table, column)
    op.alter_column(table, f"{column}_new", new_column_name=column)


def upgrade() -> None:
    from hoso_shared.db.sealed import seal

    op.execute("SET LOCAL lock_timeout = '5s'")
    cipher = _Lazy()
    for table, key, column in REASONS:
        def sealed(value: str, field: str = f"{table}.{column}") -> bytes:
            return seal(cipher(), value.encode(), field=field)
        _swap(table, key, column, sa.LargeBinary(), sealed)


def downgrade() -> None:
    from hoso_shared.db.sealed import unseal

    op.execute("SET LOCAL lock_timeout = '5s'")
    cipher = _Lazy()
    for table, key, column in REASONS:
        def opened(value: bytes, field: str = f"{table}.{column}") -> str:
            return unseal(cipher(), bytes(value), field=field).decode()
        _swap(table, key, column, sa.Text(), opened)
