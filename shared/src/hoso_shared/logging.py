"""Structured JSON logs with a correlation id, and redaction of secrets and citizen IDs."""

from __future__ import annotations

import logging
import re
import sys
from collections.abc import Mapping, MutableMapping
from contextvars import ContextVar
from typing import Any

import structlog

correlation_id: ContextVar[str | None] = ContextVar("correlation_id", default=None)

SECRET_KEYS = frozenset({
    "authorization", "password", "new_password", "client_secret", "secret", "token",
    "access_token", "refresh_token", "citizen_id", "cccd", "private_key", "cookie",
    "lgspaccesstoken",  # an LGSP's token header (docs/ndxp.md "LGSP mode"), should headers ever be logged
})
REDACTED = "[redacted]"
# A 12-digit personal ID anywhere in a string value.
_CITIZEN_ID = re.compile(r"(?<!\d)\d{12}(?!\d)")


def _redact_value(key: str, value: Any) -> Any:
    if key.lower() in SECRET_KEYS:
        return REDACTED
    if isinstance(value, str):
        return _CITIZEN_ID.sub(REDACTED, value)
    if isinstance(value, Mapping):
        return {k: _redact_value(str(k), v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_redact_value("", v) for v in value]
    return value


def redact(_: Any, __: str, event: MutableMapping[str, Any]) -> MutableMapping[str, Any]:
    for key in list(event):
        event[key] = _redact_value(key, event[key])
    return event


def _add_correlation_id(_: Any, __: str, event: MutableMapping[str, Any]) -> MutableMapping[str, Any]:
    cid = correlation_id.get()
    if cid is not None:
        event.setdefault("correlation_id", cid)
    return event


def configure_logging(level: str = "INFO", *, json: bool = True) -> None:
    renderer: Any = (
        structlog.processors.JSONRenderer() if json else structlog.dev.ConsoleRenderer(colors=False)
    )
    processors: list[Any] = [
        structlog.contextvars.merge_contextvars,
        structlog.processors.add_log_level,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
        _add_correlation_id,
        structlog.processors.format_exc_info,
        redact,
        renderer,
    ]
    structlog.configure(
        processors=processors,
        wrapper_class=structlog.make_filtering_bound_logger(logging.getLevelNamesMapping()[level.upper()]),
        logger_factory=structlog.PrintLoggerFactory(sys.stdout),
        cache_logger_on_first_use=False,
    )


def get_logger(name: str) -> Any:
    return structlog.get_logger(name)
