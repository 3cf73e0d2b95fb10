"""The ``onair`` command's first step: a system library that is missing is one line.

onair loads a few native libraries that come from the operating system, not
from PyPI (deploy/debian-packages.txt lists them, and ``make install`` installs
them). When one is missing, the import that needs it fails deep inside a
library; this turns that into one line naming the Debian package to install,
for every entry point (``onair`` and ``python -m onair``), never a traceback.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable
from typing import Any

__all__ = ["SYSTEM_LIBRARIES", "main", "missing_library_line"]

# The shared library a failed load names -> the Debian package that ships it.
SYSTEM_LIBRARIES = {
    "libchromaprint": "libchromaprint1",
    "libmp3lame": "libmp3lame0",
}

_LIBRARY = re.compile(r"\b(lib[a-z0-9_+-]+?)(?:\.so[.0-9]*|\b)", re.IGNORECASE)


def missing_library_line(exc: BaseException) -> str:
    """The one line for an import or library load that failed."""
    text = str(exc)
    for match in _LIBRARY.finditer(text):
        package = SYSTEM_LIBRARIES.get(match.group(1).lower())
        if package is not None:
            return (
                f"onair needs the system library {match.group(1)}, which is missing "
                f"({text}): install the Debian package {package} "
                f"(sudo apt-get install {package}, or run make install)"
            )
    if isinstance(exc, ModuleNotFoundError):
        return f"onair is not completely installed ({text}): run make install"
    return f"onair cannot load a library it needs ({text}): run make install"


def main() -> None:
    try:
        from onair.cli import app

        code = _run(app)
    except (ImportError, OSError) as exc:
        if isinstance(exc, OSError) and not _is_library_load(exc):
            raise
        print(f"error: {missing_library_line(exc)}", file=sys.stderr)
        sys.exit(1)
    sys.exit(code)


def _run(app: Callable[..., Any]) -> int:
    """Run the command; a usage mistake is one line, as every other refusal is."""
    import typer

    try:
        code = app(standalone_mode=False)
    except typer.TyperException as exc:  # typer's own click: bad options, unknown commands
        if type(exc).__name__ == "NoArgsIsHelpError":
            pass  # a bare command group: typer has printed its help, as asked
        else:
            ctx = getattr(exc, "ctx", None)
            where = f" (see '{ctx.command_path} --help')" if ctx is not None else ""
            print(f"error: {exc.format_message()}{where}", file=sys.stderr)
        return int(getattr(exc, "exit_code", 2))
    except typer.Abort:
        print("aborted", file=sys.stderr)
        return 1
    return code if isinstance(code, int) else 0


def _is_library_load(exc: OSError) -> bool:
    # ctypes.CDLL raises a bare OSError whose text is the loader's ("libx.so.1: cannot open
    # shared object file"); any other OSError is the command's own business.
    return "shared object" in str(exc) or "cannot open shared" in str(exc)
