"""The default script writer: templates with variation, per language, from facts only.

Every template of a kind says the same facts in different words; the request's
seed picks which one leads, so an hour always writes the same scripts. A
template's ``[optional groups]`` are dropped from the last to fit the word
budget, and a retry (``attempt``) asks for something shorter than the try
before it. A request with ``min_words`` (a slot the first script left far
from full) gets more said after it, each from its own templates: a time
check (with the weather when the facts have it), a promo of the next show,
then a station liner, as long as the budget allows. Nothing is said that is
not in the facts, and no upcoming track is ever named (17 U.S.C. 114(d)(2)(C)(ii)).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from onair.agents.errors import GenerationFailed
from onair.agents.facts import Facts, Script, ScriptRequest
from onair.agents.templates import LANGUAGES, ScriptLanguage, language_for
from onair.agents.templates.base import join_names
from onair.domain.segments import SegmentKind

__all__ = ["RulesGenerator"]

_GROUP = re.compile(r"\[([^\]]*)\]")
_PLACEHOLDER = re.compile(r"\{(\w+)\}")
_SENTENCE_START = re.compile(r"(^|\.\s+)([^\W\d_])")

Values = Mapping[str, str | tuple[str, ...]]


class RulesGenerator:
    """Writes scripts from per-language templates; no model, no network, no randomness."""

    name = "rules"

    def write(self, request: ScriptRequest) -> Script:
        """A script for the request within ``max_words``.

        Raises ``GenerationFailed`` for a language without templates, facts
        the kind needs but does not have, or a budget too small for any script.
        """
        facts = request.facts
        language = language_for(facts.language)
        if language is None:
            have = ", ".join(sorted(LANGUAGES))
            raise GenerationFailed(
                f"no rules templates for language {facts.language!r} (there are: {have})"
            )
        _require_facts(request.kind, facts)
        situation = _situation(request.kind, facts)
        values = _values(facts, language)
        options = [_renderings(t, values) for t in language.templates[situation]]
        options = [o for o in options if o]
        if not options:
            raise GenerationFailed(
                f"no {request.kind} template in {language.code!r} fits the facts given"
            )
        start = request.seed % len(options)
        text = _pick(options, start, request.max_words)
        if text is None:
            shortest = min(_words(t) for o in options for t in o)
            raise GenerationFailed(
                f"the shortest {request.kind} script in {language.code!r} runs "
                f"{shortest} words; the slot allows {request.max_words}"
            )
        if request.min_words:
            text = _longer(text, request, language, values, situation)
        else:
            for _ in range(request.attempt):
                shorter = _pick(options, start, _words(text) - 1)
                if shorter is None:
                    break
                text = shorter
        return Script(text=text, generator=self.name)


# What a script that falls short of its slot may go on to say, in this order.
_MORE = ("time_weather", "show_promo", "liner")


def _longer(
    text: str, request: ScriptRequest, language: ScriptLanguage, values: Values, situation: str
) -> str:
    """``text`` and more, each from another situation's templates, up to ``min_words``."""
    for extra in _MORE:
        if _words(text) >= request.min_words:
            break
        if extra == situation:
            continue
        options = [o for o in (_renderings(t, values) for t in language.templates[extra]) if o]
        room = request.max_words - _words(text)
        more = _pick(options, request.seed % len(options), room) if options else None
        if more is not None:
            text = f"{text} {more}"
    return text


def _require_facts(kind: SegmentKind, facts: Facts) -> None:
    if kind is SegmentKind.SHOW_PROMO and facts.show is None:
        raise GenerationFailed("a show promo needs a show to promote (facts.show is empty)")
    if kind is SegmentKind.FEED and not facts.headlines:
        raise GenerationFailed("a feed segment needs headlines (facts.headlines is empty)")


def _situation(kind: SegmentKind, facts: Facts) -> str:
    if kind is SegmentKind.VOICE_LINK:
        named = facts.previous is not None and facts.previous.title
        return "back_announce" if named else "talk_up"
    return str(kind)


def _values(facts: Facts, language: ScriptLanguage) -> dict[str, str | tuple[str, ...]]:
    """Each placeholder's words, said the language's way; a missing fact has no entry."""
    values: dict[str, str | tuple[str, ...]] = {
        "station": facts.station_name,
        "persona": facts.persona.name,
        "call": facts.call_letters,
        "community": facts.community,
        "time": language.say_time(facts.local_time),
        "clock": language.say_clock(facts.local_time),
    }
    if (previous := facts.previous) is not None and previous.title:
        values["prev_title"] = previous.title
        artist = previous.artist or join_names(previous.artists, language.and_word)
        optional = {"prev_artist": artist, "prev_album": previous.album}
        values.update({k: v for k, v in optional.items() if v})
        if previous.year is not None:
            values["prev_year"] = str(previous.year)
    if facts.weather:
        values["weather"] = facts.weather.strip().rstrip(".")
    if (show := facts.show) is not None:
        values["show"] = show.name
        if show.hosts:
            values["hosts"] = join_names(show.hosts, language.and_word)
        if show.weekdays:
            values["days"] = language.say_days(show.weekdays)
        if show.start_hour is not None:
            values["show_time"] = language.say_show_time(show.start_hour)
    if facts.feed_name:
        values["feed_name"] = facts.feed_name
    headlines = tuple(h.strip().rstrip(".") for h in facts.headlines if h.strip())
    if headlines:
        values["headlines"] = headlines
    return values


def _renderings(template: str, values: Values) -> list[str]:
    """The template said in full, then with fewer headlines and optional groups.

    Empty when a fact it cannot do without is missing. Headlines are the
    content of a feed segment, so groups go before headlines do.
    """
    pieces = _GROUP.split(template)  # even: required text, odd: optional groups
    required = "".join(pieces[::2])
    if not _has_all(required, values):
        return []
    headlines = values.get("headlines", ())
    counts = range(len(headlines), 0, -1) if "{headlines}" in template else range(1, 0, -1)
    groups = [i for i in range(1, len(pieces), 2) if _has_all(pieces[i], values)]
    texts: list[str] = []
    for count in counts:
        for kept in range(len(groups), -1, -1):
            keep = set(groups[:kept])
            text = "".join(p for i, p in enumerate(pieces) if i % 2 == 0 or i in keep)
            texts.append(_fill(text, values, count))
    return texts


def _has_all(text: str, values: Values) -> bool:
    return all(name in values for name in _PLACEHOLDER.findall(text))


def _fill(text: str, values: Values, headline_count: int) -> str:
    def value(match: re.Match[str]) -> str:
        said = values[match.group(1)]
        return ". ".join(said[:headline_count]) if isinstance(said, tuple) else said

    text = _PLACEHOLDER.sub(value, text)
    text = re.sub(r"\s+", " ", text).strip()
    text = re.sub(r"\s+([,.])", r"\1", text)
    text = re.sub(r"([.!?])\.", r"\1", text)
    return _SENTENCE_START.sub(lambda m: m.group(1) + m.group(2).upper(), text)


def _pick(options: Sequence[Sequence[str]], start: int, budget: int) -> str | None:
    """The fullest rendering within budget, trying templates from ``start`` on."""
    for step in range(len(options)):
        for text in options[(start + step) % len(options)]:
            if _words(text) <= budget:
                return text
    return None


def _words(text: str) -> int:
    return len(text.split())
