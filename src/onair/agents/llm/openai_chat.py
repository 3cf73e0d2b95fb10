"""A language model behind the OpenAI-compatible chat completions API.

OpenAI, vLLM, Ollama (``/v1``) and llama.cpp's server all answer
``POST {base_url}/chat/completions``. Connection errors, 429 and 5xx are
retried a few times with a short backoff; the whole call, retries, waits and
the answer's last byte included, ends within the caller's timeout. Everything
else becomes one clear ``ModelFailed`` line.
"""

from __future__ import annotations

import json
import math
import time
from collections.abc import Sequence
from typing import Any

import httpx
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from onair.agents.errors import ModelFailed
from onair.agents.ports import ChatMessage, Completion
from onair.agents.web.deadline import (
    Backoff,
    BearerClient,
    RetriesSpent,
    Transient,
    post_json,
    retry_within,
)
from onair.observability import get_logger

__all__ = ["OpenAIChatModel"]

_log = get_logger(__name__)
_CHARS_PER_TOKEN = 4  # the usual rule of thumb for English text with BPE tokenizers
_SNIPPET = 160


class _Message(BaseModel):
    model_config = ConfigDict(extra="ignore")
    content: str | None = None
    refusal: str | None = None


class _Choice(BaseModel):
    model_config = ConfigDict(extra="ignore")
    message: _Message
    finish_reason: str | None = None


class _Usage(BaseModel):
    model_config = ConfigDict(extra="ignore")
    prompt_tokens: int | None = None
    completion_tokens: int | None = None


class _Answer(BaseModel):
    model_config = ConfigDict(extra="ignore")
    choices: list[_Choice] = Field(min_length=1)
    usage: _Usage | None = None


class OpenAIChatModel(BearerClient):
    """A chat model at ``base_url`` (e.g. ``http://127.0.0.1:11434/v1``) named ``model``.

    Safe to share between worker threads: one pooled HTTP client serves all
    calls. Call :meth:`close` (or use it as a context manager) when done.
    """

    def __init__(
        self,
        base_url: str,
        model: str,
        *,
        api_key: str | None = None,
        temperature: float = 0.7,
        attempts: int = 3,
        backoff_s: float = 0.2,
    ) -> None:
        if not base_url.startswith(("http://", "https://")):
            raise ModelFailed(f"LLM base URL {base_url!r} must start with http:// or https://")
        if not model.strip():
            raise ModelFailed("LLM model name is empty: set the model in settings")
        if attempts < 1:
            raise ModelFailed(f"LLM attempts must be at least 1, not {attempts}")
        self.model = model
        self.url = base_url.rstrip("/") + "/chat/completions"
        self._temperature = temperature
        self._attempts = attempts
        self._backoff = Backoff(backoff_s, max_s=2.0, jitter_s=backoff_s)
        super().__init__(api_key)

    def complete(
        self, messages: Sequence[ChatMessage], *, max_tokens: int, timeout_s: float
    ) -> Completion:
        """The model's answer within ``timeout_s`` seconds, retries included.

        Raises ``ModelFailed`` on a timeout, a refused key (401/403), a demand
        for payment (402), any other HTTP error, or an answer that is not a chat
        completion with text in it. When the server reports no ``usage``, the
        token counts are estimated from the text length (about 4 characters a
        token), so budgets still move.
        """
        if max_tokens < 1 or timeout_s <= 0:
            raise ModelFailed(f"max_tokens ({max_tokens}) and timeout_s ({timeout_s}) must be > 0")
        body = {
            "model": self.model,
            "messages": [{"role": m.role, "content": m.content} for m in messages],
            "max_tokens": max_tokens,
            "temperature": self._temperature,
        }
        deadline = time.monotonic() + timeout_s
        try:
            data = retry_within(
                lambda: self._post(body, deadline, timeout_s),
                deadline=deadline,
                attempts=self._attempts,
                backoff=self._backoff,
                on_retry=self._note_retry,
            )
        except RetriesSpent as spent:
            times = "1 try" if spent.tries == 1 else f"{spent.tries} tries"
            raise ModelFailed(f"{spent.last} (gave up after {times})") from spent
        return _completion(data, messages, self.url)

    def _post(self, body: dict[str, Any], deadline: float, timeout_s: float) -> Any:
        try:
            response = post_json(self._client, self.url, body, deadline)
        except httpx.TimeoutException as exc:
            raise ModelFailed(f"no answer from {self.url} within {timeout_s:g} s") from exc
        except (httpx.NetworkError, httpx.RemoteProtocolError) as exc:
            raise Transient(f"cannot reach {self.url}: {exc or type(exc).__name__}") from exc
        except httpx.HTTPError as exc:
            raise ModelFailed(f"request to {self.url} failed: {exc}") from exc
        _raise_for_status(response, self.url)
        try:
            return response.json()
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            kind = response.headers.get("content-type", "no content type")
            raise ModelFailed(
                f"{self.url} answered with something that is not JSON ({kind}): "
                f"{_snippet(response.text)!r}"
            ) from exc

    def _note_retry(self, attempt: int, failure: Transient) -> None:
        _log.warning("llm call retried", url=self.url, attempt=attempt, reason=str(failure))


def _raise_for_status(response: httpx.Response, url: str) -> None:
    code = response.status_code
    if code < 400:
        if code >= 300:
            raise ModelFailed(f"{url} redirected (HTTP {code}): check the LLM base URL")
        return
    said = _server_message(response)
    if code in (401, 403):
        raise ModelFailed(f"{url} refused the API key (HTTP {code}: {said}): check the LLM key")
    if code == 402:
        raise ModelFailed(f"{url} asks for payment (HTTP 402: {said}): top up or change provider")
    if code == 429:
        raise Transient(f"{url} is rate limiting (HTTP 429: {said})", _retry_after(response))
    if code >= 500:
        raise Transient(f"{url} failed (HTTP {code}: {said})", _retry_after(response))
    raise ModelFailed(f"{url} refused the request (HTTP {code}: {said})")


def _server_message(response: httpx.Response) -> str:
    """The error message in an OpenAI-style ``{"error": {"message": ...}}`` body, or the text."""
    try:
        data = response.json()
    except (json.JSONDecodeError, UnicodeDecodeError):
        return _snippet(response.text) or response.reason_phrase
    error = data.get("error", data) if isinstance(data, dict) else data
    if isinstance(error, dict):
        error = error.get("message") or error.get("detail") or error
    return _snippet(str(error)) or response.reason_phrase


def _retry_after(response: httpx.Response) -> float:
    try:
        return max(0.0, float(response.headers.get("retry-after", "0")))
    except ValueError:  # an HTTP date: not worth parsing inside a seconds-long budget
        return 0.0


def _completion(data: Any, messages: Sequence[ChatMessage], url: str) -> Completion:
    try:
        answer = _Answer.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first["loc"]) or "the body"
        raise ModelFailed(
            f"{url} answered with JSON that is not a chat completion "
            f"({where}: {first['msg']}); expected choices[0].message.content"
        ) from exc
    choice = answer.choices[0]
    text = (choice.message.content or "").strip()
    if not text:
        if choice.message.refusal:
            raise ModelFailed(f"the model refused: {_snippet(choice.message.refusal)}")
        hint = " (cut off at max_tokens)" if choice.finish_reason == "length" else ""
        raise ModelFailed(f"{url} answered with an empty message{hint}")
    usage = answer.usage or _Usage()
    prompt_tokens = usage.prompt_tokens
    if prompt_tokens is None:
        prompt_tokens = _estimate_tokens("".join(m.content for m in messages))
    completion_tokens = usage.completion_tokens
    if completion_tokens is None:
        completion_tokens = _estimate_tokens(text)
    return Completion(text, prompt_tokens, completion_tokens, choice.finish_reason)


def _estimate_tokens(text: str) -> int:
    return math.ceil(len(text) / _CHARS_PER_TOKEN)


def _snippet(text: str) -> str:
    line = " ".join(text.split())
    return line if len(line) <= _SNIPPET else line[: _SNIPPET - 1] + "…"
