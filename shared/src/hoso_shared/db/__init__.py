from hoso_shared.db.base import Base
from hoso_shared.db.engine import (
    DbSession,
    SessionMaker,
    create_engine,
    create_sessionmaker,
    session_scope,
)

__all__ = ["Base", "DbSession", "SessionMaker", "create_engine", "create_sessionmaker", "session_scope"]
