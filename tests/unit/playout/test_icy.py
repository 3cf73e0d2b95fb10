"""ICY metadata blocks and their interleaving into one listener's bytes."""

from __future__ import annotations

import re

from onair.playout.icy import NO_CHANGE, IcyInterleaver, stream_title_block


def read_icy(body: bytes, metaint: int) -> tuple[bytes, list[tuple[int, str]]]:
    """Audio bytes and (audio offset, title) of each non-empty block, as a player reads them."""
    audio, titles, at = bytearray(), [], 0
    while at < len(body):
        audio += body[at : at + metaint]
        at += metaint
        if at >= len(body):
            break
        size = body[at] * 16
        text = body[at + 1 : at + 1 + size].rstrip(b"\x00").decode()
        if found := re.fullmatch(r"StreamTitle='(.*)';", text):
            titles.append((len(audio), found[1]))
        at += 1 + size
    return bytes(audio), titles


def test_a_title_block_is_length_prefixed_in_sixteens_and_nul_padded() -> None:
    block = stream_title_block("Artist - Title")
    assert (block[0] * 16, block[1:].rstrip(b"\x00")) == (
        len(block) - 1,
        b"StreamTitle='Artist - Title';",
    )


def test_a_quote_in_a_title_cannot_end_it_early() -> None:
    text = stream_title_block("Guns N' Roses - Don't Cry")[1:].rstrip(b"\x00").decode()
    assert text.count("'") == 2
    assert text == "StreamTitle='Guns N\u2019 Roses - Don\u2019t Cry';"


def test_a_title_too_long_for_one_block_is_cut_at_a_whole_character() -> None:
    block = stream_title_block("\u00e9" * 5000)
    assert len(block) == 1 + 255 * 16
    text = block[1:].rstrip(b"\x00").decode()  # still valid UTF-8
    assert text.startswith("StreamTitle='\u00e9")
    assert text.endswith("';")


def test_blocks_come_every_metaint_bytes_and_stripping_them_gives_the_audio_back() -> None:
    audio = bytes(range(256)) * 40
    icy = IcyInterleaver(metaint=1000, title="A - One")
    body = b"".join(icy.wrap(audio[i : i + 333], "A - One") for i in range(0, len(audio), 333))
    stripped, titles = read_icy(body, 1000)
    assert stripped == audio
    assert titles == [(1000, "A - One")]  # announced once, then "no change"
    assert body[2000 + len(stream_title_block("A - One"))] == NO_CHANGE[0]


def test_a_new_title_waits_until_all_the_bytes_before_it_are_out() -> None:
    icy = IcyInterleaver(metaint=100, title="A - One")
    # The chunk that holds track B's first sample spans the metadata point at byte 100.
    body = icy.wrap(b"a" * 60, "A - One") + icy.wrap(b"b" * 90, "B - Two")
    body += icy.wrap(b"b" * 200, "B - Two")
    _, titles = read_icy(body, 100)
    assert titles == [(100, "A - One"), (200, "B - Two")]


def test_a_title_may_go_out_exactly_where_its_chunk_ends() -> None:
    icy = IcyInterleaver(metaint=100)
    body = icy.wrap(b"a" * 40, None) + icy.wrap(b"b" * 60, "B - Two") + icy.wrap(b"b" * 10, "B")
    _, titles = read_icy(body, 100)
    assert titles == [(100, "B - Two")]
