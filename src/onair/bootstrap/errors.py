"""The error that keeps a station from starting, importable without wiring anything."""

from __future__ import annotations

__all__ = ["StartupError"]


class StartupError(Exception):
    """A dependency or setting that keeps the station from starting; one line."""
