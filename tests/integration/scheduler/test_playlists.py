"""Playlists on SQLite and PostgreSQL: kept and judged by the desk, named by the station file,
aired by the scheduler in order around the clock's hard posts.

The library is a catalog CSV of 480 songs loaded as ``onair ingest --catalog``
loads it, the program the demo station file with a request hour added.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from importlib.resources import files
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.engine import Engine

from onair.domain.ledger import EntryKind
from onair.domain.playlists import PlaylistInUse, PlaylistRefused
from onair.domain.program_check import program_from
from onair.domain.programming import InvalidProgram, StationProgram
from onair.domain.schedule import Playable, ScheduledItem
from onair.ingest.catalog_load import load_catalog
from onair.scheduler.playlists import PlaylistDesk
from onair.scheduler.service import Scheduler
from onair.scheduler.station_file import load_station_file
from onair.storage.db import create_engine_for
from onair.storage.migrate import upgrade
from onair.storage.repositories.ledger import SqlLedger
from onair.storage.repositories.library import SqlLibrary
from onair.storage.repositories.playlists import SqlPlaylists
from onair.storage.repositories.programs import SqlPrograms
from onair.storage.repositories.schedule_library import SqlScheduleLibrary
from onair.storage.repositories.schedules import SqlSchedules
from tests.music_catalog import write_catalog

pytestmark = pytest.mark.integration

DEMO = Path(str(files("onair.scheduler") / "demo_station.yaml"))
STATION = "demo"
MONDAY = date(2027, 2, 1)  # Chicago is UTC-6 all month
NINE = datetime(2027, 2, 1, 15, tzinfo=UTC)  # Monday 09:00 in Chicago: the request hour
BEFORE = NINE - timedelta(days=30)


@pytest.fixture
def engine(database_url: str, tmp_path: Path) -> Iterator[Engine]:
    """The demo program applied and 480 songs loaded from a catalog."""
    upgrade(database_url)
    engine = create_engine_for(database_url)
    SqlPrograms(engine).apply(load_station_file(DEMO), str(DEMO))
    write_catalog(tmp_path / "catalog.csv", 480)
    load_catalog(tmp_path / "catalog.csv", STATION, SqlLibrary(engine))
    yield engine
    engine.dispose()


def _scheduler(engine: Engine) -> Scheduler:
    ledger = SqlLedger(engine)
    return Scheduler(SqlPrograms(engine, ledger), SqlScheduleLibrary(engine),
                     SqlSchedules(engine, ledger), now=lambda: BEFORE,
                     playlists=SqlPlaylists(engine, ledger))  # fmt: skip


def _desk(engine: Engine) -> PlaylistDesk:
    ledger = SqlLedger(engine)
    return PlaylistDesk(SqlPrograms(engine, ledger), SqlScheduleLibrary(engine),
                        SqlPlaylists(engine, ledger), STATION, lambda: BEFORE,
                        _scheduler(engine))  # fmt: skip


def _with_request_hour(program: StationProgram, hours: str = "09") -> StationProgram:
    """The demo program with a request hour on Monday 09:00: the ID, the requests, songs,
    the spots hard at 30:00, the requests carrying on, songs to the top of the hour."""
    data: dict[str, Any] = program.export()
    data["categories"]["requests"] = {"type": "playlist", "playlist": "requests"}
    data["clocks"]["request_hour"] = {"slots": [
        {"category": "legal_id", "at": "00:00", "hard": True},
        {"category": "requests"},
        {"category": "power"},
        {"category": "gold"},
        {"category": "spots", "at": "30:00", "hard": True},
        {"category": "requests"},
        {"category": "current"},
        {"category": "gold"},
        {"category": "power"},
    ]}  # fmt: skip
    data["overrides"] = {"2027-02-01": {hours: "request_hour"}}
    return program_from(data)


def _songs(engine: Engine) -> list[Playable]:
    return [s for s in SqlScheduleLibrary(engine).playables(STATION) if s.kind == "music"]


def _distinct_artists(songs: list[Playable], count: int) -> list[Playable]:
    """Songs by ``count`` artists, none sharing one or a title, none explicit, with rights."""
    chosen: list[Playable] = []
    seen: set[str] = set()
    for song in songs:
        keys = {*song.artist_keys, f"title:{song.title_key}"}
        if song.explicit or seen & keys or song.rights[0].valid_until:
            continue
        chosen.append(song)
        seen |= keys
        if len(chosen) == count:
            break
    return chosen


def _ledgered(engine: Engine, action: str) -> list[dict[str, Any]]:
    return [dict(e.body) for e in SqlLedger(engine).entries(STATION)
            if e.kind == EntryKind.OPERATOR_ACTION and e.body["action"] == action]  # fmt: skip


def test_a_station_file_naming_an_unknown_playlist_is_refused_in_one_line(engine: Engine) -> None:
    scheduler = _scheduler(engine)
    program = _with_request_hour(scheduler.program(STATION))
    with pytest.raises(InvalidProgram) as refused:
        scheduler.apply(program, "request.yaml", "shell:pd")
    assert str(refused.value) == (
        "categories.requests.playlist: station demo has no playlist 'requests': create it"
        " first ('onair playlist create requests')"
    )
    assert scheduler.programs.current(STATION).version == 1  # nothing applied
    _desk(engine).create("requests", "Request hour", [], "shell:pd")
    assert scheduler.apply(program, "request.yaml", "shell:pd").version == 2
    with pytest.raises(PlaylistInUse, match="airs in category requests"):
        _desk(engine).delete("requests", "shell:pd")


def test_a_playlist_airs_in_order_and_the_hour_still_lands_its_posts(engine: Engine) -> None:
    desk, scheduler = _desk(engine), _scheduler(engine)
    requests = _distinct_artists(_songs(engine), 12)  # about 40 minutes: more than a half hour
    made = desk.create("requests", "Request hour", [s.id for s in requests], "shell:pd")
    assert made.playlist.asset_ids == tuple(s.id for s in requests)
    scheduler.apply(_with_request_hour(scheduler.program(STATION)), "request.yaml", "shell:pd")
    scheduler.build(STATION, MONDAY, 1, seed=4)

    (hour,) = scheduler.stored(STATION, NINE, NINE + timedelta(hours=1))
    assert hour.clock == "request_hour"
    aired = [i for i in hour.items if "playlist" in i.why]
    # Every request airs, in the playlist's order, each as the song it is.
    assert [i.asset_id for i in aired] == [s.id for s in requests]
    assert [i.why["playlist"]["position"] for i in aired] == list(range(len(requests)))
    assert all(i.kind == "music" and i.category == "requests" for i in aired)
    # Split by the hard spots at 30:00: the first part right after the ID, the rest after
    # the spots, the clock's songs filling around them.
    spots = next(i for i in hour.items if i.hard and i.category == "spots")
    assert spots.start == NINE + timedelta(minutes=30)
    first = [i for i in aired if i.start < spots.start]
    assert (hour.items[0].category, hour.items[0].start) == ("legal_id", NINE)
    assert list(hour.items[1 : 1 + len(first)]) == first
    after = hour.items.index(spots) + 1
    assert list(hour.items[after : after + len(aired) - len(first)]) == aired[len(first) :]
    assert 0 < len(first) < len(aired)
    # Every item starts where the one before hands over, to the top of the next hour.
    _chained(list(hour.items))
    assert hour.items[-1].next_start == NINE + timedelta(hours=1)
    _, violations = scheduler.verify(STATION, NINE, NINE + timedelta(hours=1))
    assert [v for v in violations if not v.relaxed] == [], [
        (str(i.start.time()), i.category, i.duration_ms, i.overlap_next_ms, i.hard)
        for i in hour.items
    ] + list(hour.notes)


def test_a_playlist_carries_on_into_the_next_hour_and_leaves_out_what_may_not_air(
    engine: Engine,
) -> None:
    desk, scheduler = _desk(engine), _scheduler(engine)
    songs = _songs(engine)
    explicit = next(s for s in songs if s.explicit)  # at 09:00, outside the safe harbor
    requests = _distinct_artists([s for s in songs if s.artist_keys != explicit.artist_keys], 20)
    listed = [requests[0].id, explicit.id, *(s.id for s in requests[1:])]
    made = desk.create("requests", "Two-hour special", listed, "shell:pd")
    assert [(w.position, w.rule) for w in made.warnings if w.rule == "safe_harbor"] == [
        (1, "safe_harbor")]  # fmt: skip
    program = _with_request_hour(scheduler.program(STATION), "09-11")
    scheduler.apply(program, "request.yaml", "shell:pd")
    scheduler.build(STATION, MONDAY, 1, seed=4)

    nine, ten = scheduler.stored(STATION, NINE, NINE + timedelta(hours=2))
    aired = [i for h in (nine, ten) for i in h.items if "playlist" in i.why]
    positions = [i.why["playlist"]["position"] for i in aired]
    # The explicit song is left out with the rule's reason; the rest air in order, the
    # ten o'clock hour carrying on where nine stopped, to the list's end.
    assert positions == [0, *range(2, len(listed))]
    assert any("playlist" in i.why for i in ten.items)
    (left_out,) = [u for u in nine.unscheduled if u.category == "requests"]
    assert left_out.reason.startswith("playlist 'requests' item 1 (")
    assert left_out.reason.endswith("explicit outside the safe harbor 22:00-06:00")
    for hour in (nine, ten):
        _chained(list(hour.items))
        assert hour.items[-1].next_start == hour.start + timedelta(hours=1)


def test_an_edit_builds_anew_the_hours_ahead_that_air_the_playlist(engine: Engine) -> None:
    desk, scheduler = _desk(engine), _scheduler(engine)
    requests = _distinct_artists(_songs(engine), 20)
    desk.create("requests", "Two-hour special", [s.id for s in requests], "shell:pd")
    scheduler.apply(_with_request_hour(scheduler.program(STATION), "09-11"), "r.yaml", "shell:pd")
    scheduler.build(STATION, MONDAY, 1, seed=4)
    ten = NINE + timedelta(hours=1)
    SqlSchedules(engine).lock(STATION, ten, ten + timedelta(hours=1))

    moved = desk.move_item("requests", 0, 1, "shell:pd")
    assert [p.start for p in moved.rebuilt] == [NINE]
    assert moved.kept == (ten,)
    (nine,) = scheduler.stored(STATION, NINE, ten)
    aired = [i.asset_id for i in nine.items if "playlist" in i.why]
    assert aired[:2] == [requests[1].id, requests[0].id]  # the new order on the air
    assert [a["detail"]["hour"] for a in _ledgered(engine, "schedule.rebuild_hour")] == [
        "2027-02-01T15:00:00.000Z"]  # fmt: skip


def test_the_hours_before_a_playlist_leave_its_songs_and_artists_alone(engine: Engine) -> None:
    desk, scheduler = _desk(engine), _scheduler(engine)
    songs = {s.id: s for s in _songs(engine)}
    # Gold and recurrent songs, as a request hour plays: not the small power rotation.
    requests = _distinct_artists(list(songs.values())[200:], 12)
    desk.create("requests", "Request hour", [s.id for s in requests], "shell:pd")
    scheduler.apply(_with_request_hour(scheduler.program(STATION)), "request.yaml", "shell:pd")
    scheduler.build(STATION, MONDAY, 1, seed=4)

    (hour,) = scheduler.stored(STATION, NINE, NINE + timedelta(hours=1))
    # Nothing before it took what the playlist needs: every item airs.
    assert [i.asset_id for i in hour.items if "playlist" in i.why] == [s.id for s in requests]
    assert [u for u in hour.unscheduled if u.category == "requests"] == []
    # The first request's artist is kept out of the 70 minutes before it (artist separation).
    first = next(i for i in hour.items if "playlist" in i.why)
    before = scheduler.stored(STATION, NINE - timedelta(hours=2), NINE)
    near = [songs[i.asset_id] for p in before for i in p.items
            if i.asset_id in songs and first.start - i.start < timedelta(minutes=70)]  # fmt: skip
    assert near
    assert all(not set(s.artist_keys) & set(requests[0].artist_keys) for s in near)
    # And no request airs in rotation in the 4 hours before (rest).
    earlier = scheduler.stored(STATION, NINE - timedelta(hours=4), NINE)
    assert {i.asset_id for p in earlier for i in p.items}.isdisjoint(s.id for s in requests)


def _chained(items: list[ScheduledItem]) -> None:
    for before, item in pairwise(items):
        assert before.next_start == item.start, (before, item)


def test_edits_are_judged_by_the_rules_and_each_is_ledgered(engine: Engine) -> None:
    desk = _desk(engine)
    songs = _songs(engine)
    one_artist = [s for s in songs if s.artist_keys == songs[0].artist_keys][:4]
    others = _distinct_artists(songs[1:], 3)
    desk.create("special", "Holiday special", [s.id for s in others], "shell:pd")

    moved = desk.move_item("special", 2, 0, "shell:pd")
    assert moved.playlist.asset_ids == (others[2].id, others[0].id, others[1].id)
    with pytest.raises(PlaylistRefused) as unknown:
        desk.add_item("special", "01NOSUCHASSET00000000000000", None, "shell:pd")
    assert (unknown.value.field, unknown.value.rule) == ("asset_ids.3", "unknown_asset")
    # Three from one album in a row: the DMCA's performance complement allows two.
    with pytest.raises(PlaylistRefused) as dmca:
        desk.replace_items("special", [s.id for s in one_artist], "shell:pd")
    assert (dmca.value.field, dmca.value.rule) == ("asset_ids.2", "dmca_complement")
    assert str(dmca.value).endswith("would be 3 from one album in a row (dmca_complement)")
    kept = desk.replace_items("special", [s.id for s in one_artist[:2]], "shell:pd")
    assert {w.rule for w in kept.warnings} >= {"artist_separation"}
    assert desk.playlist("special").asset_ids == tuple(s.id for s in one_artist[:2])

    assert [a["who"] for a in _ledgered(engine, "playlist.create")] == ["shell:pd"]
    (move,) = _ledgered(engine, "playlist.move_item")
    assert move["detail"] == {"name": "special", "position": 2, "to": 0}
    assert move["after"]["asset_ids"] == list(moved.playlist.asset_ids)
    assert len(_ledgered(engine, "playlist.replace_items")) == 1  # the refused one left none
    assert _ledgered(engine, "playlist.add_item") == []
