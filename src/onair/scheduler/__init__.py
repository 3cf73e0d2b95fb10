"""Clocks, rotation, rules and timing: the hours built ahead and published."""

__all__: list[str] = []
