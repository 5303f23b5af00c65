"""Alembic, driven from code: the test suite, `make run` and the migration Job call these.

`python -m hoso_shared.db.migrate upgrade|downgrade|check|current` against $DATABASE_URL.
"""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy import text
from sqlalchemy.exc import ProgrammingError
from sqlalchemy.ext.asyncio import AsyncConnection

from hoso_shared.crypto import FieldCipher

MIGRATIONS = Path(__file__).parent / "migrations"


def alembic_config(url: str, cipher: FieldCipher | None = None) -> Config:
    """`cipher` seals or opens existing rows when a migration changes a sealed column; without it such a
    migration builds one from the environment (HOSO_FIELD_KEYS), as the migration Job does."""
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option(
        "file_template", "%%(year)d-%%(month).2d-%%(day).2d-%%(hour).2d%%(minute).2d_%%(slug)s")
    cfg.attributes["url"] = url
    cfg.attributes["field_cipher"] = cipher
    return cfg


def head_revision() -> str:
    head = ScriptDirectory.from_config(alembic_config("")).get_current_head()
    assert head is not None, "the migration history is empty"
    return head


async def current_revision(conn: AsyncConnection) -> str | None:
    try:
        result = await conn.execute(text("SELECT version_num FROM alembic_version"))
    except ProgrammingError:  # no alembic_version table: never migrated
        return None
    return result.scalar_one_or_none()


def upgrade(url: str, revision: str = "head", *, cipher: FieldCipher | None = None) -> None:
    command.upgrade(alembic_config(url, cipher), revision)


def downgrade(url: str, revision: str = "base", *, cipher: FieldCipher | None = None) -> None:
    command.downgrade(alembic_config(url, cipher), revision)


def check(url: str) -> None:
    command.check(alembic_config(url))


def main(argv: list[str]) -> int:
    url = os.environ.get("DATABASE_URL")
    if not url or not argv:
        print("usage: DATABASE_URL=… python -m hoso_shared.db.migrate upgrade|downgrade|check|current",
              file=sys.stderr)
        return 2
    cfg = alembic_config(url)
    match argv[0]:
        case "upgrade":
            command.upgrade(cfg, argv[1] if len(argv) > 1 else "head")
        case "downgrade":
            command.downgrade(cfg, argv[1] if len(argv) > 1 else "-1")
        case "check":
            command.check(cfg)
        case "current":
            command.current(cfg)
        case "revision":
            command.revision(cfg, message=argv[1], autogenerate=True)
        case _:
            print(f"unknown command {argv[0]!r}", file=sys.stderr)
            return 2
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(asyncio.to_thread(main, sys.argv[1:])))
