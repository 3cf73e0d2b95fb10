"""The LLM script generator against a real local chat server answering from a script."""

from __future__ import annotations

import json
import re
import time
from collections.abc import Iterator
from dataclasses import replace
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from onair.agents.errors import GenerationFailed, ModelFailed
from onair.agents.facts import Facts, ScriptRequest, ShowFacts, TrackFacts
from onair.agents.llm.openai_chat import OpenAIChatModel
from onair.agents.llm_generator import LlmGenerator, count_words
from onair.domain.segments import Persona, SegmentKind
from tests.fixtures.chat_server import (
    ChatServer,
    Received,
    Reply,
    answer,
    error,
    hang,
    html_page,
    long_answer,
    malformed_json,
    refusal,
)

UPCOMING = (
    TrackFacts(
        "Zanzibar Nights", "Quilla Moreau", ("Quilla Moreau",), album="Velvet Orbit", year=2019
    ),
    TrackFacts("Copperline", "Dario Fenwick & Ines Oyelaran", ("Dario Fenwick", "Ines Oyelaran")),
)
UPCOMING_NAMES = (
    "Zanzibar",
    "Quilla",
    "Moreau",
    "Velvet Orbit",
    "Copperline",
    "Fenwick",
    "Oyelaran",
)

FACTS = Facts(
    station_name="Harbor FM",
    call_letters="WXYZ",
    community="Springfield",
    persona=Persona(name="Marisol", style="dry wit, unhurried", blocked_words=("guarantee",)),
    language="en",
    local_time=datetime(2026, 11, 25, 19, 5, tzinfo=ZoneInfo("America/Chicago")),
    previous=TrackFacts("Harbor Lights", "The Tidewaters", album="Low Tide", year=1987),
    upcoming=UPCOMING,
    show=ShowFacts("Night Shift", hosts=("Sam Ruiz",), weekdays=("mon", "tue"), start_hour=22),
    weather="light rain, 12 degrees",
    headlines=("City council approves new ferry route",),
    feed_name="Springfield Daily",
)


def request(kind: SegmentKind = SegmentKind.VOICE_LINK, **changes: Any) -> ScriptRequest:
    return replace(ScriptRequest(kind=kind, facts=FACTS, max_words=30), **changes)


@pytest.fixture
def generator(chat_server: ChatServer) -> Iterator[LlmGenerator]:
    with OpenAIChatModel(chat_server.base_url, "test-model", backoff_s=0.05) as model:
        yield LlmGenerator(model, timeout_s=5)


def facts_block(received: Received) -> dict[str, object]:
    user = received.body["messages"][-1]["content"]
    match = re.search(r"^Facts \(JSON\): (.*)$", user, re.MULTILINE)
    assert match is not None, user
    doc: dict[str, object] = json.loads(match.group(1))
    return doc


def test_a_good_answer_becomes_a_clean_script_with_its_tokens(
    chat_server: ChatServer, generator: LlmGenerator
) -> None:
    chat_server.script(
        answer('"That was Harbor Lights by The Tidewaters. Stay dry out there."', usage=(180, 14))
    )

    script = generator.write(request())

    assert script.text == "That was Harbor Lights by The Tidewaters. Stay dry out there."
    assert script.generator == "llm:test-model"
    assert script.tokens == 194


def test_the_prompt_holds_the_persona_and_the_facts(
    chat_server: ChatServer, generator: LlmGenerator
) -> None:
    chat_server.script(answer("Harbor FM."))

    generator.write(request())

    [sent] = chat_server.received
    system = sent.body["messages"][0]
    assert system["role"] == "system"
    assert "Marisol" in system["content"]
    assert "dry wit, unhurried" in system["content"]
    assert '"en"' in system["content"]
    assert "At most 30 words" in system["content"]
    assert "guarantee" in system["content"]
    assert facts_block(sent) == {
        "station": "Harbor FM",
        "call_letters": "WXYZ",
        "community": "Springfield",
        "local_time": "Wednesday 19:05",
        "previous_track": {
            "title": "Harbor Lights",
            "artist": "The Tidewaters",
            "album": "Low Tide",
            "year": 1987,
        },
        "show": {
            "name": "Night Shift",
            "hosts": ["Sam Ruiz"],
            "days": ["mon", "tue"],
            "start_hour": 22,
        },
        "weather": "light rain, 12 degrees",
        "headlines": ["City council approves new ferry route"],
        "feed": "Springfield Daily",
    }


@pytest.mark.parametrize("kind", list(SegmentKind))
def test_no_upcoming_title_or_artist_is_ever_in_the_prompt(
    chat_server: ChatServer, generator: LlmGenerator, kind: SegmentKind
) -> None:
    chat_server.script(answer("Harbor FM."), answer("Harbor FM."))
    checker_said = (
        "names the upcoming track 'Zanzibar Nights' by Quilla Moreau",
        "names the upcoming artist dario fenwick",
        "mentions the album Velvet Orbit",
    )

    generator.write(request(kind))
    generator.write(request(kind, attempt=1, avoid=checker_said))

    for sent in chat_server.received:
        everything = json.dumps(sent.body, ensure_ascii=False).lower()
        for name in UPCOMING_NAMES:
            assert name.lower() not in everything


def test_a_retry_asks_for_shorter_and_passes_the_checkers_reasons(
    chat_server: ChatServer, generator: LlmGenerator
) -> None:
    chat_server.script(answer("Harbor FM."), answer("Harbor FM."))

    generator.write(request())
    generator.write(
        request(
            attempt=1,
            max_words=12,
            avoid=("states 45 degrees, not in the facts", "names the upcoming track Copperline"),
        )
    )

    first, retry = (sent.body["messages"][-1]["content"] for sent in chat_server.received)
    assert "shorter" not in first
    assert "Write a new, shorter one, well under 12 words." in retry
    assert "states 45 degrees, not in the facts" in retry
    assert "names the upcoming track [withheld]" in retry


@pytest.mark.parametrize("kind", list(SegmentKind))
def test_each_kind_gets_a_prompt_that_names_it(
    chat_server: ChatServer, generator: LlmGenerator, kind: SegmentKind
) -> None:
    chat_server.script(answer("Harbor FM."))

    generator.write(request(kind))

    [sent] = chat_server.received
    task = sent.body["messages"][-1]["content"]
    assert task.startswith(f"Segment kind: {kind.value}.")
    others = [other.value for other in SegmentKind if other is not kind]
    assert not any(f"Segment kind: {other}" in task for other in others)


def test_a_station_id_prompt_asks_for_call_letters_then_community(
    chat_server: ChatServer, generator: LlmGenerator
) -> None:
    chat_server.script(answer("WXYZ, Springfield. Harbor FM."))

    generator.write(request(SegmentKind.STATION_ID))

    task = chat_server.received[0].body["messages"][-1]["content"]
    assert '"WXYZ, Springfield"' in task
    assert "immediately followed by the community" in task
    assert "47 CFR 73.1201" in task


def test_the_token_budget_follows_the_word_limit(
    chat_server: ChatServer, generator: LlmGenerator
) -> None:
    chat_server.script(answer("Harbor FM."), answer("Harbor FM."))

    generator.write(request(max_words=10))
    generator.write(request(max_words=60))

    short, long = (sent.body["max_tokens"] for sent in chat_server.received)
    assert 10 < short < long


def test_a_server_error_is_retried_then_the_script_comes(
    chat_server: ChatServer, generator: LlmGenerator
) -> None:
    chat_server.script(error(500, "CUDA out of memory"), answer("Harbor Lights, on Harbor FM."))

    script = generator.write(request())

    assert script.text == "Harbor Lights, on Harbor FM."
    assert len(chat_server.received) == 2


def test_a_hang_fails_within_about_the_timeout(chat_server: ChatServer) -> None:
    chat_server.script(hang(30))
    with OpenAIChatModel(chat_server.base_url, "test-model") as model:
        generator = LlmGenerator(model, timeout_s=0.8)

        started = time.monotonic()
        with pytest.raises(GenerationFailed, match=r"llm:test-model: no answer .* within 0\.8 s"):
            generator.write(request())
        elapsed = time.monotonic() - started

    assert 0.75 <= elapsed < 1.2


@pytest.mark.parametrize(
    ("reply", "says"),
    [
        (malformed_json(), r"not JSON"),
        (html_page(), r"not JSON \(text/html\)"),
        (answer(""), r"empty message"),
        (error(402, "Insufficient credits"), r"asks for payment \(HTTP 402: Insufficient credits"),
        (error(401, "Invalid API key"), r"refused the API key \(HTTP 401: Invalid API key"),
    ],
    ids=["malformed json", "html", "empty content", "402", "401"],
)
def test_a_model_failure_becomes_a_clear_generation_failure(
    chat_server: ChatServer, generator: LlmGenerator, reply: Reply, says: str
) -> None:
    chat_server.script(reply)

    with pytest.raises(GenerationFailed, match=rf"^llm:test-model: .*{says}") as failure:
        generator.write(request())

    assert isinstance(failure.value.__cause__, ModelFailed)
    assert "\n" not in str(failure.value)


@pytest.mark.parametrize(
    "reply",
    [
        refusal(),
        answer("I cannot help with creating that content."),
        answer("“I\u2019m sorry, but I\u2019m not able to do that.”"),
        answer("As an AI language model, I don't listen to music, but Harbor Lights is great."),
        answer("Sure! Here's a script:\nI apologize, I can't write radio scripts."),
    ],
    ids=["sorry", "cannot", "curly quotes", "as an ai", "after a preamble"],
)
def test_a_refusal_is_a_generation_failure(
    chat_server: ChatServer, generator: LlmGenerator, reply: Reply
) -> None:
    chat_server.script(reply)

    with pytest.raises(GenerationFailed, match=r"^llm:test-model refused: "):
        generator.write(request())


def test_a_script_that_merely_sounds_apologetic_is_kept(
    chat_server: ChatServer, generator: LlmGenerator
) -> None:
    text = "I can't believe it's Wednesday already. That was Harbor Lights."
    chat_server.script(answer(text))

    assert generator.write(request()).text == text


def test_an_answer_over_the_word_limit_fails_naming_both_counts(
    chat_server: ChatServer, generator: LlmGenerator
) -> None:
    chat_server.script(long_answer(41))

    with pytest.raises(GenerationFailed, match=r"wrote 41 words, over the limit of 30"):
        generator.write(request())


def test_an_answer_at_the_word_limit_is_kept(
    chat_server: ChatServer, generator: LlmGenerator
) -> None:
    chat_server.script(long_answer(30))

    assert count_words(generator.write(request()).text) == 30


def test_an_answer_cut_off_at_the_token_limit_fails(
    chat_server: ChatServer, generator: LlmGenerator
) -> None:
    chat_server.script(answer("That was Harbor Lights by", finish_reason="length"))

    with pytest.raises(GenerationFailed, match=r"cut off mid-script"):
        generator.write(request())


@pytest.mark.parametrize("text", ["*upbeat jingle* [pause]", "...", "```\n```", "<think>hmm"])
def test_an_answer_with_no_words_fails(
    chat_server: ChatServer, generator: LlmGenerator, text: str
) -> None:
    chat_server.script(answer(text))

    with pytest.raises(GenerationFailed, match=r"no words to speak"):
        generator.write(request())


@pytest.mark.parametrize(
    ("raw", "spoken"),
    [
        ('"WXYZ, Springfield. Harbor FM."', "WXYZ, Springfield. Harbor FM."),
        ("«WXYZ, Springfield.»", "WXYZ, Springfield."),
        (
            "Sure! Here's a short station ID:\n\n**WXYZ, Springfield** *upbeat jingle* Harbor FM.",
            "WXYZ, Springfield Harbor FM.",
        ),
        ("Here's your voice link:\n\n[pause] That was Harbor Lights.", "That was Harbor Lights."),
        ("Marisol: It's 7:05 and raining.", "It's 7:05 and raining."),
        ("**DJ:** Evening, Springfield.", "Evening, Springfield."),
        ("(Music fades)\nEvening from Harbor FM.", "Evening from Harbor FM."),
        ("# Station ID\n- WXYZ, Springfield", "WXYZ, Springfield"),
        ("<think>They want an ID.</think>\nWXYZ, Springfield.", "WXYZ, Springfield."),
        ("```\nWXYZ, Springfield.\n```", "WXYZ, Springfield."),
        ("Aquí tienes el guion:\n“WXYZ, Springfield.”", "WXYZ, Springfield."),
        ("Okay Springfield, it's 7:05 and raining.", "Okay Springfield, it's 7:05 and raining."),
        (
            "It's 7:05. Here's the weather: light rain.",
            "It's 7:05. Here's the weather: light rain.",
        ),
        ('"Harbor Lights" by The Tidewaters.', '"Harbor Lights" by The Tidewaters.'),
    ],
    ids=[
        "quotes",
        "guillemets",
        "preamble markdown jingle",
        "preamble line bracket",
        "persona label",
        "bold label",
        "parenthetical cue",
        "heading bullet",
        "thinking",
        "code fence",
        "foreign preamble",
        "a colon in the time stays",
        "a spoken colon stays",
        "inner quotes stay",
    ],
)
def test_the_answer_is_cleaned_to_the_spoken_words(
    chat_server: ChatServer, generator: LlmGenerator, raw: str, spoken: str
) -> None:
    chat_server.script(answer(raw))

    assert generator.write(request()).text == spoken


@pytest.mark.parametrize(
    ("text", "words"),
    [("WXYZ, Springfield - 12 degrees!", 4), ("こんにちは", 5), ("Hola, ¿qué tal?", 3), ("— …", 0)],
)
def test_words_are_counted_as_spoken(text: str, words: int) -> None:
    assert count_words(text) == words
