"""Each package says what it exports, and every exported name exists."""

from __future__ import annotations

import importlib
import pkgutil

import pytest

import onair

PACKAGES = sorted(
    info.name
    for info in pkgutil.walk_packages(onair.__path__, prefix="onair.")
    if info.ispkg and ".migrations" not in info.name
)


def test_every_service_and_adapter_package_is_checked() -> None:
    expected = {"domain", "bus", "storage", "observability", "api", "scheduler", "playout"}
    assert {name.split(".")[1] for name in PACKAGES} >= expected


@pytest.mark.parametrize("name", ["onair", *PACKAGES])
def test_package_exports_resolve(name: str) -> None:
    module = importlib.import_module(name)
    exported = getattr(module, "__all__", None)
    assert exported is not None, f"{name} has no __all__"
    assert len(set(exported)) == len(exported), f"{name}.__all__ repeats a name"
    missing = [n for n in exported if not hasattr(module, n)]
    assert not missing, f"{name}.__all__ names what it does not define: {missing}"
