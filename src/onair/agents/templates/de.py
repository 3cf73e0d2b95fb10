"""German: templates, numbers and time as said on air."""

from __future__ import annotations

from datetime import datetime

from onair.agents.templates.base import ScriptLanguage, join_names, word_list

__all__ = ["GERMAN"]

_UP_TO_19 = word_list(
    "null eins zwei drei vier fünf sechs sieben acht neun zehn elf zwölf dreizehn "
    "vierzehn fünfzehn sechzehn siebzehn achtzehn neunzehn"
)
_TENS = word_list("_ _ zwanzig dreißig vierzig fünfzig sechzig siebzig achtzig neunzig")
_WEEKDAYS = ("Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag", "Samstag", "Sonntag")
_DAY_KEYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def say_number(n: int) -> str:
    if n < 20:
        return _UP_TO_19[n]
    if n == 100:
        return "hundert"
    tens, ones = divmod(n, 10)
    if ones == 0:
        return _TENS[tens]
    return f"{'ein' if ones == 1 else _UP_TO_19[ones]}und{_TENS[tens]}"


def _hour(hour: int) -> str:
    return "ein" if hour == 1 else say_number(hour)


def _clock(at: datetime) -> str:
    return f"{_hour(at.hour)} Uhr" + (f" {say_number(at.minute)}" if at.minute else "")


def _days(days: tuple[str, ...]) -> str:
    if set(days) == set(_DAY_KEYS):
        return "jeden Tag"
    if set(days) == set(_DAY_KEYS[:5]):
        return "montags bis freitags"
    names = [f"{_WEEKDAYS[_DAY_KEYS.index(d)].lower()}s" for d in _DAY_KEYS if d in days]
    return join_names(names, "und")


_TEMPLATES: dict[str, tuple[str, ...]] = {
    "back_announce": (
        "Das war {prev_title}[ von {prev_artist}][ aus dem Jahr {prev_year}]. "
        "[{persona} mit Ihnen auf {station}, und ]gleich geht es mit Musik weiter.",
        "Gerade gehört: {prev_title}[ von {prev_artist}]. "
        "[Hier ist {persona} auf {station}. ]Bleiben Sie dran, es gibt noch mehr Musik.",
        "{prev_title}[ von {prev_artist}][, vom Album {prev_album}], hier auf {station}. "
        "Gleich geht es weiter.",
        "[{persona} am Mikrofon. ]Das eben war {prev_title}[ von {prev_artist}]. "
        "Gleich noch mehr Musik[ auf {station}].",
        "{prev_title}[ von {prev_artist}]. Gleich mehr Musik.",
    ),
    "talk_up": (
        "Sie hören {station}[ mit {persona}]. Gleich geht es mit Musik weiter.",
        "[{persona} am Mikrofon. ]Das ist {station}, und es gibt noch jede Menge Musik.",
        "{station}[, mit {persona}]. Bleiben Sie dran, die Musik geht weiter.",
        "Schön, dass Sie {station} hören. [Ich bin {persona}, und ]gleich gibt es mehr Musik.",
        "{station}. Gleich mehr Musik.",
    ),
    "show_promo": (
        "Verpassen Sie nicht {show}[ mit {hosts}][, {days}][ {show_time}], nur auf {station}.",
        "Demnächst auf {station}: {show}[, {days}][ {show_time}][, mit {hosts}].",
        "{show}[ mit {hosts}] läuft auf {station}[ {days}][ {show_time}]. Nicht vergessen.",
        "Merken Sie sich {show}[ {show_time}][, {days}]. "
        "[Am Mikrofon: {hosts}. ]Hier auf {station}.",
    ),
    "station_id": (
        "{call}, {community}[. {station}].",
        "Sie hören {call} {community}[, {station}].",
        "Hier ist {call}, {community}.[ {station}, Ihre Musik den ganzen Tag.]",
        "{call} {community}[. Das ist {station}].",
    ),
    "liner": (
        "{station}. Die Musik, die Sie lieben, den ganzen Tag.",
        "{station}, der Soundtrack für Ihren Tag.",
        "[{persona} am Mikrofon. ]{station}: mehr Musik, weniger Gerede.",
        "Gute Laune den ganzen Tag. Das ist {station}.",
    ),
    "time_weather": (
        "{time} auf {station}.[ Draußen: {weather}.]",
        "Auf {station} ist es jetzt {clock}.[ Das Wetter: {weather}.]",
        "{time}[, und das Wetter: {weather}]. [Hier ist {persona} auf {station}.]",
        "Die Uhrzeit: {clock}[. Gerade draußen: {weather}][, hier auf {station}].",
    ),
    "feed": (
        "[Von {feed_name}: ]{headlines}.",
        "Die Schlagzeilen[ von {feed_name}]. {headlines}. [Mehr später auf {station}.]",
        "[{persona} mit {feed_name}. ]{headlines}.",
        "Das Neueste[ von {feed_name}] auf {station}: {headlines}.",
    ),
}

GERMAN = ScriptLanguage(
    code="de",
    templates=_TEMPLATES,
    say_number=say_number,
    say_time=lambda at: f"es ist {_clock(at)}",
    say_clock=_clock,
    say_show_time=lambda hour: f"um {_hour(hour)} Uhr",
    say_days=_days,
    and_word="und",
    weekdays=_WEEKDAYS,
    months=word_list(
        "Januar Februar März April Mai Juni Juli August September Oktober November Dezember"
    ),
    number_variants={"einhundert": 100},
    # Articles: "ein Hit", "eine Stunde".
    not_numbers=frozenset({"ein", "eine"}),
    # German capitalises every noun: the everyday ones of a radio script are no names.
    vocabulary=frozenset(
        word_list(
            "Wetter Grad Regen Sonne Wolken Schnee Wind Gewitter Nebel Temperatur Temperaturen "
            "Nachrichten Verkehr Stau Uhr Minute Minuten Stunde Stunden Morgen Mittag Abend "
            "Nacht Tag Tage Woche Wochenende Jahr Jahre Zeit Sendung Sender Radio Programm "
            "Studio Song Songs Lied Lieder Titel Hit Hits Album Band Sängerin Sänger Künstler "
            "Musik Moment Leute Hörer Hörerinnen Grüße Spaß Freude Sommer Winter Frühling "
            "Herbst Sie Ihnen Ihr Ihre Ihren"
        )
    ),
    common_words=frozenset(
        word_list(
            "der die das ein eine und oder von zu mit auf in im an für ist sind war ich du "
            "er sie es wir ihr mein dein sein liebe herz leben nacht tag welt sonne himmel "
            "meer feuer zeit immer nie heute morgen gestern tanz musik lied radio hallo"
        )
    ),
)
