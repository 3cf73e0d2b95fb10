"""Where a command's words go: the two consoles, and its product to stdout or ``--output``.

Both consoles print text as it is: titles, names and messages come from users and
catalogs, so Rich markup and emoji codes are off, and the few styled words are
``Text`` spans.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import NoReturn

import typer
from rich.console import Console
from rich.text import Text

__all__ = ["announce_urls", "err", "fail", "out", "warn", "write_out"]

out = Console(markup=False, emoji=False)
err = Console(stderr=True, markup=False, emoji=False)


def fail(message: str, code: int) -> NoReturn:
    """``error: message`` as one line on stderr, then exit with ``code``."""
    err.print(Text.assemble(("error:", "red"), " ", message), highlight=False, soft_wrap=True)
    raise typer.Exit(code) from None


def warn(message: str) -> None:
    """``warning: message`` as one line on stderr."""
    err.print(Text.assemble(("warning:", "yellow"), " ", message), highlight=False, soft_wrap=True)


def write_out(text: str, output: Path | None) -> None:
    """``text`` to stdout, or to ``output``; a file that cannot be written is one error line."""
    if output is None:
        sys.stdout.write(text)
        return
    try:
        output.write_text(text, encoding="utf-8")
    except OSError as exc:
        fail(f"cannot write {output} ({exc.strerror}): choose another --output", 1)


def announce_urls(urls: dict[str, str]) -> None:
    """Where a station that serves can be reached, one address a line."""
    for name, url in urls.items():
        err.print(f"{name:>8}: {url}", highlight=False)
