"""The voices the agents speak with: eSpeak NG, Piper and an HTTP speech provider."""

__all__: list[str] = []
