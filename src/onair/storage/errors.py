"""The storage layer's base error, importable without loading a database driver."""

from __future__ import annotations

__all__ = ["StorageError"]


class StorageError(Exception):
    """Base of the storage layer's errors; messages are one line for an operator."""
