"""The language models the agents write with: an OpenAI-compatible chat completions client."""

__all__: list[str] = []
