"""A help screen, a playout trigger and a library listing load only what they run.

Each runs the real ``onair`` entry point in a subprocess and lists the modules
it imported: the audio stack, the web app, the agents and the voices stay out
unless the command uses them, so an operator's trigger answers at once.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.e2e.cli import closed_port, running_server

pytestmark = pytest.mark.e2e

# Run the command as ``onair`` does, then write the names of every module it imported.
_RUN_AND_LIST = """
import json, sys
listing = sys.argv.pop(1)
from onair.launcher import main
try:
    main()
finally:
    open(listing, "w").write(json.dumps(sorted(sys.modules)))
"""

# What only ingest, playout's audio, the API server, the agents or their voices need.
STATION = {
    "scipy", "pyloudnorm", "av", "mutagen", "chromaprint", "ftfy",  # ingest and audio
    "fastapi", "starlette", "uvicorn", "prometheus_client", "opentelemetry",  # serving
    "nats", "boto3", "torch", "sentence_transformers", "piper",  # bus, S3, models, TTS
    "onair.api", "onair.agents", "onair.playout", "onair.ingest.examine", "onair.scheduler",
    "onair.compliance", "onair.bus",
}  # fmt: skip
# What only a command that opens the database needs.
DATABASE = {"sqlalchemy", "alembic", "sqlite_vec", "numpy", "onair.storage.db"}


def _imported(*args: str, cwd: Path) -> tuple[subprocess.CompletedProcess[str], set[str]]:
    listing = cwd / "modules.json"
    env = {k: v for k, v in os.environ.items() if not k.startswith("ONAIR_")}
    command = [sys.executable, "-c", _RUN_AND_LIST, str(listing), *args]
    done = subprocess.run(command, env=env, cwd=cwd, capture_output=True, text=True, timeout=120,
                          check=False)  # fmt: skip
    return done, set(json.loads(listing.read_text()))


def _loaded(modules: set[str], heavy: set[str]) -> set[str]:
    """The packages of ``heavy`` that ``modules`` holds, or any of their submodules."""
    return {h for h in heavy if any(m == h or m.startswith(h + ".") for m in modules)}


def test_help_imports_no_station_and_no_database(tmp_path: Path) -> None:
    done, modules = _imported("--help", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "playout" in done.stdout
    assert "library" in done.stdout
    extra = {"pydantic", "pydantic_settings", "httpx", "onair.config", "onair.bootstrap"}
    assert _loaded(modules, STATION | DATABASE | extra) == set()


def test_a_trigger_imports_no_station_and_no_database(tmp_path: Path) -> None:
    data = tmp_path / "station"
    with running_server("serve", "--role", "api", "--role", "playout",
                        "--data-dir", str(data)) as (base, _):  # fmt: skip
        done, modules = _imported("playout", "hold", "--url", base, "--data-dir", str(data),
                                  cwd=tmp_path)  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "hold: done (by token:local-operator)"
    assert _loaded(modules, STATION | DATABASE | {"httpx"}) == set()


def test_a_station_that_cannot_be_reached_is_one_line(tmp_path: Path) -> None:
    base = f"http://127.0.0.1:{closed_port()}"
    done, _ = _imported("playout", "skip", "--url", base, "--token", "onair_x", cwd=tmp_path)
    assert done.returncode == 1
    assert done.stderr.splitlines() == [
        f"error: station at {base} cannot be reached ([Errno 111] Connection refused):"
        " is 'onair serve' running?"
    ]


def test_library_list_imports_the_database_but_no_station(tmp_path: Path) -> None:
    done, modules = _imported("library", "list", "--json", "--data-dir", str(tmp_path / "d"),
                              cwd=tmp_path)  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == []
    assert "sqlalchemy" in modules
    assert _loaded(modules, STATION) == set()
