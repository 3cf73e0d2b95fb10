"""Scripts written by a language model from the station's persona and the facts.

The prompt carries the persona and the facts a script may state as a compact
JSON block. It never carries the upcoming tracks: the DMCA's performance
complement forbids announcing a song before it plays (17 U.S.C.
114(d)(2)(C)(ii)), and a model cannot leak what it never saw. The answer is
cleaned to the words to be spoken (no quotes, markdown, stage directions or
preambles) and refused when it is a refusal, has no words, or runs too long.
A request with ``min_words`` (a slot the first script left far from full)
asks for a longer script and names what it may add from the facts; an
answer still short is the producer's to judge, not a failure.
"""

from __future__ import annotations

import json
import re
from typing import Any

from onair.agents.errors import GenerationFailed, ModelFailed
from onair.agents.facts import Facts, Script, ScriptRequest
from onair.agents.ports import ChatMessage, LanguageModel
from onair.domain.segments import SegmentKind

__all__ = ["LlmGenerator", "clean_script", "count_words", "is_refusal", "prompt"]

# Non-Latin scripts cost several tokens a word; the headroom lets a model finish
# its sentence, and the word limit is enforced on the answer, not by truncation.
_TOKENS_PER_WORD = 4
_TOKEN_HEADROOM = 48

_KIND_TASKS: dict[SegmentKind, str] = {
    SegmentKind.VOICE_LINK: (
        "a voice link between two songs, spoken over the start of the next one. "
        "You may back-announce the song that just played (previous_track). Lead into the "
        "next song without naming it or its artist: they are kept from you on purpose."
    ),
    SegmentKind.SHOW_PROMO: (
        "a promo for the show in `show`: its name, hosts, days and start time, as given."
    ),
    SegmentKind.STATION_ID: "the legal station identification.",
    SegmentKind.LINER: (
        "a short station liner: the station's name and a line about its sound. No song names."
    ),
    SegmentKind.TIME_WEATHER: "a time check (local_time) and the weather, as given.",
    SegmentKind.FEED: (
        "a short read of the headlines, in your own words, adding nothing that is not in them."
    ),
}

_REFUSAL_START = re.compile(
    r"^\W*(?:(?:i'?m|i am) (?:so |very )?sorry\b(?! to (?:say|report|tell))|i apologi[sz]e\b"
    r"|sorry,? but\b|(?:i|unfortunately,? i) (?:can'?t|cannot|can not|won'?t|will not"
    r"|am unable to|'?m unable to|am not able to|'?m not able to) (?:help|assist|comply|write"
    r"|create|generate|produce|provide|do that|fulfil|continue|complete|make)"
    r"|lo siento\b|je suis d[ée]sol[ée]|es tut mir leid\b)",
    re.IGNORECASE,
)
_AI_TALK = re.compile(
    r"\bas an ai\b|\bas a language model\b|\bi'?m an ai\b|\bi am an ai\b|\bai language model\b",
    re.IGNORECASE,
)
_THINKING = re.compile(r"<think>.*?(?:</think>|$)", re.IGNORECASE | re.DOTALL)
# "Sure! Here's a short station ID:" before the script itself.
_INLINE_PREAMBLE = re.compile(
    r"^(?:(?:sure|okay|ok|certainly|absolutely|of course)\b[^:\n]{0,20}?[.!,]\s*)?"
    r"(?:here'?s|here is)\b[^:\n]{0,80}?\b(?:script|version|draft|link|liner|promo|id"
    r"|identification|take|segment|text)\b[^:\n]{0,40}:(?=\s|$)\s*"
    r"|^(?:sure|certainly|absolutely|of course)[!.,]\s+",
    re.IGNORECASE,
)
_LABELS = ("dj", "host", "announcer", "narrator", "voice-over", "voice over", "voiceover", "vo")
_STAGE = re.compile(
    r"\[[^\]\n]*\]|\{[^}\n]*\}|(?<![*\w])\*(?!\*)[^*\n]+(?<!\*)\*(?![*\w])|^\s*\([^)\n]*\)",
    re.MULTILINE,
)
_EMPHASIS = re.compile(r"\*\*(.+?)\*\*|__(.+?)__")
_DROPPED_LINE = re.compile(r"\s*(?:```|#+\s)")  # code fences and markdown headings
_LINE_MARKUP = re.compile(r"^\s*(?:>|[-•]|\d+[.)])\s+", re.MULTILINE)
_QUOTES = (
    ('"', '"'),
    ("“", "”"),
    ("'", "'"),
    ("\u2018", "\u2019"),
    ("«", "»"),
    ("„", "“"),
    ("「", "」"),
)
# One word per character in scripts written without spaces (Chinese, Japanese).
_WORD = re.compile(r"[\u3040-\u30ff\u3400-\u9fff]|[^\s\u3040-\u30ff\u3400-\u9fff]+")


class LlmGenerator:
    """Writes scripts with a chat model behind the OpenAI-compatible API."""

    def __init__(self, model: LanguageModel, *, timeout_s: float = 20.0) -> None:
        self._model = model
        self._timeout_s = timeout_s
        self.name = f"llm:{model.model}"

    def write(self, request: ScriptRequest) -> Script:
        """A script within ``request.max_words``, or ``GenerationFailed`` saying why not.

        A refusal, an answer with no words, and an answer over the word limit
        (the runtime then asks again, shorter) are failures, as is any
        ``ModelFailed`` from the model (a timeout, an HTTP error, garbage).
        """
        if request.max_words < 1:
            raise GenerationFailed(f"{self.name}: max_words must be at least 1")
        messages = prompt(request)
        max_tokens = request.max_words * _TOKENS_PER_WORD + _TOKEN_HEADROOM
        try:
            completion = self._model.complete(
                messages, max_tokens=max_tokens, timeout_s=self._timeout_s
            )
        except ModelFailed as exc:
            raise GenerationFailed(f"{self.name}: {exc}") from exc
        try:
            text = self._usable(completion.text, request, completion.finish_reason)
        except GenerationFailed as exc:  # the answer was unusable but still cost its tokens
            raise GenerationFailed(str(exc), tokens=completion.tokens) from exc
        return Script(text=text, generator=self.name, tokens=completion.tokens)

    def _usable(self, answer: str, request: ScriptRequest, finish_reason: str | None) -> str:
        if is_refusal(answer):
            raise GenerationFailed(f"{self.name} refused: {_first_line(answer)!r}")
        text = clean_script(answer, request.facts.persona.name)
        if is_refusal(text):
            raise GenerationFailed(f"{self.name} refused: {_first_line(text)!r}")
        if not re.search(r"[^\W_]", text):
            raise GenerationFailed(f"{self.name} answered with no words to speak")
        words = count_words(text)
        if words > request.max_words:
            raise GenerationFailed(
                f"{self.name} wrote {words} words, over the limit of {request.max_words}"
            )
        if finish_reason == "length":
            raise GenerationFailed(f"{self.name} was cut off mid-script at its token limit")
        return text


def prompt(request: ScriptRequest) -> list[ChatMessage]:
    """The system and user messages for ``request``: persona, rules, task and facts.

    The upcoming tracks never appear, not even inside ``request.avoid``; nor does
    a file-name title or an unknown artist (``facts.unspoken``).
    """
    facts = request.facts
    return [
        ChatMessage("system", _rules(facts, request.max_words, request.min_words)),
        ChatMessage("user", _task(request)),
    ]


def _rules(facts: Facts, max_words: int, min_words: int = 0) -> str:
    persona = facts.persona
    lines = [
        f"You are {persona.name}, an on-air host at {facts.station_name}. "
        f"Your manner: {persona.style}.",
        "You write only the words you will say on air; a speech synthesizer reads them aloud.",
        "Rules:",
        f'- Write in the language with BCP 47 tag "{facts.language}", and only in it.',
        f"- At least {min_words} and at most {max_words} words."
        if min_words
        else f"- At most {max_words} words.",
        "- State only the facts in the JSON below; invent no names, numbers, dates, places "
        "or events.",
        "- Never name or hint at a song or artist that is coming up. You may name the song "
        "that just played (previous_track).",
        "- Plain spoken words only: no quotes, markdown, stage directions, sound cues, "
        "speaker labels or preamble.",
    ]
    if persona.blocked_words:
        lines.append(f"- Never say: {', '.join(persona.blocked_words)}.")
    return "\n".join(lines)


def _task(request: ScriptRequest) -> str:
    facts = request.facts
    lines = [f"Segment kind: {request.kind.value}. Write {_KIND_TASKS[request.kind]}"]
    if request.kind is SegmentKind.STATION_ID:
        lines.append(
            f'Say the call letters "{facts.call_letters}" immediately followed by the community '
            f'of license "{facts.community}", with nothing between them '
            f'("{facts.call_letters}, {facts.community}"), as 47 CFR 73.1201 requires.'
        )
    named = facts.previous is not None and facts.previous.title
    if request.kind is SegmentKind.VOICE_LINK and not named:
        lines.append("No song to back-announce: talk about the station or the time instead.")
    lines.append("Facts (JSON): " + json.dumps(_facts_doc(facts), ensure_ascii=False))
    if request.min_words:
        lines.append(_longer_note(request))
    elif request.attempt > 0:
        lines.append(_retry_note(request))
    return "\n".join(lines)


def _longer_note(request: ScriptRequest) -> str:
    """What a script too short for its slot may go on to say, from the facts given."""
    facts = request.facts
    more = ["a time check (local_time)"]
    if facts.weather:
        more.append("the weather (weather)")
    if facts.show is not None:
        more.append("a word about the show coming up (show)")
    named = facts.previous is not None and facts.previous.title
    if named and request.kind is SegmentKind.VOICE_LINK:
        more.append("more about the song that just played (previous_track)")
    more.append("the station's name")
    note = (
        f"The slot needs a longer script: at least {request.min_words} words, "
        f"at most {request.max_words}. Besides the segment itself you may add "
        + ", ".join(more)
        + ", and nothing else."
    )
    if request.avoid:
        reasons = "; ".join(_redact_withheld(reason, request.facts) for reason in request.avoid)
        note += f" Your previous try could not be used ({reasons})."
    return note


def _retry_note(request: ScriptRequest) -> str:
    note = "Your previous try could not be used"
    if request.avoid:
        reasons = "; ".join(_redact_withheld(reason, request.facts) for reason in request.avoid)
        note += f" ({reasons})"
    return f"{note}. Write a new, shorter one, well under {request.max_words} words."


def _facts_doc(facts: Facts) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "station": facts.station_name,
        "call_letters": facts.call_letters,
        "community": facts.community,
        "local_time": facts.local_time.strftime("%A %H:%M"),
    }
    if facts.previous is not None and facts.previous.title:
        track = facts.previous
        doc["previous_track"] = _compact(
            {
                "title": track.title,
                "artist": track.artist,
                "album": track.album,
                "year": track.year,
                "genre": track.genre,
            }
        )
    if facts.show is not None:
        show = facts.show
        doc["show"] = _compact(
            {
                "name": show.name,
                "hosts": list(show.hosts),
                "days": list(show.weekdays),
                "start_hour": show.start_hour,
            }
        )
    if facts.weather:
        doc["weather"] = facts.weather
    if facts.headlines:
        doc["headlines"] = list(facts.headlines)
        if facts.feed_name:
            doc["feed"] = facts.feed_name
    return doc


def _compact(doc: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in doc.items() if value not in (None, "", [])}


def _redact_withheld(reason: str, facts: Facts) -> str:
    """``reason`` without what the model is never given (the checker names them).

    Every upcoming title, artist and album, and every file-name title and
    unknown artist, is replaced.
    """
    upcoming = [
        name
        for track in facts.upcoming
        for name in (track.title, track.artist, track.album, *track.artists)
    ]
    names = {name.strip() for name in (*upcoming, *facts.unspoken) if name and name.strip()}
    for name in sorted(names, key=len, reverse=True):
        pattern = re.compile(rf"(?<!\w){re.escape(name)}(?!\w)", re.IGNORECASE)
        reason = pattern.sub("[withheld]", reason)
    return reason


def is_refusal(text: str) -> bool:
    """Whether ``text`` is a model declining or talking about being an AI, not a script."""
    plain = text.replace("\u2019", "'").strip().strip("\"'“”")
    return bool(_REFUSAL_START.match(plain) or _AI_TALK.search(plain))


def clean_script(text: str, persona_name: str = "") -> str:
    """The words to be spoken, on one line.

    Drops a reasoning model's thinking, code fences, headings, preambles
    ("Here's a script:"), speaker labels, stage directions in brackets or
    asterisks, markdown emphasis and bullets, and quotes around the whole.
    """
    text = _THINKING.sub("", text)
    lines = [line for line in text.splitlines() if line.strip() and not _DROPPED_LINE.match(line)]
    if len(lines) > 1 and lines[0].rstrip(" *_").endswith(":"):
        lines = lines[1:]  # "Here's your station ID:" on a line of its own, in any language
    text = "\n".join(lines)
    text = _INLINE_PREAMBLE.sub("", text.strip())
    text = _speaker_label(persona_name).sub("", text)
    text = _STAGE.sub(" ", text)
    text = _EMPHASIS.sub(lambda match: match.group(1) or match.group(2), text)
    text = _LINE_MARKUP.sub("", text).replace("`", "")
    text = " ".join(text.split())
    text = re.sub(r"\s+([,.!?;:])", r"\1", text)
    return _unquote(text)


def _speaker_label(persona_name: str) -> re.Pattern[str]:
    """ "Alex:", "**DJ:**" and the like at the start of a line."""
    names = "|".join(re.escape(name) for name in (*_LABELS, persona_name) if name)
    return re.compile(rf"^\s*(?:\*\*)?(?:{names})(?:\*\*)?\s*:(?:\*\*)?\s*", re.I | re.M)


def _unquote(text: str) -> str:
    for opening, closing in _QUOTES:
        inner = text[len(opening) : -len(closing)]
        if (
            len(text) >= 2
            and text.startswith(opening)
            and text.endswith(closing)
            and opening not in inner
            and closing not in inner
        ):
            return _unquote(inner.strip())
    return text


def count_words(text: str) -> int:
    """Spoken words in ``text``; each Chinese or Japanese character counts as one."""
    return sum(1 for word in _WORD.findall(text) if re.search(r"[^\W_]", word))


def _first_line(text: str) -> str:
    line = " ".join(text.split())
    return line if len(line) <= 80 else line[:79] + "…"
