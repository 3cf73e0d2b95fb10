"""Agent runtime, script generators and TTS: the voice links, promos and IDs an hour asks for."""

__all__: list[str] = []
