"""A fresh machine: missing system packages are installed, or named in one line."""

from __future__ import annotations

import ctypes.util
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from onair.launcher import SYSTEM_LIBRARIES
from tests.e2e.cli import closed_port, onair

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "system-packages"
PACKAGE_LIST = ROOT / "deploy" / "debian-packages.txt"


def _listed() -> dict[str, str]:
    rows = [line.split() for line in PACKAGE_LIST.read_text().splitlines()]
    return {row[0]: row[1] for row in rows if row and not row[0].startswith("#")}


def _as_nobody() -> list[str]:
    if os.geteuid() != 0:
        return []  # already someone who cannot install
    return ["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups", "--"]


def test_every_system_library_onair_loads_is_in_the_package_list() -> None:
    listed = _listed()
    for library, package in SYSTEM_LIBRARIES.items():
        assert listed.get(package) == "demo", f"{library}: {package} not a demo package"


def test_installed_packages_need_nothing_more() -> None:
    done = subprocess.run(["sh", str(SCRIPT), "demo", "test"], capture_output=True, text=True,
                          check=False)  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""


def test_a_missing_package_without_root_is_one_line_naming_it() -> None:
    # A folder of its own under /tmp: pytest's are closed to the unprivileged user.
    with tempfile.TemporaryDirectory() as folder:
        Path(folder).chmod(0o755)
        listing = Path(folder) / "packages.txt"
        listing.write_text("# package target why\nonair-absent-package demo a test\n")
        listing.chmod(0o644)
        env = {"PATH": os.environ["PATH"], "ONAIR_PACKAGE_LIST": str(listing)}
        done = subprocess.run([*_as_nobody(), "sh", str(SCRIPT), "demo"], env=env,
                              capture_output=True, text=True, check=False)  # fmt: skip
    assert done.returncode == 1
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert "onair-absent-package" in lines[0]
    assert "sudo apt-get install -y onair-absent-package" in lines[0]


def test_a_machine_without_dpkg_is_told_what_to_install(tmp_path: Path) -> None:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for tool in ("sh", "awk", "dirname", "grep", "id"):
        found = shutil.which(tool)
        assert found is not None
        (bin_dir / tool).symlink_to(found)
    done = subprocess.run([str(bin_dir / "sh"), str(SCRIPT), "demo"], env={"PATH": str(bin_dir)},
                          capture_output=True, text=True, check=False)  # fmt: skip
    assert done.returncode == 1
    assert done.stderr.count("\n") == 1
    assert "libchromaprint1 libmp3lame0 nodejs;" in done.stderr
    assert "not a Debian-like system" in done.stderr


def _hidden_chromaprint(*command: str) -> subprocess.CompletedProcess[str]:
    """``command`` in a mount namespace where the real libchromaprint cannot be opened."""
    name = ctypes.util.find_library("chromaprint")
    assert name is not None, "libchromaprint1 is installed by make test"
    folders = ("/usr/lib/x86_64-linux-gnu", "/usr/lib/aarch64-linux-gnu", "/usr/lib")
    library = next(Path(f) / name for f in folders if (Path(f) / name).exists()).resolve()
    hide = f'mount --bind /dev/null {library} && exec "$@"'
    return subprocess.run(["unshare", "--mount", "--propagation", "private", "sh", "-c", hide,
                           "sh", *command], capture_output=True, text=True, check=False,
                          timeout=60)  # fmt: skip


@pytest.mark.parametrize(
    "entry", [["-m", "onair"], ["-c", "from onair.launcher import main; main()"]]
)
def test_a_missing_system_library_is_one_line_naming_its_package(
    entry: list[str], tmp_path: Path
) -> None:
    if os.geteuid() != 0:
        pytest.fail("hiding a system library needs root (CI and make test run as root)")
    # Ingest fingerprints every file, so it is a command that loads libchromaprint.
    args = ("ingest", "--data-dir", str(tmp_path / "data"), str(tmp_path / "song.mp3"))
    done = _hidden_chromaprint(sys.executable, *entry, *args)
    assert done.returncode == 1, done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert "install the Debian package libchromaprint1" in lines[0]
    assert "Traceback" not in done.stderr


def test_the_liquidsoap_engine_without_liquidsoap_is_one_line(tmp_path: Path) -> None:
    env = {
        "PATH": str(tmp_path),  # nothing to run on it: no liquidsoap
        "ONAIR_PLAYOUT_ENGINE": "liquidsoap",
        "ONAIR_ICECAST_URL": f"http://127.0.0.1:{closed_port()}/onair.mp3",
        "ONAIR_ICECAST_PASSWORD": "hackme",
    }
    args = ("serve", "--role", "playout", "--data-dir", str(tmp_path / "d"))
    done = onair(*args, "--port", str(closed_port()), env=env)
    assert done.returncode == 1
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert "install the Debian package liquidsoap" in lines[0]


@pytest.mark.parametrize(
    ("args", "line"),
    [
        (("nosuch",), "error: No such command 'nosuch'. (see 'python -m onair --help')"),
        (("schedule", "build", "--from"), "error: Option '--from' requires an argument."),
        (("library", "list", "--kind", "nope"), "error: Invalid value for '--kind': Value error,"
         " 'nope' is not one of 'music', 'jingle', 'voice', 'spot', 'promo', 'sweeper', 'bed',"
         " 'station_id', 'liner'. (see 'python -m onair library list --help')"),
    ],
)  # fmt: skip
def test_a_usage_mistake_is_one_line(args: tuple[str, ...], line: str) -> None:
    done = onair(*args)
    assert done.returncode == 2
    assert done.stderr.splitlines() == [line]


def test_a_bare_command_group_prints_its_help() -> None:
    done = onair("schedule")
    assert done.returncode == 2
    assert "onair schedule" in done.stdout
    assert "build" in done.stdout
