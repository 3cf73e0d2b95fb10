"""English: templates, numbers and time as said on air."""

from __future__ import annotations

from datetime import datetime

from onair.agents.templates.base import ScriptLanguage, join_names, word_list

__all__ = ["ENGLISH"]

_ONES = word_list(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen "
    "fourteen fifteen sixteen seventeen eighteen nineteen"
)
_TENS = word_list("_ _ twenty thirty forty fifty sixty seventy eighty ninety")
_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_DAY_KEYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def say_number(n: int) -> str:
    if n < 20:
        return _ONES[n]
    if n == 100:
        return "one hundred"
    tens, ones = divmod(n, 10)
    return _TENS[tens] + (f"-{_ONES[ones]}" if ones else "")


def _clock(at: datetime) -> str:
    hour = say_number(at.hour % 12 or 12)
    if at.minute == 0:
        return f"{hour} o'clock"
    if at.minute < 10:
        return f"{hour} oh {say_number(at.minute)}"
    return f"{hour} {say_number(at.minute)}"


def _show_time(hour: int) -> str:
    return f"{hour % 12 or 12} {'AM' if hour < 12 else 'PM'}"


def _days(days: tuple[str, ...]) -> str:
    if set(days) == set(_DAY_KEYS):
        return "every day"
    if set(days) == set(_DAY_KEYS[:5]):
        return "weekdays"
    names = [_WEEKDAYS[_DAY_KEYS.index(d)] for d in _DAY_KEYS if d in days]
    return "every " + join_names(names, "and")


_TEMPLATES: dict[str, tuple[str, ...]] = {
    "back_announce": (
        "That was {prev_title}[ by {prev_artist}][ from {prev_year}]. "
        "[{persona} with you on {station}, and ]more music is right after this.",
        "You just heard {prev_title}[ from {prev_artist}]. "
        "[It's {persona} on {station}. ]Stay with us, there's more music on the way.",
        "{prev_title}[ by {prev_artist}][, off {prev_album}], here on {station}. "
        "More music coming up.",
        "[{persona} here. ]That one was {prev_title}[ by {prev_artist}]. "
        "Plenty more music straight ahead[ on {station}].",
        "{prev_title}[ by {prev_artist}]. More music next.",
    ),
    "talk_up": (
        "You're listening to {station}[ with {persona}]. More music is right after this.",
        "[{persona} here. ]This is {station}, and there's plenty more music on the way.",
        "{station}[, with {persona}]. Stay tuned, more music is coming up.",
        "Good to have you with us on {station}. "
        "[I'm {persona}, and ]the music keeps going right after this.",
        "{station}. More music next.",
    ),
    "show_promo": (
        "Don't miss {show}[ with {hosts}][, {days}][ at {show_time}], only on {station}.",
        "Coming up on {station}: {show}[, {days}][ at {show_time}][, hosted by {hosts}].",
        "{show}[ with {hosts}] is on {station}[ {days}][ at {show_time}]. Make a date.",
        "Mark your calendar for {show}[ at {show_time}][, {days}]. "
        "[Your hosts: {hosts}. ]Right here on {station}.",
    ),
    "station_id": (
        "{call}, {community}[. {station}].",
        "You're tuned to {call} {community}[, {station}].",
        "This is {call}, {community}.[ {station}, your music all day long.]",
        "{call} {community}[. You're listening to {station}].",
    ),
    "liner": (
        "{station}. The music you love, all day long.",
        "{station}, the soundtrack to your day.",
        "[{persona} here. ]{station}: more music, less talk.",
        "Feel good, all day. This is {station}.",
    ),
    "time_weather": (
        "{time} on {station}.[ Outside, {weather}.]",
        "On {station} the time is {clock}.[ The weather: {weather}.]",
        "{time}[, and the weather is {weather}]. [This is {persona} on {station}.]",
        "Time check: {clock}[. Right now, {weather}][, here on {station}].",
    ),
    "feed": (
        "[From {feed_name}: ]{headlines}.",
        "Here are the headlines[ from {feed_name}]. {headlines}. [More later on {station}.]",
        "[{persona} with {feed_name}. ]{headlines}.",
        "The latest[ from {feed_name}] on {station}: {headlines}.",
    ),
}

ENGLISH = ScriptLanguage(
    code="en",
    templates=_TEMPLATES,
    say_number=say_number,
    say_time=lambda at: f"it's {_clock(at)}",
    say_clock=_clock,
    say_show_time=_show_time,
    say_days=_days,
    and_word="and",
    weekdays=_WEEKDAYS,
    months=word_list(
        "January February March April May June July August September October November December"
    ),
    number_variants={"a hundred": 100, "hundred": 100},
    # "one" is far more often a pronoun ("the one", "one of my favourites") than a count.
    not_numbers=frozenset({"one"}),
    vocabulary=frozenset({"I", "I'm", "I'll", "I've", "I'd", "OK", "Mr", "Mrs", "Ms", "Dr"}),
    common_words=frozenset(
        word_list(
            "a an the and or but if of to in on at by for with from up down out over under "
            "again more most some any all no not only own same so than too very can will "
            "just now here there when where why how what who this that these those i me my "
            "we our you your he him his she her it its they them their is are was were be "
            "been being have has had do does did go going gone come coming home love baby "
            "heart night day time life world girl boy man woman yesterday today tomorrow "
            "forever happy sad dance run stay hello goodbye yes help angel dreams dream "
            "music song radio fire rain sun summer winter light dark free wild high low "
            "alone together crazy sorry please thanks friends lonely money one two three"
        )
    ),
)
