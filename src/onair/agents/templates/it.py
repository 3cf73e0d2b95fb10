"""Italian: templates, numbers and time as said on air."""

from __future__ import annotations

from datetime import datetime

from onair.agents.templates.base import ScriptLanguage, join_names, word_list

__all__ = ["ITALIAN"]

_UP_TO_19 = word_list(
    "zero uno due tre quattro cinque sei sette otto nove dieci undici dodici tredici "
    "quattordici quindici sedici diciassette diciotto diciannove"
)
_TENS = word_list("_ _ venti trenta quaranta cinquanta sessanta settanta ottanta novanta")
_WEEKDAYS = ("lunedì", "martedì", "mercoledì", "giovedì", "venerdì", "sabato", "domenica")
_DAY_KEYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def say_number(n: int) -> str:
    if n < 20:
        return _UP_TO_19[n]
    if n == 100:
        return "cento"
    tens, ones = divmod(n, 10)
    if ones == 0:
        return _TENS[tens]
    stem = _TENS[tens][:-1] if ones in (1, 8) else _TENS[tens]
    return stem + ("tré" if ones == 3 else _UP_TO_19[ones])


def _clock(at: datetime) -> str:
    hour = {0: "mezzanotte", 1: "l'una", 12: "mezzogiorno"}.get(at.hour)
    spoken = hour or f"le {say_number(at.hour)}"
    return spoken + (f" e {say_number(at.minute)}" if at.minute else "")


def _time(at: datetime) -> str:
    return f"{'è' if at.hour in (0, 1, 12) else 'sono'} {_clock(at)}"


def _show_time(hour: int) -> str:
    special = {0: "a mezzanotte", 1: "all'una", 12: "a mezzogiorno"}
    return special.get(hour, f"alle {say_number(hour)}")


def _days(days: tuple[str, ...]) -> str:
    if set(days) == set(_DAY_KEYS):
        return "ogni giorno"
    if set(days) == set(_DAY_KEYS[:5]):
        return "dal lunedì al venerdì"
    names = [_WEEKDAYS[_DAY_KEYS.index(d)] for d in _DAY_KEYS if d in days]
    return "ogni " + join_names(names, "e")


_TEMPLATES: dict[str, tuple[str, ...]] = {
    "back_announce": (
        "Era {prev_title}[ di {prev_artist}][, dal {prev_year}]. "
        "[{persona} con voi su {station}, e ]tra poco altra musica.",
        "Avete appena ascoltato {prev_title}[ di {prev_artist}]. "
        "[Sono {persona} su {station}. ]Restate con noi, arriva altra musica.",
        "{prev_title}[ di {prev_artist}][, dall'album {prev_album}], qui su {station}. "
        "La musica continua.",
        "[{persona} al microfono. ]Abbiamo ascoltato {prev_title}[ di {prev_artist}]. "
        "Ancora musica tra un attimo[ su {station}].",
        "{prev_title}[ di {prev_artist}]. Altra musica tra poco.",
    ),
    "talk_up": (
        "State ascoltando {station}[ con {persona}]. Tra poco altra musica.",
        "[{persona} al microfono. ]Questa è {station}, e c'è ancora tanta musica.",
        "{station}[, con {persona}]. Restate sintonizzati, la musica continua.",
        "Che bello avervi su {station}. [Sono {persona}, e ]la musica riparte subito.",
        "{station}. Altra musica tra poco.",
    ),
    "show_promo": (
        "Non perdete {show}[ con {hosts}][, {days}][ {show_time}], solo su {station}.",
        "Prossimamente su {station}: {show}[, {days}][ {show_time}][, con {hosts}].",
        "{show}[ con {hosts}] è su {station}[ {days}][ {show_time}]. Segnatevelo.",
        "Appuntamento con {show}[ {show_time}][, {days}]. [Con voi {hosts}. ]Qui su {station}.",
    ),
    "station_id": (
        "{call}, {community}[. {station}].",
        "Siete sintonizzati su {call} {community}[, {station}].",
        "Questa è {call}, {community}.[ {station}, la vostra musica tutto il giorno.]",
        "{call} {community}[. State ascoltando {station}].",
    ),
    "liner": (
        "{station}. La musica che amate, tutto il giorno.",
        "{station}, la colonna sonora della vostra giornata.",
        "[{persona} al microfono. ]{station}: più musica, meno chiacchiere.",
        "Buonumore tutto il giorno. Questa è {station}.",
    ),
    "time_weather": (
        "{time} su {station}.[ Fuori, {weather}.]",
        "Su {station}, l'ora esatta: {clock}.[ Il meteo: {weather}.]",
        "{time}[, e il meteo: {weather}]. [Sono {persona} su {station}.]",
        "L'ora su {station}: {clock}[. In questo momento, {weather}].",
    ),
    "feed": (
        "[Da {feed_name}: ]{headlines}.",
        "I titoli[ di {feed_name}]. {headlines}. [Altre notizie più tardi su {station}.]",
        "[{persona} con {feed_name}. ]{headlines}.",
        "Le ultime[ da {feed_name}] su {station}: {headlines}.",
    ),
}

ITALIAN = ScriptLanguage(
    code="it",
    templates=_TEMPLATES,
    say_number=say_number,
    say_time=_time,
    say_clock=_clock,
    say_show_time=_show_time,
    say_days=_days,
    and_word="e",
    weekdays=_WEEKDAYS,
    months=word_list(
        "gennaio febbraio marzo aprile maggio giugno luglio agosto settembre ottobre "
        "novembre dicembre"
    ),
    # "un"/"una"/"uno" are articles; "sei" is as often "you are".
    not_numbers=frozenset({"un", "una", "uno", "sei"}),
    common_words=frozenset(
        word_list(
            "il lo la i gli le un una e o di da del della in con su per tra che chi io tu "
            "lui lei noi voi loro mi ti si mio tuo suo è sono era amore cuore vita notte "
            "giorno mondo sole luna cielo mare fuoco tempo sempre mai oggi domani ieri "
            "ballo musica canzone radio ciao"
        )
    ),
)
