"""``onair library remove`` and ``onair agents reject|approve`` as an operator runs them: the
same desks the API's routes work through, each change ledgered by shell:LOGIN."""

from __future__ import annotations

import getpass
import json
from pathlib import Path

import pytest

from tests.e2e.cli import onair
from tests.integration.ingest.synth import render

pytestmark = pytest.mark.timeout(300)


def test_an_asset_is_removed_once_and_the_ledger_says_who(tmp_path: Path) -> None:
    data = ("--data-dir", str(tmp_path / "station"))
    noise = "anoisesrc=color=pink:seed=4:amplitude=0.3:duration=6:sample_rate=44100"
    song = render(tmp_path / "song.flac", ["-f", "lavfi", "-i", noise])
    ingested = onair("ingest", str(song), "--no-index", *data, timeout=120)
    assert ingested.returncode == 0, ingested.stderr
    (asset,) = json.loads(onair("library", "list", "--json", *data).stdout)

    removed = onair("library", "remove", asset["id"], *data)
    assert removed.returncode == 0, removed.stderr
    assert removed.stderr.strip() == f"removed {asset['id']}"
    assert json.loads(onair("library", "list", "--json", *data).stdout) == []
    again = onair("library", "remove", asset["id"], *data)
    assert again.returncode == 1
    assert again.stderr.strip() == f"error: no asset '{asset['id']}' at station demo"

    day = json.loads(onair("audit", "log", "--from", "1971-01-01", "--to", "9998-12-31",
                           "--kind", "operator_action", "--json", *data).stdout)  # fmt: skip
    (action,) = [e["body"] for e in day if e["body"]["action"] == "library.asset_remove"]
    assert action["who"] == f"shell:{getpass.getuser()}"
    assert action["detail"] == {"asset_id": asset["id"]}

    unknown = onair("agents", "reject", "01JNOSUCHSEGMENT", "--note", "flat", *data)
    assert unknown.returncode == 1
    assert unknown.stderr.strip() == "error: no segment '01JNOSUCHSEGMENT' at station demo"
