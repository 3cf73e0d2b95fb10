"""Metadata ingestion: tags, catalog feeds, audio analysis (issue 3)."""

__all__: list[str] = []
