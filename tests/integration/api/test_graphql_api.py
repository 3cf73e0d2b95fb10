"""GraphQL at /graphql: what the studio renders of the air and the hour, through the real
app of a serving process over a real SQLite station, behind the same credentials as REST.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
import sqlalchemy as sa

from onair.domain.access import Role
from onair.domain.library import AssetKind, AudioFacts, Ending, LibraryAsset
from onair.domain.playout import AsRunEntry, EndedBy, OnAirState
from onair.domain.programming import ItemKind
from onair.domain.rights import UsageRights
from onair.domain.schedule import HourPlan, ScheduledItem
from onair.domain.segments import Segment, SegmentKind, SegmentStatus
from onair.domain.tags import TrackTags
from tests.integration.api.conftest import PASSWORD, Served

pytestmark = pytest.mark.integration

HOUR = datetime(2026, 12, 7, 21, tzinfo=UTC)
NOW = HOUR + timedelta(minutes=21, seconds=20)
RIGHTS = UsageRights(territories=frozenset({"US", "CA"}), valid_until=date(2027, 6, 30))
AUDIO = AudioFacts(
    duration_s=181.0, codec="flac", sample_rate=44100, channels=2, bitrate=None,
    loudness_lufs=-14.0, loudness_range_lu=5.0, true_peak_dbtp=-1.0, gain_db=-2.0,
    cue_in_s=0.5, cue_out_s=180.5, intro_end_s=12.5, segue_s=176.0, ending=Ending.FADE,
    bpm=120.0, energy=0.6, fingerprint="AQAA",
)  # fmt: skip
TITLES = ["Night Drive", "Harbour Lights", "Paper Moon", "Slow River", "Glass City"]

STUDIO = """{ station {
  onAir { item { id kind } asset { title artists rights { territories validUntil } }
          elapsed remaining }
  currentHour { underOverMs items { start duration kind
                asset { title artists rights { territories validUntil } }
                segment { script status } } }
  nextHardPost } }"""


def _asset_id(n: int) -> str:
    return f"01JG{n:022d}"


def _item_id(hour: datetime, n: int) -> str:
    return f"01JI{hour:%d%H}{n:020d}"


def _song(station: str, n: int) -> LibraryAsset:
    title = f"{TITLES[n % len(TITLES)]} {n}"
    tags = TrackTags(title=title, artist=f"Band {n} feat. Guest", artists=(f"Band {n}", "Guest"))
    master = f"masters/{n}.flac"
    return LibraryAsset(_asset_id(n), station, AssetKind.MUSIC, tags, rights=(RIGHTS,),
                        sha256=f"{n:064x}", master_key=master, audio=AUDIO)  # fmt: skip


def _library(served: Served, songs: int) -> None:
    stores = served.station.stores
    stores.library.save_many([_song(stores.station, n) for n in range(songs)])


def _hour(served: Served, hour: datetime, count: int) -> HourPlan:
    """``count`` items across the hour: a hard ID first, then songs with a voice link
    before every third one; each voice link has its script."""
    length = timedelta(hours=1) / count
    items = []
    for n in range(count):
        kind = ItemKind.ID if n == 0 else ItemKind.VOICE if n % 3 == 2 else ItemKind.MUSIC
        items.append(ScheduledItem(
            id=_item_id(hour, n), hour=hour, position=n, start=hour + n * length,
            duration_ms=int(length.total_seconds() * 1000), overlap_next_ms=0, kind=kind,
            category=kind.value, hard=n == 0, slot=n,
            asset_id=None if kind is ItemKind.VOICE else _asset_id(n),
        ))  # fmt: skip
    plan = HourPlan(station=served.station.stores.station, start=hour, clock="drive",
                    local_label=f"{hour:%Y-%m-%dT%H:%M}+00:00", items=tuple(items),
                    under_over_ms=-1_250)  # fmt: skip
    served.station.stores.schedules.replace(plan.station, [plan], program_version=1)
    for item in items:
        if item.kind is ItemKind.VOICE:
            served.station.stores.segments.save(_link(served, item), None)
    return plan


def _link(served: Served, item: ScheduledItem) -> Segment:
    return Segment(
        id=f"01JS{item.position:02d}{item.id[-20:]}", station=served.station.stores.station,
        schedule_item_id=item.id, hour=item.hour, kind=SegmentKind.VOICE_LINK,
        status=SegmentStatus.READY, language="en", script=f"That was song {item.position - 1}.",
        generator="rules", planned_ms=8_000, estimated_ms=7_400, duration_ms=7_512,
    )  # fmt: skip


def _on_air(served: Served, item: ScheduledItem, started: datetime) -> None:
    assert item.asset_id is not None
    served.station.stores.on_air.save(OnAirState(
        station=served.station.stores.station, play_id="01JPLAY0000000000000000000",
        asset_id=item.asset_id, schedule_item_id=item.id, started_at=started,
        offset_samples=0, saved_at=NOW - timedelta(seconds=0.5),
    ))  # fmt: skip


@pytest.fixture
def station(served: Served) -> Served:
    """A station whose clock reads ``NOW``, with 20 songs in its library."""
    served.station.stores.now = lambda: NOW
    _library(served, 20)
    return served


async def _ask(served: Served, query: str, role_token: str | None = None,
               **variables: Any) -> dict[str, Any]:  # fmt: skip
    token = role_token or served.token(Role.VIEWER, "studio")
    answer = await served.client.post("/graphql", json={"query": query, "variables": variables},
                                      headers={"Authorization": f"Bearer {token}"})  # fmt: skip
    assert answer.status_code == 200, answer.text
    body: dict[str, Any] = answer.json()
    return body


@contextmanager
def _statements(served: Served) -> Iterator[list[str]]:
    """Every SQL statement the station's engine runs meanwhile."""
    ran: list[str] = []

    def count(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        ran.append(statement)

    engine = served.station.stores.engine
    sa.event.listen(engine, "before_cursor_execute", count)
    try:
        yield ran
    finally:
        sa.event.remove(engine, "before_cursor_execute", count)


async def test_the_studio_sees_the_song_on_air_and_the_hour_around_it(station: Served) -> None:
    plan = _hour(station, HOUR, 20)
    playing = plan.items[7]  # 21:21:00 to 21:24:00; the clock reads 21:21:20
    _on_air(station, playing, playing.start)
    answer = await _ask(station, STUDIO)
    assert "errors" not in answer
    seen = answer["data"]["station"]
    on_air = seen["onAir"]
    assert on_air["item"] == {"id": playing.id, "kind": "music"}
    assert on_air["asset"] == {
        "title": "Paper Moon 7", "artists": ["Band 7", "Guest"],
        "rights": [{"territories": ["CA", "US"], "validUntil": "2027-06-30"}],
    }  # fmt: skip
    assert on_air["elapsed"] == pytest.approx(20.0)
    assert on_air["remaining"] == pytest.approx(180.0 - 20.0)
    hour = seen["currentHour"]
    assert hour["underOverMs"] == -1_250
    assert len(hour["items"]) == 20
    first, link, song = hour["items"][0], hour["items"][2], hour["items"][3]
    assert first["start"] == "2026-12-07T21:00:00+00:00"
    assert first["duration"] == 180.0
    assert link["kind"] == "voice"
    assert link["asset"] is None
    assert link["segment"] == {"script": "That was song 1.", "status": "ready"}
    assert song["asset"]["title"] == "Slow River 3"
    assert song["segment"] is None
    assert seen["nextHardPost"] is None  # the next hour is not built yet

    _hour(station, HOUR + timedelta(hours=1), 5)
    later = await _ask(station, "{ station { nextHardPost } }")
    assert later["data"]["station"]["nextHardPost"] == "2026-12-07T22:00:00+00:00"


async def test_an_hour_costs_the_same_statements_whatever_its_items(station: Served) -> None:
    hour_view = STUDIO[STUDIO.index("currentHour") : STUDIO.index("nextHardPost")]
    token = station.token(Role.VIEWER)
    await _ask(station, STUDIO, token)  # the pool's first connections out of the way
    counts = {}
    for items in (5, 20):
        plan = _hour(station, HOUR, items)
        _on_air(station, plan.items[1], NOW - timedelta(seconds=5))
        with _statements(station) as ran:
            answer = await _ask(station, "{ station { " + hour_view + " } }", token)
        assert len(answer["data"]["station"]["currentHour"]["items"]) == items
        counts[items] = len(ran)
        with _statements(station) as ran:
            whole = await _ask(station, STUDIO, token)
        assert whole["data"]["station"]["onAir"]["item"]["id"] == plan.items[1].id
        # The on-air reads may or may not join the hour's batches: 15 at most either way.
        assert len(ran) <= 15, ran
    # The credential, the hour and its items, their assets (with rights and artists) and
    # the voice links' segments: one batch each, however many items the hour has.
    assert counts == {5: 8, 20: 8}


async def test_a_stopped_playout_is_not_shown_on_air(station: Served) -> None:
    plan = _hour(station, HOUR, 20)
    _on_air(station, plan.items[7], plan.items[7].start)
    station.station.stores.now = lambda: NOW + timedelta(minutes=2)  # no save for 2 minutes
    answer = await _ask(station, "{ station { onAir { elapsed } currentHour { clock } } }")
    assert answer["data"]["station"] == {"onAir": None, "currentHour": {"clock": "drive"}}


async def test_the_schedule_and_the_as_run_are_read_by_window(station: Served) -> None:
    _hour(station, HOUR, 5)
    _hour(station, HOUR + timedelta(hours=1), 4)
    stores = station.station.stores
    for n in (1, 3):
        stores.as_run.record(AsRunEntry(
            play_id=f"01JP{n:022d}", station=stores.station, asset_id=_asset_id(n),
            kind=ItemKind.MUSIC, category="power", title=f"Song {n}", artist="Band",
            actual_start=HOUR + timedelta(minutes=12 * n, seconds=0.4), duration_s=179.5,
            ended_by=EndedBy.CROSSFADE, schedule_item_id=_item_id(HOUR, n),
            scheduled_start=HOUR + timedelta(minutes=12 * n),
        ))  # fmt: skip
    query = """query ($from: DateTime!, $to: DateTime!) {
      schedule(from: $from, to: $to) { start clock items { kind asset { title } } }
      asRun(from: $from, to: $to) {
        title actualStart endedBy asset { title rights { territories } } }
    }"""
    window = {"from": "2026-12-07T21:00:00Z", "to": "2026-12-07T23:00:00+00:00"}
    answer = await _ask(station, query, **window)
    hours = answer["data"]["schedule"]
    assert [(h["start"], len(h["items"])) for h in hours] == [
        ("2026-12-07T21:00:00+00:00", 5), ("2026-12-07T22:00:00+00:00", 4),
    ]  # fmt: skip
    assert hours[1]["items"][1]["asset"] == {"title": "Harbour Lights 1"}
    assert answer["data"]["asRun"] == [
        {"title": "Song 1", "actualStart": "2026-12-07T21:12:00.400000+00:00",
         "endedBy": "crossfade", "asset": {"title": "Harbour Lights 1",
                                           "rights": [{"territories": ["CA", "US"]}]}},
        {"title": "Song 3", "actualStart": "2026-12-07T21:36:00.400000+00:00",
         "endedBy": "crossfade", "asset": {"title": "Slow River 3",
                                           "rights": [{"territories": ["CA", "US"]}]}},
    ]  # fmt: skip

    too_long = await _ask(station, query, **{"from": "2026-12-01T00:00:00Z",
                                             "to": "2026-12-09T00:00:00Z"})  # fmt: skip
    assert too_long["data"] is None
    assert [e["message"] for e in too_long["errors"]] == ["a window is at most 48 hours"]
    naive = await _ask(station, query, **{"from": "2026-12-07T21:00:00",
                                          "to": "2026-12-07T22:00:00"})  # fmt: skip
    assert naive["errors"][0]["message"].startswith("give 'from' and 'to' with their UTC offset")


async def test_anonymous_callers_get_401_and_sessions_need_their_csrf_token(
    served: Served,
) -> None:
    query = {"query": "{ station { name } }"}
    anonymous = await served.client.post("/graphql", json=query)
    assert anonymous.status_code == 401
    assert anonymous.headers["content-type"] == "application/problem+json"
    assert anonymous.headers["www-authenticate"] == 'Bearer realm="onair"'
    introspection = await served.client.post(
        "/graphql", json={"query": "{ __schema { types { name } } }"}
    )
    assert introspection.status_code == 401
    made_up = {"Authorization": "Bearer onair_nope_nope"}
    forged = await served.client.post("/graphql", json=query, headers=made_up)
    assert forged.status_code == 401

    served.user("vic", Role.VIEWER)
    login = await served.client.post("/api/v1/auth/login",
                                     json={"name": "vic", "password": PASSWORD})  # fmt: skip
    without = await served.client.post("/graphql", json=query)
    assert without.status_code == 403
    csrf = {"X-CSRF-Token": login.json()["csrf_token"]}
    with_csrf = await served.client.post("/graphql", json=query, headers=csrf)
    assert with_csrf.json() == {"data": {"station": {"name": "demo"}}}
    by_get = await served.client.get("/graphql", params=query)
    assert (by_get.status_code, by_get.headers["allow"]) == (405, "POST")


async def test_a_query_too_deep_or_too_wide_is_refused_before_it_runs(station: Served) -> None:
    _hour(station, HOUR, 20)
    deep = "{ station { currentHour { items { hour { items { hour { items { start } } } } } } } }"
    refused = await _ask(station, deep)
    assert refused["data"] is None
    assert refused["errors"][0]["message"] == "'anonymous' exceeds maximum operation depth of 6"
    allowed = await _ask(station, "{ station { currentHour { items { hour { clock } } } } }")
    assert allowed["data"]["station"]["currentHour"]["items"][0]["hour"] == {"clock": "drive"}

    aliases = " ".join(f"a{n}: station {{ name }}" for n in range(16))
    wide = await _ask(station, "{ " + aliases + " }")
    assert wide["data"] is None
    assert "aliases found" in wide["errors"][0]["message"]
    long = await _ask(station, "{ station { " + " name" * 2100 + " } }")
    assert long["data"] is None
    assert "more than 2000 tokens" in long["errors"][0]["message"]


async def test_an_internal_error_is_masked_and_the_rest_of_the_answer_stands(
    station: Served,
) -> None:
    _hour(station, HOUR, 5)
    with station.station.stores.engine.begin() as conn:  # a database that lost a table
        conn.execute(sa.text("DROP TABLE agent_segments"))
    answer = await _ask(
        station, "{ station { currentHour { items { kind asset { title } segment { script } } } } }"
    )
    items = answer["data"]["station"]["currentHour"]["items"]
    assert items[1]["asset"] == {"title": "Harbour Lights 1"}
    assert {e["message"] for e in answer["errors"]} == {"Unexpected error."}
    assert {e["extensions"]["code"] for e in answer["errors"]} == {"INTERNAL_SERVER_ERROR"}
    assert "agent_segments" not in str(answer)
    assert "sqlite" not in str(answer).lower()


async def test_a_refused_query_is_labelled_the_callers_to_fix(station: Served) -> None:
    backwards = '{ asRun(from: "2026-12-07T22:00:00Z", to: "2026-12-07T21:00:00Z") { title } }'
    answer = await _ask(station, backwards)
    assert answer["data"] is None
    [error] = answer["errors"]
    assert error["message"] == "'to' must come after 'from'"
    assert error["extensions"] == {"code": "BAD_USER_INPUT"}
    unknown = await _ask(station, "{ station { wattage } }")
    assert "extensions" not in unknown["errors"][0]  # never ran: nothing to label


async def test_introspection_shows_the_studio_types_and_nothing_of_access(served: Served) -> None:
    answer = await _ask(served, "{ __schema { types { name fields { name } } } }")
    types = {t["name"]: t for t in answer["data"]["__schema"]["types"]}
    ours = {name for name in types if not name.startswith("__")}
    assert ours == {
        "Query", "Station", "OnAir", "Hour", "HourItem", "Unfilled", "Asset", "Rights",
        "Segment", "AsRunLine", "SearchHit", "String", "Int", "Float", "Boolean", "ID",
        "DateTime", "Date",
    }  # fmt: skip
    fields = {f["name"] for t in types.values() for f in t["fields"] or ()}
    assert not {
        f
        for f in fields
        if any(w in f.lower() for w in ("token", "password", "session", "key", "secret"))
    }


async def test_the_library_is_searched_by_words_and_meaning(station: Served) -> None:
    discovery = station.client._transport.app.state.onair.discovery()  # type: ignore[attr-defined]
    discovery.index_pending(station.station.stores.station)
    query = """query ($text: String!, $kind: String) {
      searchLibrary(text: $text, kind: $kind, first: 4) { matchedBy asset { title } } }"""
    found = await _ask(station, query, text="harbour lights")
    hits = found["data"]["searchLibrary"]
    assert sorted(h["asset"]["title"] for h in hits) == [
        "Harbour Lights 1", "Harbour Lights 11", "Harbour Lights 16", "Harbour Lights 6",
    ]  # fmt: skip
    assert all(h["matchedBy"] == ["meaning", "words"] for h in hits)
    wrong = await _ask(station, query, text="harbour", kind="songs")
    assert wrong["errors"][0]["message"].startswith("no asset kind 'songs': use one of music")
    empty = await _ask(station, query, text="  ")
    assert empty["errors"][0]["message"] == "the search has no words: say what to look for"
