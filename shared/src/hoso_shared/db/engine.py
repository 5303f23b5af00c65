"""Engine, sessionmaker and the unit of work: one request (or one worker task) = one transaction.

Application code never commits: the request dependency commits after the handler returns and
before the response is sent (FastAPI's `scope="function"`), and rolls back on any error.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Annotated

from fastapi import Depends
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

from hoso_shared.crypto import FieldCipher
from hoso_shared.db.sealed import bind_cipher

SessionMaker = async_sessionmaker[AsyncSession]


def create_engine(url: str, *, pool_size: int = 10, cipher: FieldCipher | None = None,
                  command_timeout: float = 30) -> AsyncEngine:
    """`cipher` opens and seals the sealed columns (`hoso_shared.db.sealed`); an engine made without it fails
    on them, never stores them in clear. `command_timeout` bounds each statement (seconds): 30 suits a request;
    a background job whose liveness is its heartbeat gives its statements longer."""
    engine = create_async_engine(
        url,
        pool_size=pool_size,
        max_overflow=pool_size,
        # No pre-ping (a round trip per checkout): a connection broken by a database restart fails
        # one request with 503 and is discarded with the pool's other stale connections.
        pool_recycle=1800,
        connect_args={"timeout": 5, "command_timeout": command_timeout,
                      "server_settings": {"application_name": "hoso-gateway"}},
    )
    if cipher is not None:
        bind_cipher(engine, cipher)
    return engine


def create_sessionmaker(engine: AsyncEngine | None = None) -> SessionMaker:
    """Without an engine, bind it later with `.configure(bind=engine)`: an app hands its sessionmaker to
    its collaborators when it is built, and makes the engine only when it starts."""
    return async_sessionmaker(engine, expire_on_commit=False, autoflush=True)


@asynccontextmanager
async def session_scope(sessionmaker: SessionMaker) -> AsyncIterator[AsyncSession]:
    """A worker task's unit of work: commit on success, roll back on error."""
    async with sessionmaker() as session:
        try:
            yield session
            await session.commit()
        except BaseException:
            await session.rollback()
            raise


def request_sessionmaker() -> SessionMaker:
    """The app's sessionmaker. `hoso_shared.web.build_app` provides it (a dependency override), so the
    request's session comes from the factory that built the app, typed."""
    raise RuntimeError("this app was not built with hoso_shared.web.build_app")


async def _request_session(sessionmaker: Annotated[SessionMaker, Depends(request_sessionmaker)],
                           ) -> AsyncIterator[AsyncSession]:
    async with session_scope(sessionmaker) as session:
        yield session


DbSession = Annotated[AsyncSession, Depends(_request_session, scope="function")]


async def commit_for_peer(session: AsyncSession) -> None:
    """Commits the work so far, mid-request, so that a peer service's own transaction can reference it (a
    pending new record must exist before approval-api stores the `create` change request naming it: hanoi-2024
    Điều 7). The only commit outside a unit of work's end; the request's unit of work goes on after it."""
    await session.commit()
