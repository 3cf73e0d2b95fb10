"""Titles, names and options are printed as they are, never read as Rich markup."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from tests.e2e.cli import onair

TITLE = "[/] [link=http://x]Night Drive[/link] :fire:"
ARTIST = "[bold]The Band"


def test_a_title_full_of_markup_is_listed_and_shown_as_it_is(tmp_path: Path) -> None:
    folder = tmp_path / "music"
    folder.mkdir()
    subprocess.run(
        ["ffmpeg", "-loglevel", "error", "-f", "lavfi", "-i", "sine=frequency=440:duration=14",
         "-metadata", f"title={TITLE}", "-metadata", f"artist={ARTIST}", "-c:a", "libmp3lame",
         str(folder / "song.mp3")],
        check=True,
    )  # fmt: skip
    data = str(tmp_path / "d")
    ingested = onair("ingest", str(folder), "--no-index", "--data-dir", data, timeout=120)
    assert ingested.returncode == 0, ingested.stderr

    listed = onair("library", "list", "--data-dir", data)
    assert listed.returncode == 0, listed.stderr
    assert TITLE in listed.stdout
    assert ARTIST in listed.stdout

    (asset,) = json.loads(onair("library", "list", "--json", "--data-dir", data).stdout)
    shown = onair("library", "show", asset["id"], "--data-dir", data)
    assert shown.returncode == 0, shown.stderr
    assert shown.stdout.count(TITLE) == 2  # the table's title and the title row


def test_markup_in_an_option_or_a_setting_is_one_line(tmp_path: Path) -> None:
    data = str(tmp_path / "d")
    explained = onair("schedule", "explain", "[/]", "--data-dir", data)
    assert explained.returncode == 1
    assert explained.stderr.splitlines() == ["error: no scheduled item '[/]' for station 'demo'"]

    shown = onair("config", "show", "--data-dir", data, env={"ONAIR_TIMEZONE": "[/]"})
    assert shown.returncode == 2
    assert shown.stderr.splitlines() == [
        "error: invalid setting timezone (ONAIR_TIMEZONE) = '[/]': expected an IANA timezone"
        " such as 'Europe/Berlin'"
    ]
