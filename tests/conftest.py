"""Test tiers by folder, and the real servers tests start (see tests/fixtures/)."""

from __future__ import annotations

from pathlib import Path

import pytest

pytest_plugins = [
    "tests.fixtures.postgres",
    "tests.fixtures.nats",
    "tests.fixtures.s3",
    "tests.fixtures.icecast",
    "tests.fixtures.chat_server",
    "tests.fixtures.awkward_library",
]

_TIERS = ("unit", "integration", "e2e")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        parts = Path(str(item.path)).parts
        for tier in _TIERS:
            if tier in parts:
                item.add_marker(getattr(pytest.mark, tier))
