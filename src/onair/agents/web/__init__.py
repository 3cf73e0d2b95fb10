"""What the agents read over HTTP: the station's headline and weather feeds."""

__all__: list[str] = []
