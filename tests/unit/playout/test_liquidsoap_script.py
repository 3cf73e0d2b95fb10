"""The annotate URIs and the scripts onair writes for Liquidsoap 2.1."""

from __future__ import annotations

import re
from pathlib import Path

from onair.domain.playout import AirItem
from onair.domain.programming import ItemKind
from onair.playout.liquidsoap.requests import ANNOTATION_KEYS, annotate_uri, annotation_value
from onair.playout.liquidsoap.script import LiveScript, liq_string, live_script


def _item(**changes: object) -> AirItem:
    values: dict[str, object] = {
        "play_id": "play-1",
        "asset_id": "asset-1",
        "kind": ItemKind.MUSIC,
        "category": "A",
        "title": "Song",
        "artist": None,
        "master_key": "masters/a.mp3",
        "cue_in_s": 0.25,
        "cue_out_s": 181.5,
        "intro_s": 12.0,
        "segue_s": 176.0,
        "gain_db": -3.2,
    }
    values.update(changes)
    return AirItem(**values)  # type: ignore[arg-type]


def _fields(uri: str) -> dict[str, str]:
    body = uri.removeprefix("annotate:")
    found = dict(re.findall(r'(\w+)="((?:[^"\\]|\\.)*)"', body))
    return found


def test_every_annotation_is_on_every_track_even_a_zero_fade() -> None:
    uri = annotate_uri(_item(), Path("/audio/a.mp3"), cross_s=0.0, fade_in_s=0.0, fade_out_s=0.0)
    fields = _fields(uri)
    assert list(fields) == list(ANNOTATION_KEYS)
    assert fields["liq_cue_in"] == "0.250"
    assert fields["liq_cue_out"] == "181.500"
    assert fields["liq_cross_duration"] == "0.000"
    assert fields["liq_fade_in"] == fields["liq_fade_out"] == "0.000"
    assert fields["liq_amplify"] == "-3.20 dB"
    assert fields["onair_play_id"] == "play-1"
    assert uri.endswith(":/audio/a.mp3")


def test_crossfade_lengths_go_into_the_uri() -> None:
    uri = annotate_uri(_item(gain_db=1.5), Path("/a.mp3"), cross_s=2.5, fade_in_s=1, fade_out_s=3)
    fields = _fields(uri)
    assert (fields["liq_cross_duration"], fields["liq_fade_in"], fields["liq_fade_out"]) == (
        "2.500",
        "1.000",
        "3.000",
    )
    assert fields["liq_amplify"] == "1.50 dB"


def test_quotes_backslashes_newlines_and_interpolation_are_escaped() -> None:
    assert annotation_value('say "hi"') == '"say \\"hi\\""'
    assert annotation_value("back\\slash") == '"back\\\\slash"'
    assert annotation_value("two\nlines") == '"two lines"'
    # Liquidsoap 2.1 would interpolate #{...} in an annotate value and fail the request.
    assert annotation_value("price #{x}") == '"price # {x}"'
    uri = annotate_uri(
        _item(title='A "B", C:D'), Path("/a.mp3"), cross_s=1, fade_in_s=1, fade_out_s=1
    )
    assert _fields(uri)["title"] == 'A \\"B\\", C:D'


def test_script_strings_split_interpolation() -> None:
    assert liq_string('pa"ss\\') == '"pa\\"ss\\\\"'
    assert liq_string("a#{b}") == '("a#" ^ "{b}")'


def _live(tmp_path: Path) -> str:
    return live_script(
        LiveScript(
            telnet_port=1234,
            callback_url="http://127.0.0.1:5000/liquidsoap/t",
            icecast_host="127.0.0.1",
            icecast_port=8000,
            icecast_password='se"cret#{x}',
            mount="/onair.mp3",
            fallback_dir=tmp_path,
            blank_threshold_db=-45.0,
            blank_max_s=7.0,
        )
    )


def test_the_live_script_has_the_chain_fallback_blank_alarm_and_output(tmp_path: Path) -> None:
    script = _live(tmp_path)
    for part in (
        'request.queue(id="onair"',
        "cue_cut(s)",
        'amplify(1., override="liq_amplify", s)',
        'override_duration="liq_cross_duration"',
        'a.metadata["liq_fade_out"]',
        'b.metadata["liq_fade_in"]',
        'fallback(id="onair_air", track_sensitive=false, [live, backup])',
        "source.on_metadata(radio, onair_on_metadata)",
        "threshold=(-45.000)",
        "max_blank=(7.000)",
        "http.post(",
        "output.icecast(%mp3(bitrate=128)",
        'settings.server.telnet.bind_addr.set("127.0.0.1")',
        'password=("se\\"cret#" ^ "{x}")',
    ):
        assert part in script, part
