"""What the agents reach over HTTP: the station's feeds, and calls held to a deadline."""

__all__: list[str] = []
