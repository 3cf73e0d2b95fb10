"""Piper's real runtime (its eSpeak phonemizer and onnxruntime) on a tiny voice model built here.

The model has the inputs and output Piper feeds and reads (``input`` phoneme
ids [1, N], ``input_lengths`` [1], ``scales`` [3] -> audio [1, 1, T]) and
answers a 500 Hz tone of ``HOP`` samples per phoneme id, so the audio's
length follows the text the way a real voice's does.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import onnx
import pytest
from onnx import TensorProto, helper
from piper.phoneme_ids import DEFAULT_PHONEME_ID_MAP

from onair.agents.errors import SynthesisFailed, UnknownVoice, UnspeakableText
from onair.agents.voices.piper_tts import PiperSynthesizer

SAMPLE_RATE = 16_000
HOP = 256
TONE_HZ = 500.0


def tone_voice(folder: Path, name: str = "en_US-tone-low") -> Path:
    """Write ``name.onnx`` and ``name.onnx.json``: a Piper voice that hums for each phoneme."""
    const = helper.make_tensor
    nodes = [
        helper.make_node("Shape", ["input"], ["shape"]),
        helper.make_node("Gather", ["shape", "one"], ["ids"], axis=0),
        helper.make_node("Mul", ["ids", "hop"], ["samples"]),
        helper.make_node("Range", ["zero", "samples", "one"], ["index"]),
        helper.make_node("Cast", ["index"], ["index_f"], to=TensorProto.FLOAT),
        helper.make_node("Mul", ["index_f", "radians_per_sample"], ["phase"]),
        helper.make_node("Sin", ["phase"], ["wave"]),
        helper.make_node("Mul", ["wave", "level"], ["quiet"]),
        helper.make_node("Unsqueeze", ["quiet", "axes"], ["output"]),
    ]
    graph = helper.make_graph(
        nodes,
        "tone-voice",
        inputs=[
            helper.make_tensor_value_info("input", TensorProto.INT64, [1, "phonemes"]),
            helper.make_tensor_value_info("input_lengths", TensorProto.INT64, [1]),
            helper.make_tensor_value_info("scales", TensorProto.FLOAT, [3]),
        ],
        outputs=[helper.make_tensor_value_info("output", TensorProto.FLOAT, [1, 1, "time"])],
        initializer=[
            const("zero", TensorProto.INT64, [], [0]),
            const("one", TensorProto.INT64, [], [1]),
            const("hop", TensorProto.INT64, [], [HOP]),
            const(
                "radians_per_sample", TensorProto.FLOAT, [], [2 * math.pi * TONE_HZ / SAMPLE_RATE]
            ),
            const("level", TensorProto.FLOAT, [], [0.5]),
            const("axes", TensorProto.INT64, [2], [0, 1]),
        ],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    onnx.checker.check_model(model)
    path = folder / f"{name}.onnx"
    onnx.save(model, str(path))
    config = {
        "audio": {"sample_rate": SAMPLE_RATE},
        "espeak": {"voice": "en-us"},
        "language": {"code": "en_US"},
        "inference": {"noise_scale": 0.667, "length_scale": 1, "noise_w": 0.8},
        "phoneme_type": "espeak",
        "phoneme_id_map": DEFAULT_PHONEME_ID_MAP,
        "num_symbols": 256,
        "num_speakers": 1,
    }
    Path(f"{path}.json").write_text(json.dumps(config), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def piper(tmp_path_factory: pytest.TempPathFactory) -> PiperSynthesizer:
    return PiperSynthesizer(tone_voice(tmp_path_factory.mktemp("piper")))


def dominant_hz(samples: np.ndarray, rate: int) -> float:
    spectrum = np.abs(np.fft.rfft(samples * np.hanning(len(samples))))
    return float(np.fft.rfftfreq(len(samples), 1 / rate)[np.argmax(spectrum)])


def test_it_speaks_the_models_language_as_the_models_voice(piper: PiperSynthesizer) -> None:
    assert piper.voices() == {"en-us": "en_US-tone-low", "en": "en_US-tone-low"}
    assert piper.name == "piper:en_US-tone-low"


def test_the_model_voices_a_sentence_at_the_configs_sample_rate(piper: PiperSynthesizer) -> None:
    line = "Good evening, this is the late show."
    speech = piper.synthesize(line, language="en-US")

    assert speech.sample_rate == SAMPLE_RATE
    assert speech.samples.dtype == np.float32
    assert speech.samples.ndim == 1
    assert len(speech.samples) % HOP == 0  # whole phoneme ids, as the model makes them
    # a phoneme or two per letter, plus Piper's start, end and padding ids
    phoneme_ids = len(speech.samples) // HOP
    letters = sum(ch.isalpha() for ch in line)
    assert letters <= phoneme_ids <= 4 * letters + 10
    assert dominant_hz(speech.samples, SAMPLE_RATE) == pytest.approx(TONE_HZ, rel=0.01)


def test_longer_text_gives_proportionally_longer_audio(piper: PiperSynthesizer) -> None:
    short = piper.synthesize("Stay tuned for more music.", language="en")
    long = piper.synthesize(
        "Stay tuned for more music, the weather and the news at the top of the hour.",
        language="en",
    )
    assert 2.0 <= long.duration_s / short.duration_s <= 4.0


def test_two_sentences_are_voiced_one_after_the_other(piper: PiperSynthesizer) -> None:
    one = piper.synthesize("Good evening.", language="en")
    both = piper.synthesize("Good evening. Good evening.", language="en")
    assert len(both.samples) == pytest.approx(2 * len(one.samples), rel=0.05)


def test_a_missing_model_names_its_path(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere.onnx"
    with pytest.raises(UnknownVoice, match=str(missing)):
        PiperSynthesizer(missing)


def test_a_model_without_its_config_names_the_config(tmp_path: Path) -> None:
    model = tone_voice(tmp_path)
    Path(f"{model}.json").unlink()
    with pytest.raises(UnknownVoice, match=rf"config {model}\.json does not exist"):
        PiperSynthesizer(model)


@pytest.mark.parametrize(
    ("model_bytes", "config_text"),
    [(b"this is not a model", None), (None, "{not json"), (None, '{"audio": {}}')],
)
def test_an_unreadable_model_or_config_names_the_model(
    tmp_path: Path, model_bytes: bytes | None, config_text: str | None
) -> None:
    model = tone_voice(tmp_path)
    if model_bytes is not None:
        model.write_bytes(model_bytes)
    if config_text is not None:
        Path(f"{model}.json").write_text(config_text, encoding="utf-8")
    with pytest.raises(UnknownVoice, match=rf"{model} is unreadable"):
        PiperSynthesizer(model)


def test_another_language_or_voice_is_refused(piper: PiperSynthesizer) -> None:
    with pytest.raises(UnknownVoice, match="'en-us', not 'de'"):
        piper.synthesize("Guten Abend", language="de")
    with pytest.raises(UnknownVoice, match="not 'en_GB-other'"):
        piper.synthesize("Good evening", language="en", voice="en_GB-other")


def test_foreign_script_and_empty_text_are_refused(piper: PiperSynthesizer) -> None:
    with pytest.raises(UnspeakableText, match="Han"):
        piper.synthesize("Now playing 晚上好", language="en")
    with pytest.raises(SynthesisFailed, match="empty"):
        piper.synthesize(" ", language="en")


def test_a_config_with_a_malformed_language_names_the_model(tmp_path: Path) -> None:
    model = tone_voice(tmp_path)
    config_path = Path(f"{model}.json")
    config = json.loads(config_path.read_text(encoding="utf-8"))
    config["language"] = "en_US"  # Piper writes {"code": "en_US", ...}
    config_path.write_text(json.dumps(config), encoding="utf-8")
    with pytest.raises(UnknownVoice, match=rf"{model} is unreadable"):
        PiperSynthesizer(model)
