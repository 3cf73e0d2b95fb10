"""Repositories: one module per resource, each built on an engine."""

from onair.storage.repositories.processed_events import DatabaseSeenEvents
from onair.storage.repositories.stations import StationNotFound, StationRecord, Stations

__all__ = ["DatabaseSeenEvents", "StationNotFound", "StationRecord", "Stations"]
