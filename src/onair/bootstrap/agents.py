"""The agents role wired: generators, the voice, the runtime over the stores.

The runtime asks the scheduler to plan each item for the length its segment
airs for: over the bus in ``onair serve`` (the scheduler's desk answers and
announces ``schedule.corrected``), straight through the scheduler's service
for a command such as ``onair agents run``.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager

from ulid import ULID

from onair.agents.bus_corrections import BusPlanCorrections
from onair.agents.desk import AgentDesk
from onair.agents.errors import PlanNotCorrected
from onair.agents.facts import ScriptGenerator
from onair.agents.llm.openai_chat import OpenAIChatModel
from onair.agents.llm_generator import LlmGenerator
from onair.agents.ports import PlanCorrections, SegmentStore, SpeechSynthesizer
from onair.agents.producer import Producer
from onair.agents.programs import ProgramsInForce
from onair.agents.rules_generator import RulesGenerator
from onair.agents.runtime import AgentRuntime, RuntimeSettings
from onair.agents.voices.espeak_tts import EspeakSynthesizer
from onair.agents.voices.http_tts import HttpSpeechSynthesizer
from onair.agents.voices.piper_tts import PiperSynthesizer
from onair.agents.web.station_feeds import station_headlines, station_weather
from onair.bootstrap.station import HttpFace, RunningRole, Station, Stops
from onair.bootstrap.stores import Stores, open_stores
from onair.config import GeneratorKind, Settings, SpeechKind
from onair.domain.errors import DomainError
from onair.scheduler.service import LengthCorrection, Scheduler
from onair.storage.repositories.agent_library import SqlAgentLibrary

__all__ = [
    "SchedulerPlanCorrections",
    "agent_runtime",
    "open_agents",
    "speech_synthesizer",
    "start_agents",
]


class SchedulerPlanCorrections:
    """``PlanCorrections`` through the scheduler's service, for a command outside ``serve``."""

    def __init__(self, scheduler: Scheduler) -> None:
        self.scheduler = scheduler

    def correct(
        self, station: str, item_id: str, length_ms: int, *, straight: bool, reason: str
    ) -> str:
        fix = LengthCorrection(item_id, length_ms, straight, reason)
        try:
            return self.scheduler.correct_length(station, fix).note
        except DomainError as exc:  # refused, locked, aired, or the item gone
            raise PlanNotCorrected(str(exc)) from exc


def speech_synthesizer(settings: Settings) -> SpeechSynthesizer:
    """The configured voice: eSpeak NG by default, or Piper, or an HTTP provider."""
    if settings.agents_tts is SpeechKind.PIPER:
        assert settings.agents_piper_model is not None  # the settings refuse it otherwise
        return PiperSynthesizer(settings.agents_piper_model)
    if settings.agents_tts is SpeechKind.HTTP:
        assert settings.agents_tts_base_url is not None
        key = settings.agents_tts_api_key
        return HttpSpeechSynthesizer(
            settings.agents_tts_base_url,
            model=settings.agents_tts_model,
            api_key=key.get_secret_value() if key else None,
        )
    return EspeakSynthesizer()


def _generators(settings: Settings, stack: ExitStack) -> list[ScriptGenerator]:
    """The LLM first when configured, the rules always last: they write when it fails."""
    generators: list[ScriptGenerator] = []
    if settings.agents_generator is GeneratorKind.LLM:
        assert settings.agents_llm_base_url is not None
        key = settings.agents_llm_api_key
        chat = OpenAIChatModel(
            settings.agents_llm_base_url,
            settings.agents_llm_model,
            api_key=key.get_secret_value() if key else None,
        )
        model = stack.enter_context(chat)
        generators.append(LlmGenerator(model, timeout_s=settings.agents_llm_timeout_s))
    generators.append(RulesGenerator())
    return generators


def _runtime(stores: Stores, stack: ExitStack, corrections: PlanCorrections,
             segments: SegmentStore | None = None) -> AgentRuntime:  # fmt: skip
    settings, engine = stores.settings, stores.engine
    producer = Producer(_generators(settings, stack), speech_synthesizer(settings),
                        voices={}, target_lufs=settings.loudness_target_lufs)  # fmt: skip
    return AgentRuntime(
        settings.station,
        schedule=stores.schedules,
        library=SqlAgentLibrary(engine),
        programs=ProgramsInForce(stores.programs),
        segments=segments or stores.segments,
        producer=producer,
        read_weather=station_weather,
        read_headlines=station_headlines,
        now=stores.now,
        new_id=lambda: str(ULID()),
        settings=RuntimeSettings(
            concurrency=settings.agents_concurrency,
            slot_timeout_s=settings.agents_slot_timeout_s,
            lead_s=settings.agents_lead_s,
            duck_db=settings.playout_duck_db,
        ),
        corrections=corrections,
    )


@contextmanager
def agent_runtime(stores: Stores, segments: SegmentStore | None = None) -> Iterator[AgentRuntime]:
    """The agent runtime over ``stores``; its language model client closes after.

    ``segments`` stores what it makes in place of the stores' own segments.
    """
    with ExitStack() as stack:
        yield _runtime(stores, stack, SchedulerPlanCorrections(stores.scheduler()), segments)


@contextmanager
def open_agents(settings: Settings) -> Iterator[AgentRuntime]:
    """The agent runtime over the settings' stores, for a command that needs nothing else."""
    with open_stores(settings, objects=True) as stores, agent_runtime(stores) as runtime:
        yield runtime


async def start_agents(station: Station, face: HttpFace) -> RunningRole:
    """The agents role of ``onair serve``: the desk that voices every hour ahead of air."""
    settings = station.settings
    parts = ExitStack()
    corrections = BusPlanCorrections(station.bus, asyncio.get_running_loop())
    runtime = _runtime(station.stores, parts, corrections)
    desk = AgentDesk(runtime, station.bus, station.stores.now,
                     hours_ahead=settings.agents_hours_ahead)  # fmt: skip
    try:
        await desk.start()
    except BaseException:
        parts.close()
        raise
    return Stops(desk.stop, parts.close)
