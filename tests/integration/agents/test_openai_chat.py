"""The OpenAI-compatible chat model against a real local server answering from a script."""

from __future__ import annotations

import math
import time
from collections.abc import Iterator
from dataclasses import replace

import pytest

from onair.agents.errors import ModelFailed
from onair.agents.llm.openai_chat import OpenAIChatModel
from onair.agents.ports import ChatMessage
from tests.fixtures.chat_server import (
    ChatServer,
    Reply,
    answer,
    drop,
    error,
    hang,
    html_page,
    malformed_json,
)

MESSAGES = (
    ChatMessage("system", "You are a radio host."),
    ChatMessage("user", "Say the station ID."),
)


@pytest.fixture
def model(chat_server: ChatServer) -> Iterator[OpenAIChatModel]:
    with OpenAIChatModel(chat_server.base_url, "test-model", backoff_s=0.05) as llm:
        yield llm


def test_an_answer_comes_back_with_its_usage(
    chat_server: ChatServer, model: OpenAIChatModel
) -> None:
    chat_server.script(answer("WXYZ Springfield.", usage=(42, 5)))

    completion = model.complete(MESSAGES, max_tokens=64, timeout_s=5)

    assert completion.text == "WXYZ Springfield."
    assert (completion.prompt_tokens, completion.completion_tokens) == (42, 5)
    assert completion.tokens == 47
    assert completion.finish_reason == "stop"
    [request] = chat_server.received
    assert request.body["model"] == "test-model"
    assert request.body["max_tokens"] == 64
    assert request.body["temperature"] == pytest.approx(0.7)
    assert request.body["messages"] == [
        {"role": "system", "content": "You are a radio host."},
        {"role": "user", "content": "Say the station ID."},
    ]
    assert "authorization" not in {name.lower() for name in request.headers}


def test_the_key_goes_as_a_bearer_token(chat_server: ChatServer) -> None:
    chat_server.script(answer("Hello."))
    with OpenAIChatModel(chat_server.base_url + "/", "m", api_key="sk-test") as llm:
        llm.complete(MESSAGES, max_tokens=16, timeout_s=5)

    [request] = chat_server.received
    assert request.headers["Authorization"] == "Bearer sk-test"


def test_tokens_are_estimated_when_the_server_gives_no_usage(
    chat_server: ChatServer, model: OpenAIChatModel
) -> None:
    text = "Good morning, this is WXYZ Springfield."
    chat_server.script(answer(text))

    completion = model.complete(MESSAGES, max_tokens=64, timeout_s=5)

    assert completion.completion_tokens == math.ceil(len(text) / 4)
    prompt_chars = sum(len(m.content) for m in MESSAGES)
    assert completion.prompt_tokens == math.ceil(prompt_chars / 4)


@pytest.mark.parametrize(
    "first",
    [error(500, "overloaded"), error(503, "warming up"), error(429, "slow down"), drop()],
    ids=["500", "503", "429", "dropped connection"],
)
def test_a_passing_fault_is_retried(
    chat_server: ChatServer, model: OpenAIChatModel, first: Reply
) -> None:
    chat_server.script(first, answer("Back on the air."))

    completion = model.complete(MESSAGES, max_tokens=64, timeout_s=5)

    assert completion.text == "Back on the air."
    assert len(chat_server.received) == 2


def test_a_server_that_keeps_failing_gives_up_after_three_tries(
    chat_server: ChatServer, model: OpenAIChatModel
) -> None:
    chat_server.script(*[error(500, "model crashed")] * 5)

    with pytest.raises(ModelFailed, match=r"HTTP 500: model crashed.*gave up after 3 tries"):
        model.complete(MESSAGES, max_tokens=64, timeout_s=5)
    assert len(chat_server.received) == 3


def test_retries_stay_inside_the_timeout(chat_server: ChatServer, model: OpenAIChatModel) -> None:
    chat_server.script(*[error(503, "busy", retry_after_s=5)] * 3)

    started = time.monotonic()
    with pytest.raises(ModelFailed, match=r"HTTP 503: busy"):
        model.complete(MESSAGES, max_tokens=64, timeout_s=1.0)
    assert time.monotonic() - started < 1.2
    assert len(chat_server.received) == 1  # a 5 s Retry-After does not fit a 1 s budget


def test_a_hang_fails_within_the_timeout(chat_server: ChatServer, model: OpenAIChatModel) -> None:
    chat_server.script(hang(30))

    started = time.monotonic()
    with pytest.raises(ModelFailed, match=r"no answer from .* within 0\.5 s"):
        model.complete(MESSAGES, max_tokens=64, timeout_s=0.5)
    elapsed = time.monotonic() - started
    assert 0.45 <= elapsed < 0.9


def test_an_answer_crawling_in_fails_within_the_timeout(
    chat_server: ChatServer, model: OpenAIChatModel
) -> None:
    chat_server.script(replace(answer("WXYZ Springfield."), trickle_s=0.02))  # ~4 s of bytes

    started = time.monotonic()
    with pytest.raises(ModelFailed, match=r"no answer from .* within 0\.5 s"):
        model.complete(MESSAGES, max_tokens=64, timeout_s=0.5)
    assert time.monotonic() - started < 0.9


def test_a_server_that_keeps_answering_503_fails_within_the_timeout(
    chat_server: ChatServer,
) -> None:
    chat_server.script(*[error(503, "warming up")] * 50)

    started = time.monotonic()
    with (
        OpenAIChatModel(chat_server.base_url, "m", attempts=50, backoff_s=0.05) as llm,
        pytest.raises(ModelFailed, match=r"HTTP 503: warming up.*gave up after \d+ tries") as e,
    ):
        llm.complete(MESSAGES, max_tokens=16, timeout_s=1.0)
    assert time.monotonic() - started < 1.2
    assert "\n" not in str(e.value)
    assert 2 <= len(chat_server.received) < 50


@pytest.mark.parametrize(
    ("reply", "says"),
    [
        (error(401, "Incorrect API key provided"), r"refused the API key \(HTTP 401: Incorrect"),
        (error(403, "forbidden"), r"refused the API key \(HTTP 403"),
        (error(402, "insufficient credits"), r"asks for payment \(HTTP 402: insufficient credits"),
        (error(404, "model 'gpt-9' not found"), r"HTTP 404: model 'gpt-9' not found"),
        (error(400, "max_tokens is too large"), r"HTTP 400: max_tokens is too large"),
        (malformed_json(), r"not JSON \(application/json\)"),
        (html_page(), r"not JSON \(text/html\): '<!doctype html>"),
        (answer(""), r"empty message"),
        (answer(None), r"empty message"),
        (answer("   ", finish_reason="length"), r"empty message \(cut off at max_tokens\)"),
        (Reply(body=b'{"object": "list", "data": []}'), r"not a chat completion \(choices"),
        (Reply(body=b'{"choices": []}'), r"not a chat completion"),
        (Reply(body=b'["a", "list"]'), r"not a chat completion"),
    ],
    ids=[
        "401",
        "403",
        "402",
        "404",
        "400",
        "malformed json",
        "html",
        "empty",
        "null",
        "empty at length",
        "no choices",
        "zero choices",
        "a list",
    ],
)
def test_an_unusable_answer_is_one_clear_line_and_not_retried(
    chat_server: ChatServer, model: OpenAIChatModel, reply: Reply, says: str
) -> None:
    chat_server.script(reply, answer("should never be asked for"))

    with pytest.raises(ModelFailed, match=says) as failure:
        model.complete(MESSAGES, max_tokens=64, timeout_s=5)

    assert "\n" not in str(failure.value)
    assert len(chat_server.received) == 1


def test_a_provider_refusal_field_is_reported(
    chat_server: ChatServer, model: OpenAIChatModel
) -> None:
    body = (
        b'{"choices": [{"message": {"role": "assistant", "content": null,'
        b' "refusal": "I cannot help with that."}, "finish_reason": "stop"}]}'
    )
    chat_server.script(Reply(body=body))

    with pytest.raises(ModelFailed, match=r"the model refused: I cannot help with that\."):
        model.complete(MESSAGES, max_tokens=64, timeout_s=5)


def test_nobody_listening_is_a_clear_failure() -> None:
    server = ChatServer()  # bound to a free port, never started: connections hang unserved
    url = server.base_url
    server.stop()

    with (
        OpenAIChatModel(url, "m", backoff_s=0.05) as llm,
        pytest.raises(ModelFailed, match=r"cannot reach .*gave up after 3 tries"),
    ):
        llm.complete(MESSAGES, max_tokens=16, timeout_s=5)


@pytest.mark.parametrize(
    ("base_url", "name", "says"),
    [("127.0.0.1:8080/v1", "m", "must start with http"), ("http://x/v1", " ", "model name")],
)
def test_bad_settings_are_refused(base_url: str, name: str, says: str) -> None:
    with pytest.raises(ModelFailed, match=says):
        OpenAIChatModel(base_url, name)
