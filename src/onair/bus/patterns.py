"""NATS-style matching of event types: ``*`` is one token, ``>`` the rest."""

from __future__ import annotations

__all__ = ["type_matches"]


def type_matches(pattern: str, message_type: str) -> bool:
    """Whether ``message_type`` (``playout.item_started``) matches ``pattern``."""
    want, have = pattern.split("."), message_type.split(".")
    for i, part in enumerate(want):
        if part == ">":
            return len(have) > i
        if i >= len(have) or (part not in ("*", have[i])):
            return False
    return len(want) == len(have)
