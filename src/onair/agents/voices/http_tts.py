"""A voice behind the OpenAI-compatible speech API (``POST {base_url}/audio/speech``).

OpenAI, and local servers that mimic it (Kokoro-FastAPI, openedai-speech,
LocalAI), take ``{model, input, voice, response_format}`` and answer an
audio file. Connection failures and 5xx answers are tried again a few times
with a short backoff, all within ``timeout_s`` a call (the answer's last byte
included); a timeout, a 4xx or audio that will not decode is one clear
``SynthesisFailed`` (a 404 is an ``UnknownVoice``: the voice or model is not
there).
"""

from __future__ import annotations

import io
import json
import time
from collections.abc import Mapping

import av
import httpx
import numpy as np

from onair.agents.errors import SynthesisFailed, UnknownVoice
from onair.agents.ports import Speech
from onair.agents.web.deadline import (
    Backoff,
    BearerClient,
    RetriesSpent,
    Transient,
    post_json,
    retry_within,
)
from onair.agents.writing_systems import check_speakable

__all__ = ["HttpSpeechSynthesizer"]

_SNIPPET = 160


class HttpSpeechSynthesizer(BearerClient):
    """Speech from ``model`` at ``base_url`` (e.g. ``https://api.openai.com/v1``).

    ``voices`` maps language tags to the provider's voice for each
    (``{"en": "alloy", "de": "onyx"}``); ``default_voice`` speaks any other
    language (OpenAI's voices are multilingual), or set it to None to refuse
    languages not mapped. Safe to share between worker threads; call
    :meth:`close` (or use it as a context manager) when done.
    """

    def __init__(
        self,
        base_url: str,
        model: str,
        voices: Mapping[str, str] | None = None,
        *,
        default_voice: str | None = "alloy",
        api_key: str | None = None,
        timeout_s: float = 30.0,
        attempts: int = 3,
        backoff_s: float = 0.5,
        response_format: str = "wav",
    ) -> None:
        if not base_url.startswith(("http://", "https://")):
            raise SynthesisFailed(f"speech base URL {base_url!r} must start with http(s)://")
        if not voices and not default_voice:
            raise UnknownVoice(f"no voices configured for speech model {model!r}")
        if attempts < 1 or timeout_s <= 0:
            raise SynthesisFailed(f"attempts ({attempts}) and timeout_s ({timeout_s}) must be > 0")
        self.name = f"http:{model}"
        self.model = model
        self.url = base_url.rstrip("/") + "/audio/speech"
        self._voices = {tag.lower(): voice for tag, voice in (voices or {}).items()}
        self._default_voice = default_voice
        self._attempts = attempts
        self._backoff = Backoff(backoff_s, max_s=8 * backoff_s)
        self._timeout_s = timeout_s
        self._format = response_format
        super().__init__(api_key)

    def voices(self) -> dict[str, str]:
        """The mapped languages, each with its provider voice (others get ``default_voice``)."""
        return dict(self._voices)

    def synthesize(self, text: str, *, language: str, voice: str | None = None) -> Speech:
        """``text`` spoken by the provider, decoded to mono float32 at the provider's rate."""
        script = text.strip()
        if not script:
            raise SynthesisFailed("nothing to say: the script is empty")
        chosen = voice or self._voice_for(language)
        check_speakable(script, language)
        body = {
            "model": self.model,
            "input": script,
            "voice": chosen,
            "response_format": self._format,
        }
        deadline = time.monotonic() + self._timeout_s
        try:
            audio = retry_within(
                lambda: self._post(body, deadline),
                deadline=deadline,
                attempts=self._attempts,
                backoff=self._backoff,
            )
        except RetriesSpent as spent:
            times = "once" if spent.tries == 1 else f"{spent.tries} times"
            raise SynthesisFailed(
                f"speech server {self.url} failed {times}: {spent.last}"
            ) from spent
        return _decode(audio, self.url)

    def _voice_for(self, language: str) -> str:
        tag = language.lower()
        for candidate in (tag, tag.split("-", 1)[0]):
            if candidate in self._voices:
                return self._voices[candidate]
        if self._default_voice:
            return self._default_voice
        raise UnknownVoice(
            f"no voice for language {language!r} on {self.name} "
            f"(configured: {', '.join(sorted(self._voices))})"
        )

    def _post(self, body: dict[str, str], deadline: float) -> bytes:
        try:
            response = post_json(self._client, self.url, body, deadline)
        except (httpx.ConnectError, httpx.ConnectTimeout, httpx.RemoteProtocolError) as exc:
            raise Transient(f"{type(exc).__name__}: {exc}") from exc
        except httpx.TimeoutException as exc:
            raise SynthesisFailed(
                f"speech server {self.url} did not answer within "
                f"{self._timeout_s}s ({type(exc).__name__})"
            ) from exc
        except httpx.HTTPError as exc:
            raise SynthesisFailed(f"speech request to {self.url} failed: {exc}") from exc
        status = response.status_code
        if status >= 500:
            raise Transient(f"HTTP {status}: {_message(response)}")
        if status == 404:
            raise UnknownVoice(
                f"{self.url} has no voice {body['voice']!r} for model {self.model!r} "
                f"(HTTP 404: {_message(response)})"
            )
        if status >= 400:
            raise SynthesisFailed(
                f"{self.url} refused the request (HTTP {status}: {_message(response)})"
            )
        if status != 200:
            raise SynthesisFailed(f"{self.url} answered HTTP {status}, not audio")
        return response.content


def _message(response: httpx.Response) -> str:
    """The server's own words for an error: an OpenAI error message, or the body's start."""
    try:
        doc = response.json()
    except (json.JSONDecodeError, UnicodeDecodeError):
        return response.text[:_SNIPPET].strip() or "(no body)"
    if isinstance(doc, dict):
        error = doc.get("error")
        if isinstance(error, dict) and isinstance(error.get("message"), str):
            return str(error["message"])[:_SNIPPET]
        if isinstance(error, str):
            return error[:_SNIPPET]
        if isinstance(doc.get("detail"), str):
            return str(doc["detail"])[:_SNIPPET]
    return response.text[:_SNIPPET]


def _decode(audio: bytes, source: str) -> Speech:
    """Mono float32 from an audio file in any format ffmpeg reads (WAV, MP3, FLAC, Opus...)."""
    if not audio:
        raise SynthesisFailed(f"{source} answered with an empty body instead of audio")
    try:
        with av.open(io.BytesIO(audio), mode="r") as container:
            if not container.streams.audio:
                raise SynthesisFailed(f"{source} answered a file with no audio in it")
            stream = container.streams.audio[0]
            rate = stream.rate
            mixer = av.AudioResampler(format="flt", layout="mono", rate=rate)
            frames = [out for frame in container.decode(stream) for out in mixer.resample(frame)]
            frames += mixer.resample(None)
    except av.FFmpegError as exc:
        start = audio[:40].decode("utf-8", errors="replace")
        raise SynthesisFailed(f"{source} answered something that is not audio: {start!r}") from exc
    samples = (
        np.concatenate([f.to_ndarray().reshape(-1) for f in frames])
        if frames
        else np.zeros(0, dtype=np.float32)
    )
    if samples.size == 0:
        raise SynthesisFailed(f"{source} answered audio with no samples in it")
    return Speech(samples.astype(np.float32), int(rate))
