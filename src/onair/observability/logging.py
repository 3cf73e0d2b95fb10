"""JSON log lines carrying the correlation ids of whatever is being handled.

Everything, including uvicorn's and the libraries' stdlib logging, comes out as
one JSON object per line, so an aired item can be followed with ``grep`` or a
log shipper by its ``show_id``, ``hour``, ``asset_id`` or ``playout_event_id``.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, TextIO

import structlog

from onair.domain.events import Correlation

__all__ = ["bind_correlation", "configure_logging", "get_logger"]

_SHARED: list[structlog.types.Processor] = [
    structlog.contextvars.merge_contextvars,
    structlog.stdlib.add_log_level,
    structlog.stdlib.add_logger_name,
    structlog.processors.TimeStamper(fmt="iso", utc=True),
]


def configure_logging(
    level: str = "info", *, service: str = "onair", stream: TextIO | None = None
) -> None:
    """Send structlog and stdlib logging to ``stream`` as JSON lines at ``level``."""
    handler = logging.StreamHandler(stream or sys.stdout)
    handler.setFormatter(
        structlog.stdlib.ProcessorFormatter(
            foreign_pre_chain=_SHARED,
            processors=[
                structlog.stdlib.ProcessorFormatter.remove_processors_meta,
                structlog.processors.format_exc_info,
                structlog.processors.JSONRenderer(),
            ],
        )
    )
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
        logging.getLogger(name).handlers[:] = []
        logging.getLogger(name).propagate = True

    structlog.configure(
        processors=[*_SHARED, structlog.stdlib.ProcessorFormatter.wrap_for_formatter],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=False,
    )
    structlog.contextvars.clear_contextvars()
    structlog.contextvars.bind_contextvars(service=service)


def get_logger(name: str | None = None, **initial: Any) -> Any:
    """A structlog logger; ``initial`` values go into every line it writes.

    It stays lazy, so a module-level logger picks up :func:`configure_logging`
    even when the module was imported first.
    """
    return structlog.get_logger(name, **initial)


@contextmanager
def bind_correlation(correlation: Correlation, **extra: str) -> Iterator[None]:
    """Put the correlation ids into every log line written inside the block."""
    with structlog.contextvars.bound_contextvars(**correlation.as_log_fields(), **extra):
        yield
