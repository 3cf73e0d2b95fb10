"""Ingest through FFmpeg (PyAV): filter graphs, loudness and true peak, fingerprints, demo audio."""

__all__: list[str] = []
