"""The performance complement as playout keeps it: window totals, rows, albums, artists, edges."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from onair.bootstrap.playout import playout_rules
from onair.config import Settings
from onair.domain.albums import album_key
from onair.domain.complement import Complement
from onair.domain.library import AssetKind
from onair.domain.rules import DmcaComplement
from onair.domain.schedule import Playable
from tests.unit.scheduler.factory import only, program

T0 = datetime(2027, 3, 1, 12, 0, tzinfo=UTC)


def song(
    n: int,
    artist: str,
    album: str | None = None,
    *,
    kind: AssetKind = AssetKind.MUSIC,
    also: tuple[str, ...] = (),
    album_artist: str | None = "Various Artists",
) -> Playable:
    artists = (artist, *also)
    return Playable(
        id=f"s{n}", kind=kind, title=f"Song {n}", artist=" & ".join(artists), artists=artists,
        artist_keys=tuple(a.casefold() for a in artists), title_key=f"song {n}",
        album=album, album_key=album_key(album, album_artist) if album else None, isrc=None,
        length_ms=200_000, intro_ms=0, segue_ms=195_000,
    )  # fmt: skip


def minutes(m: float) -> datetime:
    return T0 + timedelta(minutes=m)


def aired(complement: Complement, *plays: tuple[Playable, float]) -> None:
    for playable, at in plays:
        complement.record(playable, minutes(at))


def test_a_fifth_song_by_one_artist_within_the_window_breaks_it() -> None:
    complement = Complement()
    aired(complement, *((song(n, "Nina"), n * 20.0) for n in range(4)))
    aired(complement, (song(9, "Otis"), 80.0))  # so the row is broken
    assert complement.breach(song(5, "Nina"), minutes(100)) == "would be 5 by Nina within 3 h"
    assert complement.breach(song(6, "Otis"), minutes(100)) is None


def test_a_fourth_song_by_one_artist_in_a_row_breaks_it() -> None:
    complement = Complement()
    aired(complement, (song(1, "Nina"), 0), (song(2, "Nina"), 4), (song(3, "Nina"), 8))
    assert complement.breach(song(4, "Nina"), minutes(12)) == "would be 4 by Nina in a row"
    aired(complement, (song(5, "Otis"), 12))
    assert complement.breach(song(4, "Nina"), minutes(16)) is None  # 4 in the window is allowed


def test_a_track_without_an_album_artist_counts_with_every_album_of_its_title() -> None:
    complement = Complement()
    zimmer = [song(n, "Hans Zimmer", "Interstellar", album_artist="Hans Zimmer") for n in (1, 2)]
    untagged = song(3, "Lisa Gerrard", "Interstellar (Deluxe Edition)", album_artist=None)
    aired(complement, (zimmer[0], 0), (untagged, 4))
    assert complement.breach(zimmer[1], minutes(8)) == (
        "would be 3 from Interstellar in a row"
        " (counted as one album: same album title, album artist missing on one)"
    )
    other = song(4, "Mara", "Interstellar", album_artist="Mara")  # another album artist's
    assert complement.breach(other, minutes(8)) is None
    aired(complement, (other, 8), (zimmer[1], 12))
    assert complement.breach(song(5, "Ray", "Interstellar", album_artist=None), minutes(16)) == (
        "would be 5 from Interstellar within 3 h"
        " (counted as one album: same album title, album artist missing on one)"
    )


def test_album_limits_count_the_album_in_a_row_and_in_the_window() -> None:
    complement = Complement()
    aired(complement, (song(1, "Nina", "Pastel Blues"), 0), (song(2, "Otis", "Pastel Blues"), 4))
    third = song(3, "Ray", "Pastel Blues")
    assert complement.breach(third, minutes(8)) == "would be 3 from Pastel Blues in a row"
    aired(complement, (song(4, "Ray"), 8), (song(5, "Ray", "Pastel Blues"), 12))
    assert complement.breach(third, minutes(16)) == "would be 4 from Pastel Blues within 3 h"
    assert complement.breach(song(6, "Sam", "Other"), minutes(16)) is None


def test_a_play_exactly_one_window_back_still_counts_and_one_before_does_not() -> None:
    complement = Complement()
    aired(complement, *((song(n, "Nina"), n * 10.0) for n in range(4)))
    aired(complement, (song(8, "Otis"), 100))
    # The first play was at 0: a song at 3 h sharp still sees it, a moment later does not.
    assert complement.breach(song(5, "Nina"), minutes(180)) == "would be 5 by Nina within 3 h"
    later = minutes(180) + timedelta(microseconds=1)
    assert complement.breach(song(5, "Nina"), later) is None


def test_only_music_counts_and_a_featured_artist_counts_for_every_credit() -> None:
    complement = Complement(DmcaComplement(artist_max=2, artist_in_row=2))
    liner = song(7, "Nina", kind=AssetKind.VOICE)
    aired(complement, (song(1, "Nina"), 0), (liner, 2), (liner, 3))
    assert complement.breach(liner, minutes(4)) is None  # a voice item never breaks it
    duet = song(2, "Otis", also=("Nina",))
    aired(complement, (duet, 4))
    # Two by Nina (one featured) with voice between: the row is still two songs.
    assert complement.breach(song(3, "Nina"), minutes(8)) == "would be 3 by Nina within 3 h"
    assert complement.overshoot(song(3, "Nina"), minutes(8)) == 2  # window and row, one each
    assert complement.overshoot(song(4, "Otis"), minutes(8)) == 0


def test_the_stations_own_parameters_are_used() -> None:
    complement = Complement(DmcaComplement(window_hours=1, artist_max=2, artist_in_row=1))
    aired(complement, (song(1, "Nina"), 0))
    assert complement.breach(song(2, "Nina"), minutes(5)) == "would be 2 by Nina in a row"
    aired(complement, (song(3, "Otis"), 5), (song(4, "Nina"), 10), (song(5, "Otis"), 15))
    assert complement.breach(song(2, "Nina"), minutes(20)) == "would be 3 by Nina within 1 h"
    assert complement.breach(song(2, "Nina"), minutes(61)) is None  # the first has left the hour


def test_playout_takes_the_stations_rule_and_the_statutes_without_a_program(
    tmp_path: Path,
) -> None:
    settings = Settings(data_dir=tmp_path)
    limits = {"artist_max": 2, "artist_in_row": 1}
    station = program(rules=only("dmca_complement", dmca_complement=limits))
    assert playout_rules(settings, station).dmca == DmcaComplement(**limits)
    assert playout_rules(settings, None).dmca == DmcaComplement()
