"""French: templates, numbers and time as said on air."""

from __future__ import annotations

from datetime import datetime

from onair.agents.templates.base import ScriptLanguage, join_names, word_list

__all__ = ["FRENCH"]

_UP_TO_16 = word_list(
    "zéro un deux trois quatre cinq six sept huit neuf dix onze douze treize quatorze quinze seize"
)
_TENS = word_list("_ _ vingt trente quarante cinquante soixante")
_WEEKDAYS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")
_DAY_KEYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def _below_20(n: int) -> str:
    return _UP_TO_16[n] if n <= 16 else f"dix-{_UP_TO_16[n - 10]}"


def say_number(n: int) -> str:
    if n < 20:
        return _below_20(n)
    if n == 100:
        return "cent"
    if n >= 80:
        rest = n - 80
        return "quatre-vingts" if rest == 0 else f"quatre-vingt-{_below_20(rest)}"
    if n >= 60:
        tens, rest = "soixante", n - 60
    else:
        tens, rest = _TENS[n // 10], n % 10
    if rest == 0:
        return tens
    if rest in (1, 11):
        return f"{tens} et {_below_20(rest)}"
    return f"{tens}-{_below_20(rest)}"


def _hour(hour: int) -> str:
    if hour == 0:
        return "minuit"
    if hour == 12:
        return "midi"
    spoken = say_number(hour)
    spoken = spoken[:-2] + "une" if spoken.endswith("un") else spoken
    return f"{spoken} heure" if hour == 1 else f"{spoken} heures"


def _clock(at: datetime) -> str:
    return _hour(at.hour) + (f" {say_number(at.minute)}" if at.minute else "")


def _show_time(hour: int) -> str:
    return f"à {_hour(hour)}"


def _days(days: tuple[str, ...]) -> str:
    if set(days) == set(_DAY_KEYS):
        return "tous les jours"
    if set(days) == set(_DAY_KEYS[:5]):
        return "du lundi au vendredi"
    names = [f"le {_WEEKDAYS[_DAY_KEYS.index(d)]}" for d in _DAY_KEYS if d in days]
    return join_names(names, "et")


_TEMPLATES: dict[str, tuple[str, ...]] = {
    "back_announce": (
        "C'était {prev_title}[ de {prev_artist}][, sorti en {prev_year}]. "
        "[{persona} avec vous sur {station}, et ]la musique continue tout de suite.",
        "Vous venez d'écouter {prev_title}[ par {prev_artist}]. "
        "[C'est {persona} sur {station}. ]Restez avec nous, encore de la musique.",
        "{prev_title}[ de {prev_artist}][, sur l'album {prev_album}], ici sur {station}. "
        "La suite arrive.",
        "[{persona} au micro. ]On vient d'entendre {prev_title}[ de {prev_artist}]. "
        "Encore plus de musique juste après[ sur {station}].",
        "{prev_title}[ de {prev_artist}]. La musique continue.",
    ),
    "talk_up": (
        "Vous écoutez {station}[ avec {persona}]. La musique continue juste après.",
        "[{persona} au micro. ]Ici {station}, et il y a encore plein de musique.",
        "{station}[, avec {persona}]. Restez à l'écoute, la musique arrive.",
        "Merci d'être avec nous sur {station}. [Je suis {persona}, et ]la musique continue.",
        "{station}. La musique continue.",
    ),
    "show_promo": (
        "Ne manquez pas {show}[ avec {hosts}][, {days}][ {show_time}], seulement sur {station}.",
        "Bientôt sur {station} : {show}[, {days}][ {show_time}][, avec {hosts}].",
        "{show}[ avec {hosts}], c'est sur {station}[ {days}][ {show_time}]. Notez-le.",
        "Rendez-vous avec {show}[ {show_time}][, {days}]. "
        "[Aux commandes : {hosts}. ]Ici sur {station}.",
    ),
    "station_id": (
        "{call}, {community}[. {station}].",
        "Vous êtes sur {call} {community}[, {station}].",
        "Ici {call}, {community}.[ {station}, votre musique toute la journée.]",
        "{call} {community}[. Vous écoutez {station}].",
    ),
    "liner": (
        "{station}. La musique que vous aimez, toute la journée.",
        "{station}, la bande-son de votre journée.",
        "[{persona} au micro. ]{station} : plus de musique, moins de blabla.",
        "Bonne humeur toute la journée. C'est {station}.",
    ),
    "time_weather": (
        "{time} sur {station}.[ Dehors, {weather}.]",
        "Sur {station}, l'heure : {clock}.[ La météo : {weather}.]",
        "{time}[, et la météo : {weather}]. [C'est {persona} sur {station}.]",
        "L'heure sur {station} : {clock}[. En ce moment, {weather}].",
    ),
    "feed": (
        "[De {feed_name} : ]{headlines}.",
        "Les titres[ de {feed_name}]. {headlines}. [La suite plus tard sur {station}.]",
        "[{persona} avec {feed_name}. ]{headlines}.",
        "Les dernières infos[ de {feed_name}] sur {station} : {headlines}.",
    ),
}

FRENCH = ScriptLanguage(
    code="fr",
    templates=_TEMPLATES,
    say_number=say_number,
    say_time=lambda at: f"il est {_clock(at)}",
    say_clock=_clock,
    say_show_time=_show_time,
    say_days=_days,
    and_word="et",
    weekdays=_WEEKDAYS,
    months=word_list(
        "janvier février mars avril mai juin juillet août septembre octobre novembre décembre"
    ),
    number_variants={
        "une": 1,
        **{f"{t} et une": n * 10 + 1 for n, t in enumerate(_TENS) if n >= 2},
        "septante": 70,
        "huitante": 80,
        "nonante": 90,
    },
    # "un"/"une" are articles; "neuf" is as often "new" ("quoi de neuf").
    not_numbers=frozenset({"un", "une", "neuf"}),
    common_words=frozenset(
        word_list(
            "le la les un une et ou de du des en dans sur avec pour par sans que qui je tu "
            "il elle on nous vous ils me te se mon ton son ma ta sa est sont était amour "
            "coeur cœur vie nuit jour monde soleil ciel mer feu temps toujours jamais "
            "aujourd'hui demain hier danse musique chanson radio bonjour salut"
        )
    ),
)
