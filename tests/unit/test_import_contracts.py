"""The import contracts in pyproject.toml catch what they promise to catch."""

from __future__ import annotations

import importlib.metadata
import os
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
PYPROJECT = ROOT / "pyproject.toml"
DOMAIN = "The domain imports the stdlib and pydantic only"
SERVICES = "Service cores import no framework or driver; technology rooms do"


def _project() -> dict[str, Any]:
    with PYPROJECT.open("rb") as file:
        return tomllib.load(file)


def _contract(name: str) -> dict[str, Any]:
    contracts: list[dict[str, Any]] = _project()["tool"]["importlinter"]["contracts"]
    return next(c for c in contracts if c["name"] == name)


def _normal(distribution: str) -> str:
    return re.sub(r"[-_.]+", "-", distribution).lower()


def _import_names() -> dict[str, set[str]]:
    """The top-level modules each installed distribution provides, by normalised name."""
    names: dict[str, set[str]] = {}
    for module, owners in importlib.metadata.packages_distributions().items():
        for owner in owners:
            if module.isidentifier():
                names.setdefault(_normal(owner), set()).add(module)
    return names


def test_the_domain_may_import_no_runtime_dependency_but_pydantic() -> None:
    forbidden = set(_contract(DOMAIN)["forbidden_modules"])
    provided = _import_names()
    missing: dict[str, set[str]] = {}
    for requirement in _project()["project"]["dependencies"]:
        distribution = _normal(re.split(r"[\s<>=!~;\[]", requirement, maxsplit=1)[0])
        if distribution == "pydantic":
            continue
        names = provided.get(distribution)
        assert names, f"{distribution} is not installed, so its import names are unknown"
        if names - forbidden:
            missing[distribution] = names - forbidden
    assert not missing, f"add these import names to the domain contract: {missing}"
    assert "pydantic" not in forbidden


def _lint_imports(tree: Path) -> subprocess.CompletedProcess[str]:
    command = shutil.which("lint-imports", path=str(Path(sys.executable).parent))
    assert command is not None, "import-linter's lint-imports is not installed beside python"
    env = {**os.environ, "PYTHONPATH": str(tree), "COLUMNS": "200"}
    return subprocess.run(
        [command, "--config", str(PYPROJECT), "--no-cache"],
        cwd=tree,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    """A copy of the onair package that a test may break."""
    shutil.copytree(
        ROOT / "src" / "onair", tmp_path / "onair", ignore=shutil.ignore_patterns("__pycache__")
    )
    return tmp_path


def test_the_code_as_it_is_keeps_every_contract(tree: Path) -> None:
    result = _lint_imports(tree)
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"{DOMAIN} KEPT" in result.stdout
    assert f"{SERVICES} KEPT" in result.stdout


@pytest.mark.parametrize(
    ("module", "line", "contract"),
    [
        ("domain/__init__.py", "import sqlalchemy", DOMAIN),
        ("domain/schedule.py", "import numpy", DOMAIN),
        ("scheduler/__init__.py", "import httpx", SERVICES),
        ("playout/mounts.py", "from prometheus_client import Gauge", SERVICES),
        ("playout/timeline.py", "import av", SERVICES),
        ("playout/icecast/stats.py", "import av", SERVICES),
        ("agents/__init__.py", "import httpx", SERVICES),
    ],
)
def test_a_forbidden_import_breaks_its_contract(
    tree: Path, module: str, line: str, contract: str
) -> None:
    path = tree / "onair" / module
    path.write_text(path.read_text() + f"\n{line}\n")
    result = _lint_imports(tree)
    assert result.returncode != 0, result.stdout
    assert f"{contract} BROKEN" in result.stdout
    importer = "onair." + module.removesuffix(".py").replace("/", ".").removesuffix(".__init__")
    assert importer in result.stdout
