from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.e2e.cli import closed_port, onair

COMMANDS = [
    [],
    ["serve"],
    ["demo"],
    ["db"],
    ["db", "upgrade"],
    ["db", "downgrade"],
    ["db", "current"],
    ["config"],
    ["config", "show"],
    ["demo-library"],
    ["ingest"],
    ["library"],
    ["library", "list"],
    ["library", "show"],
    ["library", "rejects"],
    ["station"],
    ["schedule"],
]


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c) or "onair")
def test_every_command_has_help(command: list[str]) -> None:
    result = onair(*command, "--help")
    assert result.returncode == 0, result.stderr
    assert "Usage" in result.stdout


def test_config_show_masks_secrets(tmp_path: Path) -> None:
    env = {
        "ONAIR_DATABASE_URL": "postgresql+psycopg://onair:hunter2@db.example:5432/onair",
        "ONAIR_SECRET_KEY": "very-secret-value",
    }
    result = onair("config", "show", "--json", "--data-dir", str(tmp_path), env=env)
    assert result.returncode == 0, result.stderr
    view = json.loads(result.stdout)
    assert view["database_url"] == "postgresql+psycopg://onair:***@db.example:5432/onair"
    assert view["data_dir"] == str(tmp_path)
    assert "hunter2" not in result.stdout
    assert "very-secret-value" not in result.stdout


def test_config_show_reads_a_toml_file(tmp_path: Path) -> None:
    toml = tmp_path / "station.toml"
    toml.write_text('station = "kxyz"\ntimezone = "America/Chicago"\n')
    result = onair("config", "show", "--json", "--config", str(toml))
    assert result.returncode == 0, result.stderr
    view = json.loads(result.stdout)
    assert (view["station"], view["timezone"]) == ("kxyz", "America/Chicago")


def test_invalid_setting_exits_2_with_one_line() -> None:
    result = onair("config", "show", env={"ONAIR_PORT": "eighty"})
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "ONAIR_PORT" in lines[0]
    assert "'eighty'" in lines[0]
    assert "Traceback" not in result.stderr


def test_placeholder_secret_refused_in_production() -> None:
    result = onair("config", "show", env={"ONAIR_MODE": "production"})
    assert result.returncode == 2
    assert "secret_key" in result.stderr


def test_demo_prepares_the_data_dir_and_its_library_without_serving(tmp_path: Path) -> None:
    data = tmp_path / "station"
    result = onair("demo", "--no-serve", "--tracks", "3", "--data-dir", str(data), timeout=120)
    assert result.returncode == 0, result.stderr
    assert (data / "onair.sqlite3").is_file()
    assert (data / "objects").is_dir()
    listed = onair("library", "list", "--json", "--data-dir", str(data))
    assert len(json.loads(listed.stdout)) == 3
    again = onair("demo", "--no-serve", "--tracks", "3", "--data-dir", str(data))
    assert "synthesizing" not in again.stderr  # a library is there: nothing is added
    current = onair("db", "current", "--data-dir", str(data))
    assert current.returncode == 0, current.stderr
    assert current.stdout.strip() not in ("", "none")


def test_db_upgrade_and_downgrade_round_trip(tmp_path: Path) -> None:
    up = onair("db", "upgrade", "--data-dir", str(tmp_path))
    assert up.returncode == 0, up.stderr
    down = onair("db", "downgrade", "base", "--data-dir", str(tmp_path))
    assert down.returncode == 0, down.stderr
    assert onair("db", "current", "--data-dir", str(tmp_path)).stdout.strip() == "none"


def test_unreachable_database_is_one_line_with_password_masked() -> None:
    url = f"postgresql+psycopg://onair:hunter2@127.0.0.1:{closed_port()}/onair"
    result = onair("db", "upgrade", env={"ONAIR_DATABASE_URL": url})
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "onair:***@127.0.0.1" in lines[0]
    assert "hunter2" not in result.stderr


def test_a_data_dir_that_cannot_be_made_is_one_line(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("a file where the data dir should go")
    result = onair("demo", "--no-serve", "--tracks", "0", "--data-dir", str(blocker / "station"))
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "cannot be created" in lines[0]
    assert blocker.read_text() == "a file where the data dir should go"


def test_demo_library_writes_a_library_and_refuses_a_used_folder(tmp_path: Path) -> None:
    out = tmp_path / "library"
    args = ("demo-library", str(out), "--tracks", "3", "--min-seconds", "6", "--max-seconds", "8")
    made = onair(*args)
    assert made.returncode == 0, made.stderr
    assert "3 items" in made.stderr
    assert len(json.loads((out / "truth.json").read_text())) == 3
    again = onair(*args)
    assert again.returncode == 2
    assert "is not empty" in again.stderr
    backwards = onair(
        "demo-library", str(tmp_path / "b"), "--min-seconds", "9", "--max-seconds", "8"
    )
    assert backwards.returncode == 2


@pytest.mark.parametrize(
    ("env", "line"),
    [
        ({"ONAIR_DATABASE_URL": "postgresql://u:s3cret@[bad"},
         "error: invalid setting database_url (ONAIR_DATABASE_URL) = 'postgresql://u:***@[bad':"
         " expected a URL such as postgresql+psycopg://user:password@host:5432/onair"),
        ({"ONAIR_NATS_URL": "nats://[::1"},
         "error: invalid setting nats_url (ONAIR_NATS_URL) = 'nats://[::1':"
         " expected a NATS URL such as nats://127.0.0.1:4222"),
        ({"ONAIR_BUS": "nats", "ONAIR_NATS_URL": "notaurl"},
         "error: invalid setting nats_url (ONAIR_NATS_URL) = 'notaurl':"
         " expected a NATS URL such as nats://127.0.0.1:4222"),
        ({"ONAIR_MODE": "production", "ONAIR_SECRET_KEY": "k"},
         "error: invalid settings: secret_key is a placeholder or shorter than 32 characters:"
         " set ONAIR_SECRET_KEY outside development to a new key, made with"
         " python -c 'import secrets; print(secrets.token_urlsafe(32))'"),
    ],
)  # fmt: skip
def test_a_bad_url_or_a_short_key_is_one_line_that_keeps_the_password(
    env: dict[str, str], line: str, tmp_path: Path
) -> None:
    data = tmp_path / "d"
    for command in (("config", "show"), ("db", "upgrade"), ("schedule", "build")):
        result = onair(*command, "--data-dir", str(data), env=env)
        assert result.returncode == 2
        assert result.stderr.splitlines() == [line]
        assert "s3cret" not in result.stdout
    assert not data.exists()
