"""What one language gives the rules generator and the legality checker.

A template is a sentence or two with ``{placeholders}`` for facts and
``[optional groups]``: a group is left out when a fact it needs is missing,
and groups are dropped from the last to fit a script into its word budget.
The placeholders are ``station``, ``persona``, ``call``, ``community``,
``prev_title``, ``prev_artist``, ``prev_album``, ``prev_year``, ``time`` (a
clause: "it's seven forty-five"), ``clock`` (the bare time), ``weather``,
``show``, ``hosts``, ``days``, ``show_time``, ``feed_name`` and ``headlines``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property

__all__ = ["SITUATIONS", "ScriptLanguage", "join_names", "word_list"]

# What a template speaks to: a voice link back-announces when a song just played
# and only talks up the station when none did.
SITUATIONS = (
    "back_announce",
    "talk_up",
    "show_promo",
    "station_id",
    "liner",
    "time_weather",
    "feed",
)

_PLACEHOLDER = re.compile(r"\{\w+\}")
_WORD = re.compile(r"[^\W\d_]+(?:['\u2019][^\W\d_]+)*")


def word_list(text: str) -> tuple[str, ...]:
    """Space-separated words as a tuple: long word lists stay readable as prose."""
    return tuple(text.split())


def join_names(names: Sequence[str], and_word: str) -> str:
    """``a``, ``a and b``, ``a, b and c``: a list as it is said."""
    if len(names) <= 1:
        return "".join(names)
    return f"{', '.join(names[:-1])} {and_word} {names[-1]}"


@dataclass(frozen=True)
class ScriptLanguage:
    """Templates, numbers, time and the words a script in this language may use."""

    code: str
    templates: Mapping[str, tuple[str, ...]]
    say_number: Callable[[int], str]  # 0..100 as spoken, e.g. "forty-five"
    say_time: Callable[[datetime], str]  # a clause: "it's seven forty-five"
    say_clock: Callable[[datetime], str]  # the bare time: "seven forty-five"
    say_show_time: Callable[[int], str]  # a show's start hour: "8 PM"
    say_days: Callable[[tuple[str, ...]], str]  # ("mon", "fri") -> "every Monday and Friday"
    and_word: str
    weekdays: tuple[str, ...]  # Monday first
    months: tuple[str, ...]
    # Other spoken forms of numbers (feminine, regional): phrase -> value.
    number_variants: Mapping[str, int] = field(default_factory=dict)
    # Number words that are far more often something else (an article, a pronoun):
    # counting them as numbers would refuse ordinary sentences.
    not_numbers: frozenset[str] = frozenset()
    # Words a script may capitalise mid-sentence besides the facts and the templates.
    vocabulary: frozenset[str] = frozenset()
    # Everyday words: a one-word title or artist that is one of these is only
    # taken as named when it is written as a name (see legality).
    common_words: frozenset[str] = frozenset()

    @cached_property
    def number_words(self) -> dict[str, int]:
        """Every spoken form of 0..100 this language knows, phrase -> value."""
        words = {self.say_number(n): n for n in range(101)}
        words.update(self.number_variants)
        return words

    @cached_property
    def template_words(self) -> frozenset[str]:
        """Every word the templates themselves say."""
        text = " ".join(t for variants in self.templates.values() for t in variants)
        return frozenset(m.group().casefold() for m in _WORD.finditer(_PLACEHOLDER.sub(" ", text)))

    @cached_property
    def allowed_words(self) -> frozenset[str]:
        """Words (casefolded) a script may capitalise that are no name from the facts."""
        radio = ("AM", "PM", "FM", "DJ", "Celsius", "Fahrenheit")
        names = (*self.weekdays, *self.months, *self.vocabulary, *radio)
        return self.template_words | frozenset(n.casefold() for n in names)
