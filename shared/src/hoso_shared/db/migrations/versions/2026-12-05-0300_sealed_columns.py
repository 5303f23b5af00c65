"""sealed columns: change requests' payloads, packets' bodies and signatures, receipts and scanned evidence
are sealed with the field cipher (hoso_shared.db.sealed); a change request keeps an outline of the keys it
touches, which is what SQL asks of it. Existing rows are sealed here (and opened again on downgrade), with
the cipher `migrate.upgrade` is given or, in the migration Job, the one HOSO_FIELD_KEYS configures.

Revision ID: h20sealed01
Revises: g20throttle1
Create Date: 2026-12-05 03:00:00
"""

from collections.abc import Callable, Sequence
from functools import partial
from typing import Any

import sqlalchemy as sa
from alembic import context, op
from sqlalchemy.dialects import postgresql

revision: str = 'h20sealed01'
down_revision: str | None = 'g20throttle1'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BATCH = 500
# table, key, column, column type in clear
SEALED = (("change_requests", "id", "payload", "jsonb"), ("packets", "id", "body", "bytea"),
          ("packets", "id", "jws", "text"), ("receipts", "id", "body", "jsonb"),
          ("attachments", "id", "content", "bytea"))


def _cipher() -> Any:
    from hoso_shared.crypto import FieldCipher
    from hoso_shared.settings import CommonSettings

    given = context.config.attributes.get("field_cipher")
    return given if given is not None else FieldCipher.from_settings(CommonSettings())


def _rewrite(table: str, key: str, source: str, target: str, change: Callable[[Any], Any], *,
             read_as: str = "", write_as: str = "") -> None:
    """`target` = change(`source`) for every row, a batch at a time in key order. `read_as`/`write_as` cast
    (jsonb travels as its text); the cipher is built only when a row needs it, so an empty database migrates
    with no key configured."""
    conn = op.get_bind()
    after: Any = None
    value = f"CAST(:value AS {write_as})" if write_as else ":value"
    while True:
        where = f"WHERE {key} > :after " if after is not None else ""
        select = f"SELECT {key}, {source}{read_as} FROM {table} {where}ORDER BY {key} LIMIT {BATCH}"
        rows = conn.execute(sa.text(select), {"after": after}).all()
        if not rows:
            return
        conn.execute(sa.text(f"UPDATE {table} SET {target} = {value} WHERE {key} = :key"),
                     [{"key": k, "value": None if v is None else change(v)} for k, v in rows])
        after = rows[-1][0]


def _fill(table: str, key: str, source: str, change: Callable[[Any], Any], target: str, **casts: str) -> None:
    _rewrite(table, key, source, target, change, **casts)


def _swap(table: str, column: str, new_type: Any, fill: Callable[[str], None]) -> None:
    op.add_column(table, sa.Column(f"{column}_new", new_type, nullable=True))
    fill(f"{column}_new")
    op.drop_column(table, column)
    op.alter_column(table, f"{column}_new", new_column_name=column, nullable=False)


class _Lazy:
    def __init__(self) -> None:
        self.cipher: Any = None

    def __call__(self) -> Any:
        if self.cipher is None:
            self.cipher = _cipher()
        return self.cipher


def upgrade() -> None:
    from hoso_shared.db.sealed import seal

    op.execute("SET LOCAL lock_timeout = '5s'")
    op.add_column('change_requests', sa.Column('outline', postgresql.JSONB(astext_type=sa.Text()), nullable=True))
    op.execute("""
        UPDATE change_requests SET outline = jsonb_build_object(
          'keys', COALESCE((SELECT jsonb_agg(k ORDER BY k) FROM jsonb_object_keys(payload) k), '[]'),
          'items', COALESCE((SELECT jsonb_agg(k ORDER BY k) FROM jsonb_object_keys(
              CASE jsonb_typeof(payload->'items') WHEN 'object' THEN payload->'items' ELSE '{}' END) k), '[]'),
          'sections', COALESCE((SELECT jsonb_agg(k ORDER BY k) FROM jsonb_object_keys(
              CASE jsonb_typeof(payload->'sections') WHEN 'object' THEN payload->'sections' ELSE '{}' END) k), '[]'))
    """)
    op.alter_column('change_requests', 'outline', nullable=False)
    cipher = _Lazy()
    # Sealing rewrites how a packet's bytes rest, not the packet: its hash and signature stay those of the clear
    # canonical bytes, so the guard against changing a signed packet steps aside for this rewrite only.
    op.execute("ALTER TABLE packets DISABLE TRIGGER packets_immutable")
    for table, key, column, kind in SEALED:
        def sealed(value: Any, field: str = f"{table}.{column}") -> bytes:
            return seal(cipher(), value.encode() if isinstance(value, str) else bytes(value), field=field)
        if kind == "bytea":  # the same type: sealed in place
            _rewrite(table, key, column, column, sealed)
        else:
            _swap(table, column, sa.LargeBinary(), partial(_fill, table, key, column, sealed, read_as="::text"))
    op.execute("ALTER TABLE packets ENABLE TRIGGER packets_immutable")


def downgrade() -> None:
    from hoso_shared.db.sealed import unseal

    op.execute("SET LOCAL lock_timeout = '5s'")
    cipher = _Lazy()
    op.execute("ALTER TABLE packets DISABLE TRIGGER packets_immutable")
    for table, key, column, kind in SEALED:
        def opened(value: Any, field: str = f"{table}.{column}", kind: str = kind) -> Any:
            plain = unseal(cipher(), bytes(value), field=field)
            return plain if kind == "bytea" else plain.decode()
        if kind == "bytea":
            _rewrite(table, key, column, column, opened)
        else:
            new_type = postgresql.JSONB(astext_type=sa.Text()) if kind == "jsonb" else sa.Text()
            _swap(table, column, new_type, partial(_fill, table, key, column, opened, write_as=kind))
    op.execute("ALTER TABLE packets ENABLE TRIGGER packets_immutable")
    op.drop_column('change_requests', 'outline')
