"""The agent runtime: every planned spoken item of an hour made ahead of air.

For each voice, promo, ID or content slot of a published hour the runtime
writes, checks and voices a segment on a worker thread, at most
``concurrency`` at once, each by its deadline (its time budget, and never
later than ``lead_s`` before it airs). A slot whose segment fails or misses
its deadline gets a recorded liner from imaging, or is dropped so playout
closes the gap; either way the failure is an event. Segments already made
for the hour are kept unless ``force`` asks for new ones. Every segment,
made now or kept, has its item planned for the length it airs for
(``agreement``), so the schedule says what the air will do.
"""

from __future__ import annotations

import time
import zlib
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

from onair.agents.agreement import Agreed, agree, over_vocal
from onair.agents.context import Sources, VoiceSlot, facts_for, fuller_facts, voice_slots
from onair.agents.errors import AgentError, FeedFailed, GenerationFailed
from onair.agents.facts import ScriptRequest
from onair.agents.imaging import stand_in
from onair.agents.ports import (
    AgentLibrary,
    AgentSchedule,
    PlanCorrections,
    SegmentStore,
    StationPrograms,
)
from onair.agents.producer import HourBudget, Made, Producer
from onair.agents.timing import SlotTiming, slot_timing
from onair.agents.voices.ffmpeg_speech import to_flac
from onair.domain.events import Correlation, Envelope, new_envelope
from onair.domain.library import AssetKind
from onair.domain.programming import ItemKind, StationProgram
from onair.domain.schedule import Playable, ScheduledItem
from onair.domain.segments import Segment, SegmentKind, SegmentStatus

__all__ = ["AgentRuntime", "HourReport", "RuntimeSettings"]


@dataclass(frozen=True)
class RuntimeSettings:
    concurrency: int = 2
    slot_timeout_s: float = 30.0  # one slot's time to write and voice, retries included
    lead_s: float = 60.0  # a segment is ready at least this long before it airs
    feed_timeout_s: float = 5.0
    duck_db: float | None = None  # dB links duck the song they talk up (the station's voice wins)


@dataclass
class HourReport:
    hour: datetime
    segments: list[Segment] = field(default_factory=list)
    events: list[Envelope] = field(default_factory=list)
    kept: int = 0  # slots that already had a segment
    slots: int = 0  # slots to fill this time
    corrections: list[str] = field(default_factory=list)  # plans corrected to what airs, or not


ReadWeather = Callable[[StationProgram, float], str | None]
ReadHeadlines = Callable[[StationProgram, float], tuple[str | None, tuple[str, ...]]]


class AgentRuntime:
    def __init__(
        self,
        station: str,
        *,
        schedule: AgentSchedule,
        library: AgentLibrary,
        programs: StationPrograms,
        segments: SegmentStore,
        producer: Producer,
        read_weather: ReadWeather,
        read_headlines: ReadHeadlines,
        now: Callable[[], datetime],
        new_id: Callable[[], str],
        settings: RuntimeSettings = RuntimeSettings(),
        corrections: PlanCorrections | None = None,
    ) -> None:
        self.station = station
        self.schedule = schedule
        self.library = library
        self.programs = programs
        self.segments = segments
        self.producer = producer
        self.read_weather = read_weather
        self.read_headlines = read_headlines
        self.now = now
        self.new_id = new_id
        self.settings = settings
        self.corrections = corrections  # None: the plan is left as built
        self._duck_db = settings.duck_db

    def fill_hour(
        self,
        hour: datetime,
        *,
        force: bool = False,
        on_segment: Callable[[Segment], None] | None = None,
        only: str | None = None,
    ) -> HourReport:
        """Make every missing segment of the hour starting at ``hour`` (UTC) and store it.

        ``only`` makes the segment of that one schedule item (again, made or not).
        """
        program = self.programs.program(self.station)
        self.producer.tune(program.voice.voices, program.voice.target_lufs)
        station_duck = program.voice.duck_db
        self._duck_db = self.settings.duck_db if station_duck is None else station_duck
        items = [i for i in self.schedule.history(self.station, hour, hour + timedelta(hours=1))
                 if i.hour == hour]  # fmt: skip
        songs = {p.id: p for p in self.library.playables(
            self.station, {i.asset_id for i in items if i.asset_id is not None})}  # fmt: skip
        report = HourReport(hour)
        made = {s.schedule_item_id: s for s in self.segments.for_hour(self.station, hour)}
        # What already aired is history: nothing can be made for it now.
        coming = [s for s in voice_slots(program, items, songs) if s.item.start >= self.now()]
        slots = [
            s for s in coming if (s.item.id == only if only else force or s.item.id not in made)
        ]
        report.kept = len(coming) - len(slots)
        report.slots = len(slots)
        for slot in (s for s in coming if s not in slots):  # a rebuild forgets a correction
            self._agree(slot, made[slot.item.id], report)
        if not slots:
            return report
        sources = self._sources(program, report)
        imaging = _imaging_of(program, self.library.imaging(self.station))
        budget = HourBudget(program.voice.llm_tokens_per_hour, program.voice.tts_chars_per_hour)
        voiceless = self._measure_paces(program, slots, sources)
        pool = ThreadPoolExecutor(self.settings.concurrency, thread_name_prefix="agents")
        try:
            started = time.monotonic()
            futures = [
                (slot, pool.submit(self._make, program, slot, sources, budget, voiceless))
                for slot in slots
            ]
            for turn, (slot, future) in enumerate(futures):
                wait_s = self._wait_s(slot, started, turn)
                segment = self._settle(program, slot, future, wait_s, imaging, turn, report)
                report.segments.append(segment)
                if on_segment is not None:
                    on_segment(segment)
        finally:
            # A slot past its deadline may still be waiting on a provider: do not wait for it.
            pool.shutdown(wait=False, cancel_futures=True)
        return report

    def preview(
        self,
        kind: SegmentKind,
        previous_id: str | None,
        next_id: str | None,
        *,
        language: str | None,
        at: datetime,
    ) -> tuple[Made, SlotTiming]:
        """One segment made as the hour would make it, between two songs, and not stored."""
        program = self.programs.program(self.station)
        self.producer.tune(program.voice.voices, program.voice.target_lufs)
        wanted = [i for i in (previous_id, next_id) if i]
        songs = {p.id: p for p in self.library.playables(self.station, wanted)}
        for asset_id in wanted:
            if asset_id not in songs:
                raise GenerationFailed(f"no asset {asset_id} in the library of {self.station}")
        following = songs.get(next_id) if next_id else None
        item = _preview_item(program, kind, following, at)
        slot = VoiceSlot(
            item=item,
            kind=kind,
            language=language or program.voice.languages[0],
            previous=songs.get(previous_id) if previous_id else None,
            following=following,
            upcoming=(following,) if following else (),
        )
        sources = self._sources(program, HourReport(item.hour))
        voiceless = self._measure_paces(program, [slot], sources)
        budget = HourBudget(program.voice.llm_tokens_per_hour, program.voice.tts_chars_per_hour)
        return self._make(program, slot, sources, budget, voiceless)

    # -- one slot -------------------------------------------------------------------

    def _make(
        self,
        program: StationProgram,
        slot: VoiceSlot,
        sources: Sources,
        budget: HourBudget,
        voiceless: dict[str, AgentError],
    ) -> tuple[Made, SlotTiming]:
        if slot.language in voiceless:  # the voice failed to read its calibration already
            raise voiceless[slot.language]
        timing = slot_timing(slot.item, slot.following, program.timing)
        if slot.kind is SegmentKind.FEED and not sources.headlines:
            raise GenerationFailed("no headlines: " + ("; ".join(sources.problems) or "no feed"))
        facts = facts_for(program, slot, sources)
        fuller = fuller_facts(program, slot, sources)
        seed = zlib.crc32(slot.item.id.encode())
        made = self.producer.produce(slot.kind, facts, timing, budget, seed, fuller=fuller)
        return made, timing

    def _settle(
        self,
        program: StationProgram,
        slot: VoiceSlot,
        future: Future[tuple[Made, SlotTiming]],
        wait_s: float,
        imaging: Sequence[Playable],
        turn: int,
        report: HourReport,
    ) -> Segment:
        timing = slot_timing(slot.item, slot.following, program.timing)
        try:
            made, timing = future.result(timeout=max(0.0, wait_s))
        except FutureTimeout:
            reason = (
                f"missed its deadline (not ready {self.settings.lead_s:g} s before air"
                f" within {self.settings.slot_timeout_s:g} s a slot)"
            )
        except AgentError as exc:
            reason = str(exc)
        else:
            segment = self._ready(slot, made, timing)
            try:
                self.segments.save(segment, to_flac(made.speech))
            except Exception as exc:  # the store away: the slot still gets its fallback
                reason = f"segment could not be stored: {exc}"
            else:
                plan = self._agree(slot, segment, report)
                if not over_vocal(slot.item, segment) or (plan is not None and plan.corrected):
                    report.events.append(self._event("agents.segment_ready", segment, slot,
                                                     plan.note if plan else None))  # fmt: skip
                    return segment
                # Planned over a song that now opens cold and not re-planned straight: it would
                # air over the vocal. Nothing airs instead, not even a liner.
                reason = "held back: the plan talks over the next song's vocal"
                reason += f" ({plan.note})" if plan is not None else ""
                timing = replace(timing, budget_ms=0)
        segment = self._fallback(slot, timing, imaging, turn, reason)
        self.segments.save(segment, None)
        plan = self._agree(slot, segment, report)
        report.events.append(self._event("agents.segment_failed", segment, slot,
                                         plan.note if plan else None))  # fmt: skip
        return segment

    def _agree(self, slot: VoiceSlot, segment: Segment, report: HourReport) -> Agreed | None:
        """The item planned for what ``segment`` airs (see ``agreement``); the outcome noted."""
        if self.corrections is None:
            return None
        agreed = agree(self.corrections, self.station, slot.item, segment)
        if agreed is not None:
            report.corrections.append(agreed.note)
        return agreed

    def _ready(self, slot: VoiceSlot, made: Made, timing: SlotTiming) -> Segment:
        segment_id = self.new_id()
        return Segment(
            id=segment_id,
            station=self.station,
            schedule_item_id=slot.item.id,
            hour=slot.item.hour,
            kind=slot.kind,
            status=SegmentStatus.READY,
            language=slot.language,
            script=made.script.text,
            generator=made.script.generator,
            planned_ms=timing.budget_ms,
            estimated_ms=made.estimated_ms,
            duration_ms=round(made.speech.duration_s * 1000),
            master_key=f"segments/{self.station}/{slot.item.hour:%Y%m%dT%H}/{segment_id}.flac",
            voice=self.producer.voices.get(slot.language),
            post_ms=timing.post_ms,
            duck_db=self._duck_db if timing.talk_up else None,
            tempo=made.tempo,
            attempts=made.attempts,
            llm_tokens=made.llm_tokens,
            tts_chars=made.tts_chars,
            reason="; ".join(made.failures) or None,
            created_at=self.now(),
        )

    def _fallback(
        self,
        slot: VoiceSlot,
        timing: SlotTiming,
        imaging: Sequence[Playable],
        turn: int,
        reason: str,
    ) -> Segment:
        liner = stand_in(imaging, timing.budget_ms, station_id=slot.kind is SegmentKind.STATION_ID,
                         turn=turn)  # fmt: skip
        return Segment(
            id=self.new_id(),
            station=self.station,
            schedule_item_id=slot.item.id,
            hour=slot.item.hour,
            kind=slot.kind,
            status=SegmentStatus.FALLBACK if liner else SegmentStatus.DROPPED,
            language=slot.language,
            script="",
            generator="imaging" if liner else "none",
            planned_ms=timing.budget_ms,
            estimated_ms=0,
            duration_ms=liner.length_ms if liner else 0,
            asset_id=liner.id if liner else None,
            post_ms=timing.post_ms,
            reason=reason,
            created_at=self.now(),
        )

    # -- the hour's shared work -------------------------------------------------------

    def _wait_s(self, slot: VoiceSlot, started: float, turn: int) -> float:
        """How long to wait for a slot: its time budget (queued behind ``turn`` others),
        and never past its lead before air (on the station's clock)."""
        waves = 1 + turn // max(self.settings.concurrency, 1)
        budget = started + self.settings.slot_timeout_s * waves - time.monotonic()
        ready_by = slot.item.start - timedelta(seconds=self.settings.lead_s)
        return min(budget, (ready_by - self.now()).total_seconds())

    def _sources(self, program: StationProgram, report: HourReport) -> Sources:
        """The hour's weather and headlines; a feed that fails is an event, not an error."""
        problems: list[str] = []
        weather: str | None = None
        headlines: tuple[str, ...] = ()
        feed_name: str | None = None
        timeout = self.settings.feed_timeout_s
        try:
            weather = self.read_weather(program, timeout)
        except FeedFailed as exc:
            problems.append(str(exc))
        try:
            feed_name, headlines = self.read_headlines(program, timeout)
        except FeedFailed as exc:
            problems.append(str(exc))
        for problem in problems:
            report.events.append(new_envelope(
                "agents.feed_failed", self.station, {"reason": problem},
                correlation=Correlation(hour=_label(report.hour))))  # fmt: skip
        return Sources(weather, headlines, feed_name, tuple(problems))

    def _measure_paces(
        self, program: StationProgram, slots: Sequence[VoiceSlot], sources: Sources
    ) -> dict[str, AgentError]:
        """Measure each language's pace once, on a link the last generator writes.

        Returns the languages whose voice failed, with why: their slots fall back.
        """
        voiceless: dict[str, AgentError] = {}
        rules = self.producer.generators[-1]
        for slot in {s.language: s for s in slots}.values():
            facts = facts_for(program, slot, sources)
            try:
                sample = rules.write(ScriptRequest(SegmentKind.VOICE_LINK, facts, max_words=80))
                text = sample.text
            except AgentError:
                text = f"{program.name}. {program.call_letters}, {program.community}. " * 3
            try:
                self.producer.pace(slot.language, text)
            except AgentError as exc:
                voiceless[slot.language] = exc
        return voiceless

    def _event(
        self, kind: str, segment: Segment, slot: VoiceSlot, plan: str | None = None
    ) -> Envelope:
        payload = segment.record()
        if plan is not None:
            payload["plan"] = plan  # how the item's plan was corrected to what airs, or why not
        correlation = Correlation(hour=_label(slot.item.hour), asset_id=segment.airs_asset,
                                  schedule_item_id=slot.item.id)  # fmt: skip
        return new_envelope(kind, self.station, payload, correlation=correlation)


_ITEM_OF = {
    SegmentKind.SHOW_PROMO: ItemKind.PROMO,
    SegmentKind.STATION_ID: ItemKind.ID,
    SegmentKind.FEED: ItemKind.NEWS,
}


def _preview_item(
    program: StationProgram, kind: SegmentKind, following: Playable | None, at: datetime
) -> ScheduledItem:
    """A stand-in schedule item for a preview: the length the station plans for the kind."""
    item_kind = _ITEM_OF.get(kind, ItemKind.VOICE)
    planned = next((c.planned_s for c in program.categories.values()
                    if c.type is item_kind and c.planned_s), 15.0)  # fmt: skip
    talk_up = (
        kind is SegmentKind.VOICE_LINK
        and following is not None
        and following.intro_ms >= program.timing.talkup_min_intro_s * 1000
    )
    return ScheduledItem(
        id="preview", hour=at.replace(minute=0, second=0, microsecond=0), position=0, start=at,
        duration_ms=round(planned * 1000), overlap_next_ms=0, kind=item_kind,
        category="preview", why={"talk_up": talk_up},
    )  # fmt: skip


def _imaging_of(program: StationProgram, imaging: list[Playable]) -> list[Playable]:
    """Every recorded ID, and the station's imaging category's liners when it names one."""
    name = program.voice.imaging_category
    category = program.categories.get(name) if name else None
    if category is None:
        return imaging
    return [
        p
        for p in imaging
        if p.kind is AssetKind.STATION_ID or p.category == name or p.kind in category.asset_kinds
    ]


def _label(hour: datetime) -> str:
    """An hour as the scheduler's events name it: ``2026-12-01T06:00:00.000Z``."""
    return hour.isoformat(timespec="milliseconds").replace("+00:00", "Z")
