"""One segment made: written, checked, voiced, and timed to its slot.

A script the legality checker refuses is written again with the reasons;
an LLM answer that is unusable (too long, a refusal) is asked for again,
shorter; a take that runs long is written again shorter, and a rewrite
still within 10% of its time is compressed to fit. A take that falls far
short of a slot it airs straight in (see ``timing.falls_short``) is written
again longer, with more the script may say (the time, the weather, the next
show), at most ``fill_attempts`` times; the longest take that fits is kept,
and what still falls short is the runtime's to correct in the plan. When
the station's LLM fails outright, the rules generator writes the segment;
when both fail, the runtime falls back to imaging.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from onair.agents.errors import AgentError, GenerationFailed, SynthesisFailed
from onair.agents.facts import Facts, Script, ScriptGenerator, ScriptRequest
from onair.agents.legality import check
from onair.agents.ports import Speech, SpeechSynthesizer
from onair.agents.timing import FILLED_MS, Pace, SlotTiming, falls_short, judge_take
from onair.agents.voices.ffmpeg_speech import compress_time, resample
from onair.agents.voicing import to_loudness, trim_silence
from onair.domain.segments import SegmentKind

__all__ = ["HourBudget", "Made", "Producer"]

AIR_RATE = 48_000
_FILL_FLOOR = 0.85  # a longer script asks for at least this share of the words that fit


class HourBudget:
    """An hour's allowance of LLM tokens and TTS characters, shared by its slots' threads."""

    def __init__(self, llm_tokens: int, tts_chars: int) -> None:
        self.llm_tokens = llm_tokens
        self.tts_chars = tts_chars
        self._lock = threading.Lock()

    def has_tokens(self) -> bool:
        with self._lock:
            return self.llm_tokens > 0

    def spend_tokens(self, tokens: int) -> None:
        with self._lock:
            self.llm_tokens -= tokens

    def spend_chars(self, chars: int) -> None:
        with self._lock:
            if chars > self.tts_chars:
                raise SynthesisFailed(
                    f"the hour's TTS budget has {self.tts_chars} characters left, "
                    f"the script needs {chars}"
                )
            self.tts_chars -= chars


@dataclass(frozen=True)
class Made:
    """A voiced segment ready to store."""

    script: Script
    speech: Speech  # at 48 kHz, trimmed, at the voice target, compressed if it had to be
    estimated_ms: int
    take_ms: int  # the voiced length before any compression
    tempo: float
    attempts: int
    llm_tokens: int
    tts_chars: int
    failures: tuple[str, ...] = field(default=())  # generators that failed before this one
    fill_attempts: int = 0  # tries at a longer script for a slot the first left far from full

    @property
    def length_ms(self) -> int:
        """What airs: the voiced length after any compression."""
        return round(self.speech.duration_s * 1000)


@dataclass
class _Tries:
    attempts: int = 0
    tokens: int = 0
    chars: int = 0
    avoid: tuple[str, ...] = ()
    shrink: float = 1.0
    last: str = "no try"


class Producer:
    """Makes segments with the station's generators (LLM first, rules last) and voice."""

    def __init__(
        self,
        generators: Sequence[ScriptGenerator],
        synthesizer: SpeechSynthesizer,
        *,
        voices: dict[str, str],
        target_lufs: float,
        attempts: int = 3,
        fill_attempts: int = 2,
    ) -> None:
        if not generators:
            raise ValueError("a producer needs at least one generator")
        self.generators = tuple(generators)
        self.synthesizer = synthesizer
        self.voices = voices
        self.target_lufs = target_lufs
        self.attempts = attempts
        self.fill_attempts = fill_attempts
        self._paces: dict[tuple[str, str | None], Pace] = {}
        self._lock = threading.Lock()

    def tune(self, voices: dict[str, str], target_lufs: float) -> None:
        """Take the station's voices and loudness target (its program may have changed)."""
        with self._lock:
            self.voices = dict(voices)
            self.target_lufs = target_lufs

    def pace(self, language: str, sample: str) -> Pace:
        """The voice's pace in ``language``, measured once by voicing ``sample``."""
        key = (language, self.voices.get(language))
        with self._lock:
            known = self._paces.get(key)
        if known is not None:
            return known
        speech = trim_silence(self._speak(sample, language))
        measured = Pace.measured(sample, speech.duration_s)
        with self._lock:
            return self._paces.setdefault(key, measured)

    def produce(
        self,
        kind: SegmentKind,
        facts: Facts,
        timing: SlotTiming,
        budget: HourBudget,
        seed: int,
        *,
        fuller: Facts | None = None,
    ) -> Made:
        """The segment for one slot; raises ``AgentError`` when no generator makes one.

        ``fuller`` are the facts a longer script may add when the first falls far
        short of a slot it airs straight in (``facts`` when None).
        """
        failures: list[str] = []
        for generator in self.generators:
            if generator.name.startswith("llm") and not budget.has_tokens():
                failures.append(f"{generator.name}: the hour's LLM token budget is spent")
                continue
            try:
                made = self._with(generator, kind, facts, timing, budget, seed)
            except AgentError as exc:
                failures.append(f"{generator.name}: {exc}")
                continue
            made = self._fill(generator, made, kind, fuller or facts, timing, budget, seed)
            return replace(made, failures=tuple(failures))
        raise GenerationFailed("; ".join(failures))

    def _fill(
        self,
        generator: ScriptGenerator,
        made: Made,
        kind: SegmentKind,
        facts: Facts,
        timing: SlotTiming,
        budget: HourBudget,
        seed: int,
    ) -> Made:
        """``made``, or a longer take that fills more of its slot, within ``fill_attempts``."""
        tries = _Tries(attempts=made.attempts, tokens=made.llm_tokens, chars=made.tts_chars)
        best, grown = made, 0
        while grown < self.fill_attempts and falls_short(best.length_ms, timing):
            if generator.name.startswith("llm") and not budget.has_tokens():
                break
            pace = self._paces[(facts.language, self.voices.get(facts.language))]
            most = pace.word_budget(timing.budget_ms, tries.shrink)
            request = ScriptRequest(
                kind=kind,
                facts=facts,
                max_words=most,
                min_words=max(1, round(most * _FILL_FLOOR)),
                attempt=grown + 1,
                seed=seed,
                avoid=tries.avoid,
            )
            grown += 1
            tries.attempts += 1
            try:
                longer = self._attempt(generator, request, pace, timing, budget, tries)
            except AgentError:
                break  # the first take stands; the plan is corrected to it
            if longer is not None and longer.script.text == best.script.text:
                break  # the writer has nothing more to say
            if longer is not None and longer.length_ms > best.length_ms:
                best = longer
            if timing.budget_ms - best.length_ms <= FILLED_MS:
                break
        return replace(best, attempts=tries.attempts, llm_tokens=tries.tokens,
                       tts_chars=tries.chars, fill_attempts=grown)  # fmt: skip

    def _with(
        self,
        generator: ScriptGenerator,
        kind: SegmentKind,
        facts: Facts,
        timing: SlotTiming,
        budget: HourBudget,
        seed: int,
    ) -> Made:
        language = facts.language
        tries = _Tries()
        while tries.attempts < self.attempts:
            pace = self._paces.get((language, self.voices.get(language)))
            if pace is None:
                raise GenerationFailed(f"the pace of the {language} voice was never measured")
            request = ScriptRequest(
                kind=kind,
                facts=facts,
                max_words=pace.word_budget(timing.budget_ms, tries.shrink),
                attempt=tries.attempts,
                seed=seed,
                avoid=tries.avoid,
            )
            if request.max_words < 1:
                raise GenerationFailed(f"{timing.budget_ms} ms leaves no time for a word")
            tries.attempts += 1
            made = self._attempt(generator, request, pace, timing, budget, tries)
            if made is not None:
                return made
        raise GenerationFailed(f"no usable take in {tries.attempts} tries: {tries.last}")

    def _attempt(
        self,
        generator: ScriptGenerator,
        request: ScriptRequest,
        pace: Pace,
        timing: SlotTiming,
        budget: HourBudget,
        tries: _Tries,
    ) -> Made | None:
        try:
            script = generator.write(request)
        except GenerationFailed as exc:
            tries.tokens += exc.tokens
            budget.spend_tokens(exc.tokens)
            if not exc.tokens:  # no answer at all (a model away, a language without templates)
                raise
            # An answer came back unusable (too long, a refusal): ask again, shorter.
            tries.shrink *= 0.8
            tries.last = str(exc)
            return None
        tries.tokens += script.tokens
        budget.spend_tokens(script.tokens)
        violations = check(script.text, request)
        if violations:
            tries.avoid, tries.last = tuple(violations), "; ".join(violations)
            return None
        budget.spend_chars(len(script.text))
        tries.chars += len(script.text)
        speech = trim_silence(self._speak(script.text, request.facts.language))
        take_ms = round(speech.duration_s * 1000)
        self._learn(request.facts.language, script.text, speech.duration_s)
        take = judge_take(take_ms, timing.budget_ms)
        # A long take is written again shorter first; only a rewrite still long is compressed.
        first_of_several = tries.attempts == 1 and self.attempts > 1
        if not take.fits or (take.tempo > 1.0 and first_of_several):
            tries.shrink *= min(take.shrink, timing.budget_ms / take_ms) * 0.95
            tries.last = f"a take of {take_ms} ms against {timing.budget_ms} ms"
            return None
        if take.tempo > 1.0:
            speech = compress_time(speech, take.tempo)
        speech = to_loudness(resample(speech, AIR_RATE), self.target_lufs)
        return Made(
            script=script,
            speech=speech,
            estimated_ms=pace.estimate_ms(script.text),
            take_ms=take_ms,
            tempo=take.tempo,
            attempts=tries.attempts,
            llm_tokens=tries.tokens,
            tts_chars=tries.chars,
        )

    def _speak(self, text: str, language: str) -> Speech:
        return self.synthesizer.synthesize(text, language=language, voice=self.voices.get(language))

    def _learn(self, language: str, text: str, seconds: float) -> None:
        key = (language, self.voices.get(language))
        with self._lock:
            pace = self._paces.get(key)
            if pace is not None:
                self._paces[key] = pace.blended(text, seconds)
