"""The real-time timeline, transitions, failover and outputs (issue 5)."""

__all__: list[str] = []
