"""Clocks, rotation, rules and timing (issue 4)."""

__all__: list[str] = []
