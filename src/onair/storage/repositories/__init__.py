"""Repositories: one module per resource, each taking a SQLAlchemy session."""

from onair.storage.repositories.processed_events import DatabaseSeenEvents

__all__ = ["DatabaseSeenEvents"]
