"""Spanish: templates, numbers and time as said on air."""

from __future__ import annotations

from datetime import datetime

from onair.agents.templates.base import ScriptLanguage, join_names, word_list

__all__ = ["SPANISH"]

_UP_TO_29 = word_list(
    "cero uno dos tres cuatro cinco seis siete ocho nueve diez once doce trece catorce "
    "quince dieciséis diecisiete dieciocho diecinueve veinte veintiuno veintidós veintitrés "
    "veinticuatro veinticinco veintiséis veintisiete veintiocho veintinueve"
)
_TENS = word_list("_ _ _ treinta cuarenta cincuenta sesenta setenta ochenta noventa")
_WEEKDAYS = ("lunes", "martes", "miércoles", "jueves", "viernes", "sábado", "domingo")
_DAY_KEYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def say_number(n: int) -> str:
    if n < 30:
        return _UP_TO_29[n]
    if n == 100:
        return "cien"
    tens, ones = divmod(n, 10)
    return _TENS[tens] + (f" y {_UP_TO_29[ones]}" if ones else "")


def _hour(hour: int) -> str:
    return {1: "una", 21: "veintiuna"}.get(hour) or say_number(hour)


def _clock(at: datetime) -> str:
    hour = at.hour % 12 or 12
    article = "la" if hour == 1 else "las"
    minutes = f"y {say_number(at.minute)}" if at.minute else "en punto"
    return f"{article} {_hour(hour)} {minutes}"


def _time(at: datetime) -> str:
    return f"{'es' if at.hour % 12 == 1 else 'son'} {_clock(at)}"


def _show_time(hour: int) -> str:
    if hour == 0:
        return "a medianoche"
    return f"a la {_hour(hour)}" if hour == 1 else f"a las {_hour(hour)}"


def _days(days: tuple[str, ...]) -> str:
    if set(days) == set(_DAY_KEYS):
        return "todos los días"
    if set(days) == set(_DAY_KEYS[:5]):
        return "de lunes a viernes"
    names = [_WEEKDAYS[_DAY_KEYS.index(d)] for d in _DAY_KEYS if d in days]
    plural = [n + "s" if n.endswith("o") else n for n in names]
    return "los " + join_names(plural, "y")


_TEMPLATES: dict[str, tuple[str, ...]] = {
    "back_announce": (
        "Eso fue {prev_title}[ de {prev_artist}][, del año {prev_year}]. "
        "[{persona} contigo en {station}, y ]hay más música enseguida.",
        "Acabas de escuchar {prev_title}[ de {prev_artist}]. "
        "[Soy {persona} en {station}. ]No te vayas, viene más música.",
        "{prev_title}[ de {prev_artist}][, del disco {prev_album}], aquí en {station}. "
        "Sigue la música.",
        "[{persona} por aquí. ]Sonó {prev_title}[ de {prev_artist}]. "
        "Más música en un momento[ en {station}].",
        "{prev_title}[ de {prev_artist}]. Sigue la música.",
    ),
    "talk_up": (
        "Estás escuchando {station}[ con {persona}]. Más música enseguida.",
        "[{persona} por aquí. ]Esto es {station}, y viene mucha más música.",
        "{station}[, con {persona}]. Quédate, la música sigue.",
        "Qué bueno tenerte en {station}. [Soy {persona}, y ]la música continúa enseguida.",
        "{station}. Más música enseguida.",
    ),
    "show_promo": (
        "No te pierdas {show}[ con {hosts}][, {days}][ {show_time}], solo en {station}.",
        "Próximamente en {station}: {show}[, {days}][ {show_time}][, con {hosts}].",
        "{show}[ con {hosts}] está en {station}[ {days}][ {show_time}]. Anótalo.",
        "Apunta en tu agenda {show}[ {show_time}][, {days}]. "
        "[Te acompañan {hosts}. ]Aquí en {station}.",
    ),
    "station_id": (
        "{call}, {community}[. {station}].",
        "Estás en {call} {community}[, {station}].",
        "Esto es {call}, {community}.[ {station}, tu música todo el día.]",
        "{call} {community}[. Escuchas {station}].",
    ),
    "liner": (
        "{station}. La música que te gusta, todo el día.",
        "{station}, la banda sonora de tu día.",
        "[{persona} por aquí. ]{station}: más música, menos palabras.",
        "Buena vibra todo el día. Esto es {station}.",
    ),
    "time_weather": (
        "{time} en {station}.[ Afuera, {weather}.]",
        "En {station}, la hora: {clock}.[ El tiempo: {weather}.]",
        "{time}[, y el tiempo: {weather}]. [Soy {persona} en {station}.]",
        "Hora de {station}: {clock}[. Ahora mismo, {weather}].",
    ),
    "feed": (
        "[Desde {feed_name}: ]{headlines}.",
        "Los titulares[ de {feed_name}]. {headlines}. [Más después en {station}.]",
        "[{persona} con {feed_name}. ]{headlines}.",
        "Lo último[ de {feed_name}] en {station}: {headlines}.",
    ),
}

SPANISH = ScriptLanguage(
    code="es",
    templates=_TEMPLATES,
    say_number=say_number,
    say_time=_time,
    say_clock=_clock,
    say_show_time=_show_time,
    say_days=_days,
    and_word="y",
    weekdays=_WEEKDAYS,
    months=word_list(
        "enero febrero marzo abril mayo junio julio agosto septiembre octubre noviembre diciembre"
    ),
    number_variants={"veintiuna": 21, "veintiún": 21, "ciento": 100},
    # Articles and pronouns: "un momento", "una canción", "uno de los mejores".
    not_numbers=frozenset({"un", "una", "uno"}),
    common_words=frozenset(
        word_list(
            "el la los las un una y o de del en con por para sin sobre que como cuando "
            "donde yo tu te mi me nos se su sus es son fue era amor corazón vida noche día "
            "mundo sol luna cielo mar fuego tiempo casa siempre nunca hoy mañana ayer "
            "baila bailar quiero volver música canción radio hola adiós"
        )
    ),
)
