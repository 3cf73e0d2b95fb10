"""Which items of an hour the agents voice, in which language, with which facts."""

from __future__ import annotations

from onair.agents.context import Sources, facts_for, voice_slots
from onair.agents.imaging import stand_in
from onair.domain.library import AssetKind
from onair.domain.programming import ItemKind
from onair.domain.segments import SegmentKind
from tests.fixtures.agents_station import hour_items, playable, station_program

program = station_program
hour = hour_items


SONGS = {a: playable(a) for a in ("a", "b", "c")}
HOUR = hour(
    (ItemKind.ID, "legal_id", None),
    (ItemKind.MUSIC, "hits", "a"),
    (ItemKind.VOICE, "link", None),
    (ItemKind.MUSIC, "hits", "b"),
    (ItemKind.VOICE, "tw", None),
    (ItemKind.PROMO, "promo", None),
    (ItemKind.MUSIC, "hits", "c"),
)


def test_every_planned_spoken_item_gets_its_agent() -> None:
    slots = voice_slots(program(), HOUR, SONGS)
    assert [s.kind for s in slots] == [
        SegmentKind.STATION_ID, SegmentKind.VOICE_LINK, SegmentKind.TIME_WEATHER,
        SegmentKind.SHOW_PROMO,
    ]  # fmt: skip


def test_a_link_knows_the_song_before_and_every_song_after() -> None:
    link = voice_slots(program(), HOUR, SONGS)[1]
    assert link.previous is not None
    assert link.previous.id == "a"
    assert link.following is not None
    assert link.following.id == "b"
    assert [s.id for s in link.upcoming] == ["b", "c"]


def test_an_item_the_library_filled_is_left_alone() -> None:
    filled = hour((ItemKind.ID, "legal_id", "recorded-id"), (ItemKind.MUSIC, "hits", "a"))
    assert voice_slots(program(), filled, SONGS) == []


def test_a_bilingual_station_alternates_by_link_or_by_hour() -> None:
    by_link = voice_slots(program(languages=["en", "es"]), HOUR, SONGS)
    assert [s.language for s in by_link] == ["en", "es", "en", "es"]
    by_hour = voice_slots(program(languages=["en", "es"], alternate="hour"), HOUR, SONGS)
    assert {s.language for s in by_hour} == {"en"}  # 14:00 local: an even hour


def test_facts_hold_only_what_the_kind_may_say() -> None:
    prog = program()
    slots = voice_slots(prog, HOUR, SONGS)
    sources = Sources(weather="light rain, 12 degrees", headlines=("Bridge reopens",))
    link, weather, promo = (facts_for(prog, s, sources) for s in slots[1:])
    assert link.previous is not None
    assert link.previous.title == "Title a"
    assert [t.title for t in link.upcoming] == ["Title b", "Title c"]
    assert link.weather is None
    assert link.headlines == ()
    assert weather.weather == "light rain, 12 degrees"
    assert (weather.local_time.hour, weather.local_time.minute) == (14, 16)  # station time
    assert promo.show is not None
    assert promo.show.name == "The Late Shift"
    assert promo.show.start_hour == 22


def test_a_stand_in_is_the_longest_liner_that_fits() -> None:
    imaging = [
        playable("l1", AssetKind.LINER, 6_000), playable("l2", AssetKind.LINER, 12_000),
        playable("id1", AssetKind.STATION_ID, 3_000),
    ]  # fmt: skip
    pick = stand_in(imaging, 9_500, station_id=False, turn=0)
    assert pick is not None
    assert pick.id == "l1"
    assert stand_in(imaging, 2_000, station_id=False, turn=0) is None
    # A legal ID slot takes only a recorded ID: a liner lacks the call letters.
    pick = stand_in(imaging, 20_000, station_id=True, turn=0)
    assert pick is not None
    assert pick.id == "id1"


def test_a_file_name_title_and_an_unknown_artist_are_no_facts() -> None:
    songs = {
        "a": playable("a", title="track22", artist="Unknown Artist"),
        "b": playable("b", title="Static Summer", artist="<unknown>"),
        "c": playable("c", title="Satellite Run", artist="Mara Quinn"),
    }
    link = voice_slots(program(), HOUR, songs)[1]
    facts = facts_for(program(), link, Sources())
    assert facts.previous is None  # nothing to back-announce: the link talks up
    assert [(t.title, t.artist) for t in facts.upcoming] == [
        ("Static Summer", None), ("Satellite Run", "Mara Quinn")
    ]  # fmt: skip
    assert facts.unspoken == ("track22", "Unknown Artist", "<unknown>")
