"""CSV cells a spreadsheet will not run as formulas (OWASP's defence against CSV injection).

A spreadsheet takes a cell that starts with ``=``, ``+``, ``-`` or ``@``, or a
tab or carriage return, for a formula: a catalog title such as
``=HYPERLINK("http://x", "play")`` in an export would run on the desk that
opens the file. Such text is written with a single quote before it, which the
spreadsheet shows as text. Numbers, and text that is only a number such as
``-3.5``, stay as they are.
"""

from __future__ import annotations

import re
from typing import TypeVar

__all__ = ["FORMULA_STARTS", "safe_cell"]

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_T = TypeVar("_T")
_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")


def safe_cell(value: _T) -> _T | str:
    """``value`` as it is, unless it is text a spreadsheet would read as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS) and not _NUMBER.match(value):
        return "'" + value
    return value
