"""Playout to Icecast: the source connection, its listener statistics and the output over both."""

__all__: list[str] = []
