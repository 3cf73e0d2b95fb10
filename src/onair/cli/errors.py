"""Known failures as one line on stderr and an exit code, never a traceback."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from onair.bootstrap.errors import StartupError
from onair.cli.console import fail
from onair.config import InvalidSetting
from onair.domain.errors import DomainError
from onair.storage.errors import StorageError

__all__ = ["operator_errors"]


@contextmanager
def operator_errors() -> Iterator[None]:
    """Turn known failures into one line and an exit code, never a traceback."""
    try:
        yield
    except InvalidSetting as exc:
        fail(str(exc), 2)
    except StartupError as exc:
        fail(str(exc), 1)
    except (DomainError, StorageError) as exc:
        fail(str(exc), 1)
