"""Playout through Liquidsoap: its script, its telnet requests and the engine mode it drives."""

__all__: list[str] = []
