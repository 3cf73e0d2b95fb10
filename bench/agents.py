"""Voicing an hour, and timing 500 talk-ups to the post, with the rules generator and eSpeak NG.

Prints one JSON line: ``hour_s`` (seconds to write, check and voice every
spoken segment of one hour: the median of ``--runs``), ``post_hit_share``
(of ``--talkups`` talk-ups over demo-library intros, the share whose voice
ends at least 0.5 s before the song's post), ``length_estimate_share`` (the
share whose estimated length was within 10% of the voiced take), then the
breakdown: segments per hour, talk-ups voiced and fallen back, compressed,
median tries, the voice's speaking rate.

- hour: the demo station's program (``demo_station.yaml``), one music hour and
  one news hour laid out from its clocks with demo-library songs: the legal
  ID, the links (talk-ups where the next song's intro allows), a time check,
  a promo and the news from fixed headlines. The schedule, library and
  segment store are in memory: this measures writing and voicing, not the
  database. Target: hour_s under 5 s.
- talk-ups: pairs of songs from ``build_demo_library`` (its titles, artists and
  intros; the audio bodies are kept short, since only metadata is read), each
  link budgeted to end 0.5 s before the next song's post. Targets: 100% post
  hits, at least 95% of estimates within 10%.

There is no outside reference to run beside it: the hobby AI radio projects
generate one link at a time just before air and time nothing.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from importlib.resources import files
from pathlib import Path

from ruamel.yaml import YAML

from onair.agents.context import Sources, VoiceSlot, facts_for
from onair.agents.errors import AgentError
from onair.agents.facts import ScriptRequest
from onair.agents.memory_station import MemoryStation
from onair.agents.producer import HourBudget, Producer
from onair.agents.rules_generator import RulesGenerator
from onair.agents.runtime import AgentRuntime, RuntimeSettings
from onair.agents.timing import SlotTiming
from onair.agents.voices.espeak_tts import EspeakSynthesizer
from onair.domain.library import AssetKind, album_key, artist_key, title_key
from onair.domain.program_check import program_from
from onair.domain.programming import ItemKind, StationProgram
from onair.domain.schedule import Playable, ScheduledItem
from onair.domain.segments import SegmentKind, SegmentStatus
from onair.ingest.ffmpeg.demo_library import DemoTrack, build_demo_library

HOUR = datetime(2027, 3, 1, 14, 0, tzinfo=UTC)
MARGIN_MS = 500


def demo_program() -> StationProgram:
    text = files("onair.scheduler").joinpath("demo_station.yaml").read_text()
    data = YAML(typ="safe").load(text)
    data["voice"] = {"weather": {"summary": "clear skies, 12 degrees"}}
    data["categories"]["tw"] = {"type": "voice", "planned_s": 10, "agent": "time_weather"}
    return program_from(data)


def demo_songs(folder: Path, tracks: int) -> list[Playable]:
    made = build_demo_library(folder, tracks, seconds=(1.0, 2.0))
    return [_playable(n, t) for n, t in enumerate(made) if t.kind == "music"]


def _playable(n: int, track: DemoTrack) -> Playable:
    length = round((track.intro_s + track.body_s + track.fade_s) * 1000)
    return Playable(
        id=f"song{n:04d}", kind=AssetKind.MUSIC, title=track.title, artist=track.artist,
        artists=(track.artist,), artist_keys=(artist_key(track.artist),),
        title_key=title_key(track.title), album=track.album,
        album_key=album_key(track.album or "", track.artist), isrc=track.isrc,
        length_ms=length, intro_ms=round(track.intro_s * 1000), segue_ms=length,
        year=track.year, genre=track.genre,
    )  # fmt: skip


def lay_out(program: StationProgram, clock: str, songs: list[Playable], start: datetime,
            talkup_min_ms: int) -> list[ScheduledItem]:  # fmt: skip
    """The clock's slots as items: songs in turn, every other slot planned for the agents."""
    items: list[ScheduledItem] = []
    pick = iter(songs)
    at = start
    slots = [s.category for s in program.clocks[clock].slots]
    slots.insert(3, "tw")
    for position, name in enumerate(slots):
        category = program.categories[name]
        song = next(pick) if category.type is ItemKind.MUSIC else None
        length = song.length_ms if song else round((category.planned_s or 5) * 1000)
        items.append(ScheduledItem(
            id=f"{clock}-{position}", hour=start, position=position, start=at,
            duration_ms=length, overlap_next_ms=0, kind=category.type, category=name,
            asset_id=song.id if song else None,
        ))  # fmt: skip
        at += timedelta(milliseconds=length)
    for n, item in enumerate(items[:-1]):
        following = items[n + 1]
        song = next((s for s in songs if s.id == following.asset_id), None)
        if item.kind is ItemKind.VOICE and song is not None and song.intro_ms >= talkup_min_ms:
            items[n] = ScheduledItem(**{**item.__dict__, "why": {"talk_up": True}})
    return items


def time_hours(program: StationProgram, songs: list[Playable], runs: int) -> tuple[float, int]:
    """The median seconds to voice a music hour and a news hour, and segments per run."""
    seconds: list[float] = []
    made = 0
    talkup_min = round(program.timing.talkup_min_intro_s * 1000)
    for run in range(runs):
        items: list[ScheduledItem] = []
        for n, clock in enumerate(("music_hour", "news_hour")):
            start = HOUR + timedelta(hours=n + 2 * run)
            rotated = songs[(run * 7 + n * 13) % len(songs) :] + songs
            items += lay_out(program, clock, rotated, start, talkup_min)
        stores = MemoryStation(program, items, {s.id: s for s in songs})
        runtime = runtime_over(stores)
        began = time.perf_counter()
        for n in range(2):
            report = runtime.fill_hour(HOUR + timedelta(hours=n + 2 * run))
            made += len([s for s in report.segments if s.status is SegmentStatus.READY])
        seconds.append((time.perf_counter() - began) / 2)
    return statistics.median(seconds), made // (2 * runs)


def runtime_over(stores: MemoryStation) -> AgentRuntime:
    producer = Producer([RulesGenerator()], EspeakSynthesizer(), voices={}, target_lufs=-16.0)
    ids = iter(range(10**9))
    return AgentRuntime(
        "demo", schedule=stores, library=stores, programs=stores, segments=stores,
        producer=producer, read_weather=lambda p, t: "clear skies, 12 degrees",
        read_headlines=lambda p, t: ("Newsroom", (
            "City council approves the new bridge budget",
            "Springfield library extends weekend hours",
        )),
        now=lambda: HOUR - timedelta(hours=1), new_id=lambda: f"seg{next(ids):023d}",
        settings=RuntimeSettings(concurrency=2),
    )  # fmt: skip


def talk_ups(program: StationProgram, songs: list[Playable], count: int) -> dict[str, float]:
    producer = Producer([RulesGenerator()], EspeakSynthesizer(), voices={}, target_lufs=-16.0)
    talkup_min = round(program.timing.talkup_min_intro_s * 1000)
    openers = [s for s in songs if s.intro_ms >= talkup_min]
    rng = random.Random(7)
    budget = HourBudget(10**9, 10**9)
    hits = estimates = voiced = compressed = 0
    tries: list[int] = []
    for n in range(count):
        previous, following = rng.choice(songs), rng.choice(openers)
        item = ScheduledItem(id=f"t{n}", hour=HOUR, position=1, start=HOUR, duration_ms=15_000,
                             overlap_next_ms=15_000, kind=ItemKind.VOICE, category="link",
                             why={"talk_up": True})  # fmt: skip
        slot = VoiceSlot(item, SegmentKind.VOICE_LINK, "en", previous, following, (following,))
        facts = facts_for(program, slot, Sources())
        if n == 0:
            sample = ScriptRequest(SegmentKind.VOICE_LINK, facts, max_words=80)
            producer.pace("en", RulesGenerator().write(sample).text)
        timing = SlotTiming(budget_ms=following.intro_ms - MARGIN_MS, talk_up=True,
                            post_ms=following.intro_ms, margin_ms=MARGIN_MS)  # fmt: skip
        try:
            made = producer.produce(SegmentKind.VOICE_LINK, facts, timing, budget, seed=n)
        except AgentError:
            continue  # the runtime would air a liner that fits: not counted as voiced
        voiced += 1
        length_ms = made.speech.duration_s * 1000
        hits += length_ms <= following.intro_ms - MARGIN_MS
        estimates += abs(made.estimated_ms - made.take_ms) <= 0.1 * made.take_ms
        compressed += made.tempo > 1.0
        tries.append(made.attempts)
    return {
        "post_hit_share": round(hits / max(voiced, 1), 4),
        "length_estimate_share": round(estimates / max(voiced, 1), 4),
        "talkups": count,
        "talkups_voiced": voiced,
        "talkups_compressed": compressed,
        "median_tries": statistics.median(tries) if tries else 0,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="hours timed (median)")
    parser.add_argument("--talkups", type=int, default=500)
    parser.add_argument("--tracks", type=int, default=160, help="demo library size")
    args = parser.parse_args()
    program = demo_program()
    with tempfile.TemporaryDirectory() as tmp:
        songs = demo_songs(Path(tmp), args.tracks)
    hour_s, per_hour = time_hours(program, songs, args.runs)
    figures = {"hour_s": round(hour_s, 3), **talk_ups(program, songs, args.talkups)}
    figures |= {"segments_per_hour": per_hour, "voice": EspeakSynthesizer().name}
    keys = ("hour_s", "post_hit_share", "length_estimate_share")
    print(
        json.dumps(
            {k: figures[k] for k in keys} | {k: v for k, v in figures.items() if k not in keys}
        )
    )


if __name__ == "__main__":
    main()
