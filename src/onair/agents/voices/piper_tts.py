"""Piper: a neural voice the station supplies as a model file (``.onnx`` and ``.onnx.json``).

The ``piper-tts`` runtime phonemizes with its own built-in eSpeak NG and runs
the model with onnxruntime, on the CPU. One model is one voice in one
language; a station with several languages configures one synthesizer each.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
from onnxruntime.capi.onnxruntime_pybind11_state import (  # type: ignore[import-untyped]
    Fail,
    InvalidProtobuf,
)
from piper import PiperVoice

from onair.agents.errors import SynthesisFailed, UnknownVoice
from onair.agents.ports import Speech
from onair.agents.writing_systems import check_speakable

__all__ = ["PiperSynthesizer"]


class PiperSynthesizer:
    """The ``SpeechSynthesizer`` on one Piper voice model.

    The model loads when the synthesizer is made, so a missing or broken
    file is found at start-up, not on air. Its language comes from the
    model's config (``language.code``, else its eSpeak voice), and so does
    its sample rate; the voice is named after the model file.
    """

    def __init__(self, model_path: str | Path, *, config_path: str | Path | None = None) -> None:
        model = Path(model_path)
        config = Path(config_path) if config_path is not None else Path(f"{model}.json")
        for path, what in ((model, "model"), (config, "config")):
            if not path.is_file():
                raise UnknownVoice(f"Piper voice {what} {path} does not exist")
        try:
            self._voice = PiperVoice.load(model, config_path=config)
            settings = json.loads(config.read_text(encoding="utf-8"))
            code = settings.get("language", {}).get("code") or self._voice.config.espeak_voice
        except (
            OSError,
            ValueError,
            KeyError,
            TypeError,
            AttributeError,
            Fail,
            InvalidProtobuf,
        ) as exc:
            raise UnknownVoice(
                f"Piper voice {model} is unreadable: {type(exc).__name__}: {str(exc)[:160]}"
            ) from exc
        self.voice_name = model.name.removesuffix(".onnx")
        self.name = f"piper:{self.voice_name}"
        self.sample_rate = self._voice.config.sample_rate
        self.language = str(code).replace("_", "-").lower()

    def voices(self) -> dict[str, str]:
        """The model's language (and its primary subtag), with the model as the voice."""
        primary = self.language.split("-", 1)[0]
        return {self.language: self.voice_name, primary: self.voice_name}

    def synthesize(self, text: str, *, language: str, voice: str | None = None) -> Speech:
        """``text`` in the model's voice, mono float32 at the model's sample rate."""
        script = text.strip()
        if not script:
            raise SynthesisFailed("nothing to say: the script is empty")
        if voice is not None and voice != self.voice_name:
            raise UnknownVoice(f"Piper has voice {self.voice_name!r} here, not {voice!r}")
        if language.lower() not in self.voices():
            raise UnknownVoice(
                f"Piper voice {self.voice_name!r} speaks {self.language!r}, not {language!r}"
            )
        check_speakable(script, language)
        try:
            chunks = [chunk.audio_float_array for chunk in self._voice.synthesize(script)]
        except (RuntimeError, ValueError, KeyError, Fail) as exc:
            raise SynthesisFailed(f"Piper voice {self.voice_name!r} failed: {exc}") from exc
        if not chunks:
            raise SynthesisFailed(f"Piper gave no audio for {script[:40]!r}")
        samples = np.concatenate([np.asarray(c, dtype=np.float32).reshape(-1) for c in chunks])
        if samples.size == 0:
            raise SynthesisFailed(f"Piper gave no audio for {script[:40]!r}")
        return Speech(samples, self.sample_rate)
