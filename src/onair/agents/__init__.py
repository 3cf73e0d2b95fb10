"""Agent runtime, script generators and TTS (issue 6)."""

__all__: list[str] = []
