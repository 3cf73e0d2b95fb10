"""Playout: the real-time timeline, transitions, failover, the audio engine and its outputs."""

from onair.playout.engine import EngineRecords, PlayoutEngine
from onair.playout.lineup import AirRules, Lineup
from onair.playout.mixer import Mixer
from onair.playout.mounts import StreamHub, default_mounts
from onair.playout.render import RenderReport, render
from onair.playout.stream_app import StreamApp
from onair.playout.timeline import Timeline, TimelineSettings

__all__ = [
    "AirRules",
    "EngineRecords",
    "Lineup",
    "Mixer",
    "PlayoutEngine",
    "RenderReport",
    "StreamApp",
    "StreamHub",
    "Timeline",
    "TimelineSettings",
    "default_mounts",
    "render",
]
