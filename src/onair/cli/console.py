"""Where a command's words go: the two consoles, and its product to stdout or ``--output``."""

from __future__ import annotations

import sys
from pathlib import Path

import typer
from rich.console import Console
from rich.markup import escape

__all__ = ["err", "out", "write_out"]

out = Console()
err = Console(stderr=True)


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
