"""Repositories: one module per resource.

``Stations``, ``DatabaseSeenEvents`` and ``SqlLedger`` run their own
transactions on an engine; the others work inside the caller's session and
never commit.
"""

from onair.storage.repositories.admin_settings import (
    AdminSettingRecord,
    AdminSettings,
    InvalidAdminSetting,
    SettingNotFound,
)
from onair.storage.repositories.assets import (
    AssetKind,
    AssetNotFound,
    AssetRecord,
    Assets,
    DuplicateAsset,
    InvalidAsset,
)
from onair.storage.repositories.ledger import PruneRefused, SealConflict, SqlLedger
from onair.storage.repositories.processed_events import DatabaseSeenEvents, ProcessedEvents
from onair.storage.repositories.stations import StationNotFound, StationRecord, Stations

__all__ = [
    "AdminSettingRecord",
    "AdminSettings",
    "AssetKind",
    "AssetNotFound",
    "AssetRecord",
    "Assets",
    "DatabaseSeenEvents",
    "DuplicateAsset",
    "InvalidAdminSetting",
    "InvalidAsset",
    "ProcessedEvents",
    "PruneRefused",
    "SealConflict",
    "SettingNotFound",
    "SqlLedger",
    "StationNotFound",
    "StationRecord",
    "Stations",
]
