"""The OpenAI-compatible speech provider against a real local server that speaks and fails."""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator
from dataclasses import replace

import numpy as np
import pytest

from onair.agents.errors import SynthesisFailed, UnknownVoice, UnspeakableText
from onair.agents.voices.http_tts import HttpSpeechSynthesizer
from tests.fixtures.speech_server import (
    SAMPLE_RATE,
    SECONDS_PER_CHAR,
    TONE_HZ,
    Fault,
    SpeechServer,
    drop,
    empty,
    error,
    hang,
    html_page,
    speech_server,
)

__all__ = ["speech_server"]  # the fixture, imported so pytest finds it here

VOICES = {"en": "alloy", "de": "onyx"}
LINE = "That was Dreams by Fleetwood Mac, here on the evening show."


@pytest.fixture
def voice(speech_server: SpeechServer) -> Iterator[HttpSpeechSynthesizer]:
    with HttpSpeechSynthesizer(
        speech_server.base_url, "tts-1", VOICES, api_key="sk-test", timeout_s=1.0, backoff_s=0.01
    ) as synthesizer:
        yield synthesizer


def dominant_hz(samples: np.ndarray, rate: int) -> float:
    spectrum = np.abs(np.fft.rfft(samples * np.hanning(len(samples))))
    return float(np.fft.rfftfreq(len(samples), 1 / rate)[np.argmax(spectrum)])


def test_speech_comes_back_decoded_at_the_servers_rate(
    speech_server: SpeechServer, voice: HttpSpeechSynthesizer
) -> None:
    speech = voice.synthesize(LINE, language="en")

    assert speech.sample_rate == SAMPLE_RATE
    assert speech.samples.dtype == np.float32
    assert speech.samples.ndim == 1  # the server's stereo, mixed to mono
    assert speech.duration_s == pytest.approx(len(LINE) * SECONDS_PER_CHAR, abs=0.01)
    assert dominant_hz(speech.samples, SAMPLE_RATE) == pytest.approx(TONE_HZ, rel=0.01)
    [request] = speech_server.received
    assert request.body == {
        "model": "tts-1",
        "input": LINE,
        "voice": "alloy",
        "response_format": "wav",
    }
    assert request.headers["Authorization"] == "Bearer sk-test"


@pytest.mark.parametrize("response_format", ["mp3", "flac"])
def test_compressed_answers_decode_too(speech_server: SpeechServer, response_format: str) -> None:
    with HttpSpeechSynthesizer(
        speech_server.base_url, "tts-1", VOICES, response_format=response_format
    ) as synthesizer:
        speech = synthesizer.synthesize(LINE, language="en")
    # MP3 adds an encoder delay and pads to whole frames
    assert speech.duration_s == pytest.approx(len(LINE) * SECONDS_PER_CHAR, abs=0.1)
    assert dominant_hz(speech.samples, speech.sample_rate) == pytest.approx(TONE_HZ, rel=0.01)
    assert "Authorization" not in speech_server.received[0].headers


def test_the_language_picks_the_configured_voice(
    speech_server: SpeechServer, voice: HttpSpeechSynthesizer
) -> None:
    voice.synthesize("Guten Abend aus Wien.", language="de-AT")
    voice.synthesize("Hello", language="en", voice="nova")
    assert [r.body["voice"] for r in speech_server.received] == ["onyx", "nova"]
    assert voice.voices() == VOICES


def test_a_server_error_is_tried_again(
    speech_server: SpeechServer, voice: HttpSpeechSynthesizer
) -> None:
    speech_server.fail(error(500, "overloaded"), error(503, "warming up"))
    speech = voice.synthesize(LINE, language="en")
    assert speech.duration_s > 1.0
    assert len(speech_server.received) == 3


def test_a_server_that_keeps_failing_gives_up_after_its_attempts(
    speech_server: SpeechServer, voice: HttpSpeechSynthesizer
) -> None:
    speech_server.fail(*[error(500, "model crashed")] * 5)
    with pytest.raises(SynthesisFailed, match=r"failed 3 times: HTTP 500: model crashed"):
        voice.synthesize(LINE, language="en")
    assert len(speech_server.received) == 3


def test_a_dropped_connection_is_tried_again(
    speech_server: SpeechServer, voice: HttpSpeechSynthesizer
) -> None:
    speech_server.fail(drop())
    assert voice.synthesize(LINE, language="en").duration_s > 1.0
    assert len(speech_server.received) == 2


def test_a_voice_the_server_lacks_is_an_unknown_voice(
    speech_server: SpeechServer, voice: HttpSpeechSynthesizer
) -> None:
    speech_server.fail(error(404, "voice 'marvin' not found"))
    with pytest.raises(UnknownVoice, match=r"'marvin'.*voice 'marvin' not found"):
        voice.synthesize(LINE, language="en", voice="marvin")
    assert len(speech_server.received) == 1


@pytest.mark.parametrize(
    ("status", "message"), [(400, "input too long"), (401, "bad key"), (402, "pay up")]
)
def test_a_refused_request_fails_once_with_the_servers_reason(
    speech_server: SpeechServer, voice: HttpSpeechSynthesizer, status: int, message: str
) -> None:
    speech_server.fail(error(status, message))
    with pytest.raises(SynthesisFailed, match=rf"HTTP {status}: {message}"):
        voice.synthesize(LINE, language="en")
    assert len(speech_server.received) == 1


@pytest.mark.parametrize(("fault", "said"), [(html_page(), "not audio"), (empty(), "empty")])
def test_an_answer_that_is_not_audio_fails_clearly(
    speech_server: SpeechServer, voice: HttpSpeechSynthesizer, fault: object, said: str
) -> None:
    speech_server.fail(fault)  # type: ignore[arg-type]
    with pytest.raises(SynthesisFailed, match=said):
        voice.synthesize(LINE, language="en")


def test_a_hanging_server_fails_at_the_timeout_without_retrying(
    speech_server: SpeechServer, voice: HttpSpeechSynthesizer
) -> None:
    speech_server.fail(hang(30))
    started = time.monotonic()
    with pytest.raises(SynthesisFailed, match=r"did not answer within 1\.0s"):
        voice.synthesize(LINE, language="en")
    assert time.monotonic() - started < 3
    assert len(speech_server.received) == 1


def test_a_server_that_keeps_answering_503_fails_within_the_timeout(
    speech_server: SpeechServer,
) -> None:
    speech_server.fail(*[error(503, "warming up")] * 20)
    with HttpSpeechSynthesizer(
        speech_server.base_url, "tts-1", VOICES, timeout_s=1.0, attempts=20, backoff_s=0.05
    ) as synthesizer:
        started = time.monotonic()
        with pytest.raises(SynthesisFailed, match=r"failed \d+ times: HTTP 503: warming up") as e:
            synthesizer.synthesize(LINE, language="en")
    assert time.monotonic() - started < 1.2
    assert "\n" not in str(e.value)
    assert 2 <= len(speech_server.received) < 20  # the deadline, not the attempts, ended it


def test_an_answer_crawling_in_fails_at_the_timeout(
    speech_server: SpeechServer, voice: HttpSpeechSynthesizer
) -> None:
    speech_server.fail(Fault(200, b"RIFF" * 50, "audio/wav", trickle_s=0.02))  # 4 s of bytes
    started = time.monotonic()
    with pytest.raises(SynthesisFailed, match=r"did not answer within 1\.0s"):
        voice.synthesize(LINE, language="en")
    assert time.monotonic() - started < 1.5
    assert len(speech_server.received) == 1


def test_a_stall_after_a_server_error_still_ends_at_the_timeout(
    speech_server: SpeechServer, voice: HttpSpeechSynthesizer
) -> None:
    speech_server.fail(replace(error(503, "busy"), delay_s=0.6), hang(30))
    started = time.monotonic()
    with pytest.raises(SynthesisFailed, match=r"did not answer within 1\.0s"):
        voice.synthesize(LINE, language="en")
    assert time.monotonic() - started < 1.3  # the second try had only what was left
    assert len(speech_server.received) == 2


def test_a_server_that_is_not_there_fails_after_its_attempts() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    with (
        HttpSpeechSynthesizer(
            f"http://127.0.0.1:{port}/v1", "tts-1", VOICES, backoff_s=0.01
        ) as synthesizer,
        pytest.raises(SynthesisFailed, match="failed 3 times: ConnectError"),
    ):
        synthesizer.synthesize(LINE, language="en")


def test_an_unmapped_language_gets_the_default_voice_or_is_refused(
    speech_server: SpeechServer, voice: HttpSpeechSynthesizer
) -> None:
    voice.synthesize("Bonsoir", language="fr")
    assert speech_server.received[0].body["voice"] == "alloy"
    with (
        HttpSpeechSynthesizer(
            speech_server.base_url, "tts-1", VOICES, default_voice=None
        ) as strict,
        pytest.raises(UnknownVoice, match=r"'fr'.*configured: de, en"),
    ):
        strict.synthesize("Bonsoir", language="fr")
    assert len(speech_server.received) == 1
    with pytest.raises(UnknownVoice, match="no voices configured"):
        HttpSpeechSynthesizer(speech_server.base_url, "tts-1", default_voice=None)


def test_bad_input_is_refused_before_any_request(
    speech_server: SpeechServer, voice: HttpSpeechSynthesizer
) -> None:
    with pytest.raises(UnspeakableText, match="Cyrillic"):
        voice.synthesize("Добрый вечер", language="en")
    with pytest.raises(SynthesisFailed, match="empty"):
        voice.synthesize("  ", language="en")
    assert speech_server.received == []
