"""What every ``onair`` command shares: consoles, common options, one-line errors."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    Task,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.text import Text

from onair import bootstrap
from onair.config import InvalidSetting, Settings, load_settings
from onair.domain.errors import DomainError
from onair.storage.db import StorageError

__all__ = [
    "ConfigOpt",
    "DataDirOpt",
    "JsonOpt",
    "OutputOpt",
    "StationOpt",
    "err",
    "ledger_at",
    "library_at",
    "operator_errors",
    "out",
    "progress_bar",
    "settings_from",
    "write_out",
]

out = Console()
err = Console(stderr=True)

ConfigOpt = Annotated[
    Path | None,
    typer.Option("--config", help="A TOML settings file; ONAIR_* variables override it."),
]
DataDirOpt = Annotated[
    Path | None,
    typer.Option(
        "--data-dir", help="Where embedded data lives [env ONAIR_DATA_DIR, ./onair-data]."
    ),
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]
StationOpt = Annotated[
    str | None, typer.Option("--station", help="The station id [the settings' station].")
]
OutputOpt = Annotated[
    Path | None, typer.Option("--output", "-o", help="Write to this file, not stdout.")
]


def write_out(text: str, output: Path | None) -> None:
    """``text`` to stdout, or to ``output``; a file that cannot be written is one error line."""
    if output is None:
        sys.stdout.write(text)
        return
    try:
        output.write_text(text, encoding="utf-8")
    except OSError as exc:
        why = f"cannot write {escape(str(output))} ({exc.strerror}): choose another --output"
        err.print(f"[red]error:[/] {why}", highlight=False, soft_wrap=True)
        raise typer.Exit(1) from None


@contextmanager
def operator_errors() -> Iterator[None]:
    """Turn known failures into one line and an exit code, never a traceback."""
    try:
        yield
    except InvalidSetting as exc:
        _fail(str(exc), 2)
    except bootstrap.StartupError as exc:
        _fail(str(exc), 1)
    except (DomainError, StorageError) as exc:
        _fail(str(exc), 1)


def _fail(message: str, code: int) -> None:
    err.print(f"[red]error:[/] {message}", highlight=False, soft_wrap=True)
    raise typer.Exit(code) from None


def settings_from(config: Path | None, **overrides: Any) -> Settings:
    given = {k: v for k, v in overrides.items() if v is not None}
    return load_settings(config, **given)


def library_at(config: Path | None, data_dir: Path | None) -> bootstrap.LibraryAccess:
    """The library the options point at; use inside :func:`operator_errors`, then close."""
    return bootstrap.open_library(settings_from(config, data_dir=data_dir))


def ledger_at(
    config: Path | None, data_dir: Path | None
) -> AbstractContextManager[bootstrap.Compliance]:
    """The compliance ledger the options point at; use inside :func:`operator_errors`."""
    return bootstrap.open_compliance(settings_from(config, data_dir=data_dir))


class _Rate(ProgressColumn):
    """Items per second over the last seconds, e.g. ``3.2/s``."""

    def render(self, task: Task) -> Text:
        speed = task.speed
        return Text("" if speed is None else f"{speed:.1f}/s", style="progress.data.speed")


def progress_bar(*, rate: bool = False) -> Progress:
    """A Rich progress bar on stderr, with the rate (items/s) when asked."""
    columns = [TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn()]
    if rate:
        columns.append(_Rate())
    columns += [TimeElapsedColumn(), TimeRemainingColumn()]
    return Progress(*columns, console=err)
