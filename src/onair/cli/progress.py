"""Progress bars on stderr for the long commands."""

from __future__ import annotations

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

from onair.cli.console import err

__all__ = ["progress_bar"]


class _Rate(ProgressColumn):
    """Items per second over the last seconds, e.g. ``3.2/s``."""

    def render(self, task: Task) -> Text:
        speed = task.speed
        return Text("" if speed is None else f"{speed:.1f}/s", style="progress.data.speed")


def progress_bar(*, rate: bool = False) -> Progress:
    """A Rich progress bar on stderr, with the rate (items/s) when asked."""
    columns = [TextColumn("{task.description}", markup=False), BarColumn(), MofNCompleteColumn()]
    if rate:
        columns.append(_Rate())
    columns += [TimeElapsedColumn(), TimeRemainingColumn()]
    return Progress(*columns, console=err)
