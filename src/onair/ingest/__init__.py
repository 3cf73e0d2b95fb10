"""Metadata ingestion: tags, catalog feeds, audio analysis."""

__all__: list[str] = []
