"""The settings and the stores a command's options point at."""

from __future__ import annotations

from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

from onair import bootstrap
from onair.config import Settings, load_settings

__all__ = ["ledger_at", "library_at", "settings_from"]


def settings_from(config: Path | None, **overrides: Any) -> Settings:
    given = {k: v for k, v in overrides.items() if v is not None}
    return load_settings(config, **given)


def library_at(config: Path | None, data_dir: Path | None) -> bootstrap.Stores:
    """The library the options point at; use inside :func:`operator_errors`, then close."""
    return bootstrap.open_library(settings_from(config, data_dir=data_dir))


def ledger_at(
    config: Path | None, data_dir: Path | None
) -> AbstractContextManager[bootstrap.Compliance]:
    """The compliance ledger the options point at; use inside :func:`operator_errors`."""
    return bootstrap.open_compliance(settings_from(config, data_dir=data_dir))
