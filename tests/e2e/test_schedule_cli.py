"""``onair schedule`` as a program director runs it, on a realistic metadata-only library.

One data dir per module gets the demo station and 1,500 catalog rows; tests
that build or lock work on a copy of it, so each starts from the same library
(the same asset ids) and none sees another's schedule.
"""

from __future__ import annotations

import asyncio
import json
import re
import shutil
import sqlite3
import subprocess
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timedelta
from importlib.resources import files
from itertools import pairwise
from pathlib import Path
from typing import Any

import nats
import pytest
from nats.aio.msg import Msg

from tests.e2e.cli import onair
from tests.fixtures.nats import NatsServer
from tests.music_catalog import write_catalog

DEMO = Path(str(files("onair.scheduler") / "demo_station.yaml"))
FIRST = "2027-02-01"  # a Monday well ahead: no hour of it has aired
DAY_2_UTC = "2027-02-02T06:00:00.000Z"  # local midnight in Chicago (UTC-6 in February)
INSTANT = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$")
KINDS = {"music", "id", "jingle", "promo", "voice", "spot", "news", "fill"}
TOP_KEYS = {
    "station", "timezone", "call_letters", "generated_at", "from", "to", "rules", "items",
    "unscheduled", "relaxations",
}  # fmt: skip
ITEM_KEYS = {
    "id", "start", "duration_s", "overlap_next_s", "kind", "hard", "nominal_start", "slot",
    "asset",
}  # fmt: skip
ASSET_KEYS = {
    "id", "title", "artist", "artists", "album", "isrc", "category", "explicit", "gender",
    "tempo", "energy", "rights",
}  # fmt: skip
# Beyond the keys above that outside tools check: each hour's under/over, clock, lock and
# notes, and the item's clock category (the only name a planned voice or spot item has).
EXTRA_TOP_KEYS = {"hours"}
EXTRA_ITEM_KEYS = {"category"}
CSV_HEADER = (
    "id,start,duration_s,overlap_next_s,kind,hard,nominal_start,slot,category,asset_id,title,"
    "artist,album,isrc,explicit,gender,tempo,energy"
)


@dataclass(frozen=True)
class Built:
    data: Path
    summary: dict[str, Any]
    export: dict[str, Any]


def _data(path: Path) -> tuple[str, str]:
    return ("--data-dir", str(path))


def _ok(*args: str) -> str:
    result = onair(*args, timeout=120)
    assert result.returncode == 0, result.stderr
    return result.stdout


def _together(*commands: tuple[str, ...]) -> list[subprocess.CompletedProcess[str]]:
    """Independent commands side by side: each ``onair`` spends over a second starting."""
    with ThreadPoolExecutor(2) as pool:
        return list(pool.map(lambda args: onair(*args, timeout=120), commands))


@pytest.fixture(scope="module")
def prepared(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo station applied and 1,500 catalog songs ingested; nothing built."""
    root = tmp_path_factory.mktemp("schedule")
    catalog, data = root / "catalog.csv", root / "prepared"
    write_catalog(catalog, 1500)
    _ok("demo", "--no-serve", "--tracks", "0", *_data(data))
    ingested = onair("ingest", "--catalog", str(catalog), "--no-index", *_data(data), timeout=120)
    assert ingested.returncode == 0, ingested.stderr
    assert "1500 added, 0 updated, 0 rejected" in ingested.stderr
    return data


def _copy(prepared: Path, to: Path) -> Path:
    shutil.copytree(prepared, to)
    return to


def _build_args(data: Path, *extra: str, days: int = 2) -> tuple[str, ...]:
    return (
        "schedule",
        "build",
        "--from",
        FIRST,
        "--days",
        str(days),
        "--json",
        *extra,
        *_data(data),
    )


def _export_args(data: Path, days: int = 2) -> tuple[str, ...]:
    return ("schedule", "export", "--from", FIRST, "--days", str(days), *_data(data))


def _build(data: Path, *extra: str, days: int = 2) -> dict[str, Any]:
    out = _ok(*_build_args(data, *extra, days=days))
    summary: dict[str, Any] = json.loads(out)
    return summary


def _export(data: Path, days: int = 2) -> dict[str, Any]:
    out = _ok(*_export_args(data, days))
    exported: dict[str, Any] = json.loads(out)
    return exported


@pytest.fixture(scope="module")
def built(prepared: Path, tmp_path_factory: pytest.TempPathFactory) -> Built:
    """Two days built with seed 7; tests only read it (bad input must not change it)."""
    data = _copy(prepared, tmp_path_factory.mktemp("built") / "d")
    summary = _build(data, "--seed", "7")
    return Built(data, summary, _export(data))


def _at(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def _ms(seconds: float) -> int:
    return round(seconds * 1000)


def _assert_chained(items: list[dict[str, Any]]) -> None:
    """``start[i+1] = start[i] + duration_s[i] - overlap_next_s[i]``, to the millisecond."""
    for before, after in pairwise(items):
        advance = timedelta(milliseconds=_ms(before["duration_s"]) - _ms(before["overlap_next_s"]))
        assert _at(before["start"]) + advance == _at(after["start"]), (before["id"], after["id"])


def _stored(data: Path) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    with sqlite3.connect(data / "onair.sqlite3") as db:
        hours = db.execute(
            "SELECT station_id, starts_at, built_at, seed, locked FROM schedule_hours ORDER BY 1, 2"
        ).fetchall()
        items = db.execute(
            "SELECT id, starts_at, asset_id FROM schedule_items ORDER BY 1"
        ).fetchall()
    return hours, items


def test_schedule_help_lists_every_command() -> None:
    result = onair("schedule", "--help")
    assert result.returncode == 0, result.stderr
    for command in ("build", "show", "explain", "verify", "export", "lock"):
        assert re.search(rf"^│ {command} ", result.stdout, re.MULTILINE), command


def test_a_build_stores_every_hour_of_the_days(built: Built) -> None:
    summary = built.summary
    assert (summary["station"], summary["hours"], summary["built"], summary["kept"]) == (
        "demo",
        48,
        48,
        0,
    )
    assert summary["program_version"] == 1
    items = built.export["items"]
    assert summary["items"] == len(items) > 48 * 12
    assert summary["unscheduled"] == len(built.export["unscheduled"])
    assert summary["relaxations"] == len(built.export["relaxations"])
    hours = built.export["hours"]
    assert len(hours) == 48
    assert hours[0]["local"] == "2027-02-01T00:00-06:00"
    assert hours[-1]["local"] == "2027-02-02T23:00-06:00"
    weekday = ["overnight"] * 5 + ["news_hour"] * 5 + ["music_hour"] * 5
    weekday += ["news_hour"] * 4 + ["music_hour"] * 5
    assert [h["clock"] for h in hours] == weekday * 2  # Monday and Tuesday on the demo grid


def test_the_json_export_follows_the_issue_schema(built: Built) -> None:
    export = built.export
    assert set(export) == TOP_KEYS | EXTRA_TOP_KEYS
    assert (export["station"], export["timezone"], export["call_letters"]) == (
        "demo",
        "America/Chicago",
        "KONR",
    )
    assert INSTANT.match(export["generated_at"])
    assert (export["from"], export["to"]) == (
        "2027-02-01T06:00:00.000Z",
        "2027-02-03T06:00:00.000Z",
    )
    rules = export["rules"]
    assert rules["artist_separation"] == {
        "enabled": True,
        "breakable": True,
        "params": {"minutes": 70.0},
    }
    assert rules["dmca_complement"]["breakable"] is False
    assert all(set(rule) == {"enabled", "breakable", "params"} for rule in rules.values())

    items = export["items"]
    ids = [item["id"] for item in items]
    assert len(set(ids)) == len(ids)
    for item in items:
        assert set(item) == ITEM_KEYS | EXTRA_ITEM_KEYS, item["id"]
        assert INSTANT.match(item["start"]), item
        assert item["kind"] in KINDS, item
        assert item["duration_s"] > 0, item
        if item["hard"]:
            assert item["nominal_start"] == item["start"], item
        if item["nominal_start"] is not None:
            assert INSTANT.match(item["nominal_start"]), item
        if item["kind"] == "music":
            asset = item["asset"]
            assert set(asset) == ASSET_KEYS, item["id"]
            assert set(asset["rights"]) == {"territories", "valid_from", "valid_until"}
            assert asset["category"] == item["category"]
            assert asset["artist"], item
            assert asset["artists"], item
    assert {i["kind"] for i in items} >= {"music", "id", "spot", "voice", "news"}
    assert sum(1 for i in items if i["hard"]) == 48  # the legal ID or the news on every hour
    assert [i["start"] for i in items] == sorted(i["start"] for i in items)
    assert items[0]["start"] == export["from"]
    _assert_chained(items)  # across every hour and the day boundary

    for missing in export["unscheduled"]:
        assert set(missing) == {"hour", "slot", "category", "nominal_start", "reason"}
        assert missing["reason"]
    for relaxation in export["relaxations"]:
        assert set(relaxation) == {"hour", "slot", "item_id", "rule", "candidates", "rejected"}
        assert relaxation["item_id"] in ids
        assert rules[relaxation["rule"]]["breakable"] is True


def test_the_csv_export_is_one_row_per_item(built: Built, tmp_path: Path) -> None:
    args = ("schedule", "export", "--format", "csv", "--from", FIRST, "--days", "2")
    written = tmp_path / "week.csv"
    result, to_file = _together(
        (*args, *_data(built.data)), (*args, "--output", str(written), *_data(built.data))
    )
    assert result.returncode == 0, result.stderr
    text = result.stdout
    header, *rows = text.splitlines()
    assert header == CSV_HEADER
    items = built.export["items"]
    assert len(rows) == len(items)
    first = rows[1].split(",")
    assert (first[0], first[1], first[4]) == (items[1]["id"], items[1]["start"], items[1]["kind"])
    assert [r.split(",", 1)[0] for r in rows] == [i["id"] for i in items]

    assert to_file.returncode == 0, to_file.stderr
    assert to_file.stdout == ""
    assert written.read_text() == text


def test_show_prints_each_hour_in_station_time(built: Built) -> None:
    result, nothing = _together(
        ("schedule", "show", "--from", FIRST, *_data(built.data)),
        ("schedule", "show", "--from", "2027-06-01", *_data(built.data)),
    )
    assert result.returncode == 0, result.stderr
    shown = result.stdout
    for hour in built.export["hours"][:24]:
        assert f"{hour['local']}  clock {hour['clock']}  under/over" in shown
    assert "2027-02-02T00:00-06:00" not in shown  # one day unless --days says more
    first_hour = [i for i in built.export["items"] if i["start"] < "2027-02-01T07:00"]
    for item in first_hour:
        assert item["id"] in shown
    assert "00:00:00" in shown
    song = next(i for i in first_hour if i["kind"] == "music")
    assert f"{song['asset']['artist']} - {song['asset']['title']}" in shown

    assert nothing.returncode == 1
    assert nothing.stdout == ""
    assert nothing.stderr.strip().splitlines() == [
        "no hours built for demo from 2027-06-01 05:00 UTC: run 'onair schedule build'"
    ]


def _verified(data: Path, days: int) -> tuple[int, list[str], dict[str, Any]]:
    """``schedule verify`` as text and as JSON; both must exit alike."""
    args = ("schedule", "verify", "--from", FIRST, "--days", str(days), *_data(data))
    text, as_json = _together(args, (*args, "--json"))
    assert text.returncode == as_json.returncode, text.stderr + as_json.stderr
    found: dict[str, Any] = json.loads(as_json.stdout)
    lines = text.stdout.strip().splitlines()
    assert lines[-1] == f"{found['hours']} hours checked, {len(found['violations'])} violations"
    listed = lines[:-1]
    assert len(listed) == len(found["violations"])
    for line, violation in zip(listed, found["violations"], strict=True):
        assert f" {violation['item_id']} {violation['rule']}: {violation['message']}" in line
        assert violation["relaxed"] is line.endswith("(recorded relaxation)")
    assert text.returncode == (1 if listed else 0)
    return text.returncode, listed, found


def test_verify_finds_nothing_but_what_the_build_recorded(built: Built) -> None:
    _, _, found = _verified(built.data, 2)
    assert found["hours"] == 48
    recorded = {(x["item_id"], x["rule"]) for x in built.export["relaxations"]}
    assert {(v["item_id"], v["rule"]) for v in found["violations"]} == recorded
    assert all(v["relaxed"] for v in found["violations"])


def _lenient_station(rules: dict[str, Any], to: Path) -> Path:
    """The demo station file with every breakable rule switched off."""
    lines = DEMO.read_text().splitlines()
    for name in (name for name, rule in rules.items() if rule["breakable"]):
        at = next(
            (n for n, line in enumerate(lines) if re.match(rf"  - {{rule: {name}\b", line)), None
        )
        entry = f"  - {{rule: {name}, enabled: false}}"
        if at is None:
            lines.append(entry)  # rules: is the file's last section
        else:
            lines[at] = entry
    to.write_text("\n".join(lines) + "\n")
    return to


def test_verify_exits_0_on_a_clean_schedule_and_1_once_a_start_moves_a_millisecond(
    prepared: Path, built: Built, tmp_path: Path
) -> None:
    lenient = _lenient_station(built.export["rules"], tmp_path / "lenient.yaml")
    data = _copy(prepared, tmp_path / "d")
    assert "version 2 applied" in _ok("station", "apply", str(lenient), *_data(data))
    assert _build(data, days=1)["relaxations"] == 0  # no breakable rule left to relax
    assert _verified(data, 1) == (0, [], {"hours": 24, "violations": []})

    with sqlite3.connect(data / "onair.sqlite3") as db:
        song, stored = db.execute(
            "SELECT id, starts_at FROM schedule_items WHERE kind = 'music'"
            " ORDER BY starts_at LIMIT 1 OFFSET 40"
        ).fetchone()
        later = datetime.fromisoformat(stored) + timedelta(milliseconds=1)
        db.execute(
            "UPDATE schedule_items SET starts_at = ? WHERE id = ?",
            (later.isoformat(sep=" ", timespec="microseconds"), song),
        )
    code, listed, found = _verified(data, 1)
    assert code == 1
    assert [(v["item_id"], v["rule"], v["message"]) for v in found["violations"]][:1] == [
        (song, "hard_timing", "starts +0.001 s off the end of the item before")
    ]
    assert len(listed) == 2  # and the item after it starts 1 ms before the song ends
    assert listed[1].endswith("hard_timing: starts -0.001 s off the end of the item before")


def test_explain_names_the_rank_and_what_each_rule_rejected(built: Built) -> None:
    with sqlite3.connect(built.data / "onair.sqlite3") as db:
        rows = db.execute("SELECT id, why FROM schedule_items WHERE kind = 'music'").fetchall()
    # The song whose pick the rules had most to say about.
    item_id, _ = max(rows, key=lambda row: sum(json.loads(row[1])["rejected"].values()))
    args = ("schedule", "explain", item_id, *_data(built.data))
    as_json, as_text = _together((*args, "--json"), args)
    assert as_json.returncode == as_text.returncode == 0, as_json.stderr + as_text.stderr
    view = json.loads(as_json.stdout)
    item = next(i for i in built.export["items"] if i["id"] == item_id)
    assert (view["id"], view["start"], view["kind"], view["slot"]) == (
        item_id,
        item["start"],
        "music",
        item["slot"],
    )
    assert view["asset"]["id"] == item["asset"]["id"]
    why = view["why"]
    assert why["rank"] >= 1
    assert why["scanned"] >= why["rank"]
    assert why["rejected"], "some rule turned a candidate down"
    recorded = [x for x in built.export["relaxations"] if x["item_id"] == item_id]
    assert sorted(why["relaxed"]) == sorted(x["rule"] for x in recorded)
    for relaxation in recorded:
        assert relaxation["candidates"] == why["scanned"]
        assert relaxation["rejected"] == why["rejected"][relaxation["rule"]]

    text = as_text.stdout.splitlines()
    place = "added to fill the time" if item["slot"] is None else f"slot {item['slot']}"
    assert text[0] == f"{item_id} at {item['start']}: music from {item['category']}, {place}"
    assert text[1].strip() == (
        f"{item['asset']['artist']} - {item['asset']['title']} ({item['asset']['id']})"
    )
    assert text[2].strip() == (
        f"chosen at place {why['rank']} in rotation, {why['scanned']} candidates looked at"
    )
    for rule, count in why["rejected"].items():
        assert f"  {rule} rejected {count}" in text
        for _, example in why["examples"][rule]:
            assert f"      e.g. {example}" in text
    if why["relaxed"]:
        assert text[-1].strip() == f"relaxed: {', '.join(why['relaxed'])}"


def test_the_same_seed_gives_the_same_schedule_and_another_seed_another(
    prepared: Path, built: Built, tmp_path: Path
) -> None:
    again, other = _copy(prepared, tmp_path / "again"), _copy(prepared, tmp_path / "other")
    builds = _together(_build_args(again, "--seed", "7"), _build_args(other, "--seed", "8", days=1))
    assert [b.returncode for b in builds] == [0, 0], [b.stderr for b in builds]
    exports = _together(_export_args(again), _export_args(other, days=1))
    same, different = (json.loads(e.stdout) for e in exports)
    assert same["items"] == built.export["items"]

    items = different["items"]
    assert {i["id"] for i in items}.isdisjoint(i["id"] for i in built.export["items"])
    day_1 = [i for i in built.export["items"] if i["start"] < DAY_2_UTC]
    assert [i["start"] for i in items][:1] == [day_1[0]["start"]]
    assert [i["asset"] for i in items] != [i["asset"] for i in day_1]
    _assert_chained(items)


def test_locked_hours_survive_a_rebuild_and_the_others_are_rebuilt(
    built: Built, tmp_path: Path
) -> None:
    data = _copy(built.data, tmp_path / "d")
    locked = _ok("schedule", "lock", "--from", FIRST, *_data(data))
    assert locked.strip() == "station demo: 24 hours locked from 2027-02-01 06:00 UTC"

    summary = _build(data, "--seed", "8")
    assert (summary["hours"], summary["built"], summary["kept"]) == (48, 24, 24)
    after = _export(data)
    day_1 = [i for i in built.export["items"] if i["start"] < DAY_2_UTC]
    assert [i for i in after["items"] if i["start"] < DAY_2_UTC] == day_1
    assert [h["locked"] for h in after["hours"]] == [True] * 24 + [False] * 24

    day_2_before = [i for i in built.export["items"] if i["start"] >= DAY_2_UTC]
    day_2_after = [i for i in after["items"] if i["start"] >= DAY_2_UTC]
    assert {i["id"] for i in day_2_after}.isdisjoint(i["id"] for i in day_2_before)
    assert [i["asset"] for i in day_2_after] != [i["asset"] for i in day_2_before]
    _assert_chained(after["items"])  # the rebuilt day picks up where the locked one ends

    unlocked = _ok("schedule", "unlock", "--from", FIRST, *_data(data))
    assert unlocked.strip() == "station demo: 24 hours unlocked from 2027-02-01 06:00 UTC"
    summary = _build(data, "--seed", "9")
    assert (summary["built"], summary["kept"]) == (48, 0)

    # Each build, lock and unlock is an operator action in the ledger, by the shell's login.
    log = _ok("audit", "log", "--from", "2020-01-01", "--to", "2099-12-31", "--kind",
              "operator_action", "--json", *_data(data))  # fmt: skip
    actions = [e["body"] for e in json.loads(log)]
    schedule = [a for a in actions if a["action"].startswith("schedule.")]
    assert [a["action"] for a in schedule][-4:] == [
        "schedule.lock", "schedule.build", "schedule.unlock", "schedule.build",
    ]  # fmt: skip
    lock, build_kept, unlock, build_all = schedule[-4:]
    assert lock["who"].startswith("shell:")
    assert (lock["after"]["hours"], unlock["after"]["hours"]) == (24, 24)
    assert (len(build_kept["after"]["hours"]), len(build_all["after"]["hours"])) == (24, 48)
    assert build_all["detail"] == {"from": FIRST, "days": 2, "seed": 9}


BAD_INPUT = {
    "bad-date": (
        ("build", "--from", "2027-02-30"),
        "error: --from '2027-02-30' is not a date: write YYYY-MM-DD, e.g. 2026-12-01",
    ),
    "days-0": (("build", "--from", FIRST, "--days", "0"), "error: --days 0: give 1 to 62 days"),
    "format": (
        ("export", "--from", FIRST, "--format", "xml"),
        "error: --format 'xml': use json or csv",
    ),
    "unknown-item": (
        ("explain", "01ZZZZZZZZZZZZZZZZZZZZZZZZ"),
        "error: no scheduled item '01ZZZZZZZZZZZZZZZZZZZZZZZZ' for station 'demo'",
    ),
    "no-program": (
        ("build", "--from", FIRST, "--station", "kxyz"),
        "error: station 'kxyz' has no program yet: run 'onair station apply FILE'",
    ),
    "past": (
        ("build", "--from", "2020-03-02", "--days", "2"),
        "error: 2020-03-02 + 2 days has already aired: build from today on",
    ),
}


@pytest.fixture(scope="module")
def bad_runs(built: Built) -> dict[str, subprocess.CompletedProcess[str]]:
    """Every bad command once, side by side; the stored schedule must not change."""
    before = _stored(built.data)
    names = list(BAD_INPUT)
    runs = _together(*(("schedule", *BAD_INPUT[n][0], *_data(built.data)) for n in names))
    assert _stored(built.data) == before
    return dict(zip(names, runs, strict=True))


@pytest.mark.parametrize("case", BAD_INPUT)
def test_bad_input_is_one_line_and_writes_nothing(
    bad_runs: dict[str, subprocess.CompletedProcess[str]], case: str
) -> None:
    result = bad_runs[case]
    assert result.returncode != 0
    assert result.stdout == ""
    assert result.stderr.strip().splitlines() == [BAD_INPUT[case][1]]


def _on_nats(url: str) -> dict[str, str]:
    return {"ONAIR_BUS": "nats", "ONAIR_NATS_URL": url, "ONAIR_NATS_CONNECT_TIMEOUT_S": "1"}


def test_a_build_with_the_bus_unreachable_stores_nothing(
    prepared: Path, tmp_path: Path, nats_server: NatsServer
) -> None:
    data = _copy(prepared, tmp_path / "d")
    nats_server.stop()  # the settings name a NATS that nothing answers any more
    result = onair(*_build_args(data, days=1), env=_on_nats(nats_server.url), timeout=120)
    assert result.returncode == 1
    assert result.stdout == ""
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith("error: ")
    assert nats_server.url.removeprefix("nats://") in line
    assert _stored(data) == _stored(prepared)  # the hours demo built for today, no more


async def test_a_build_publishes_each_hour_it_stores(
    prepared: Path, tmp_path: Path, nats_server: NatsServer
) -> None:
    data = _copy(prepared, tmp_path / "d")
    client = await nats.connect(nats_server.url)
    heard: list[dict[str, Any]] = []

    async def hear(message: Msg) -> None:
        heard.append(json.loads(message.data)["payload"])

    await client.subscribe("onair.demo.schedule.published", cb=hear)
    try:
        env = _on_nats(nats_server.url)
        result = await asyncio.to_thread(onair, *_build_args(data, days=1), env=env, timeout=120)
        assert result.returncode == 0, result.stderr
        await client.flush()
    finally:
        await client.drain()
    hours = [h for h in _stored(data)[0] if h not in _stored(prepared)[0]]
    assert len(hours) == json.loads(result.stdout)["built"] == 24
    first = _at(DAY_2_UTC) - timedelta(days=1)
    every_hour = [first + timedelta(hours=n) for n in range(24)]
    assert [_at(h["hour"]) for h in heard] == every_hour
