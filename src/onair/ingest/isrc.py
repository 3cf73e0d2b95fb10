"""International Standard Recording Codes (ISO 3901): CC-XXX-YY-NNNNN."""

from __future__ import annotations

from stdnum import isrc as stdnum_isrc
from stdnum.exceptions import ValidationError

__all__ = ["InvalidIsrc", "normalize_isrc"]


class InvalidIsrc(ValueError):
    """Not a valid ISRC; the message says which value and why."""


def normalize_isrc(value: str) -> str:
    """The 12-character compact form ("USRC17607839") of a valid ISRC.

    Hyphens, spaces, an "ISRC" prefix and lower case are accepted on the way in.
    """
    raw = value.strip().upper().removeprefix("ISRC").strip(" :")
    try:
        return str(stdnum_isrc.validate(raw))
    except ValidationError as exc:
        raise InvalidIsrc(f"ISRC {value!r} is invalid: {exc}") from None
