"""Portuguese: templates, numbers and time as said on air."""

from __future__ import annotations

from datetime import datetime

from onair.agents.templates.base import ScriptLanguage, join_names, word_list

__all__ = ["PORTUGUESE"]

_UP_TO_19 = word_list(
    "zero um dois três quatro cinco seis sete oito nove dez onze doze treze catorze "
    "quinze dezesseis dezessete dezoito dezenove"
)
_TENS = word_list("_ _ vinte trinta quarenta cinquenta sessenta setenta oitenta noventa")
_WEEKDAYS = (
    "segunda-feira",
    "terça-feira",
    "quarta-feira",
    "quinta-feira",
    "sexta-feira",
    "sábado",
    "domingo",
)
_ON_DAYS = ("às segundas", "às terças", "às quartas", "às quintas", "às sextas")
_DAY_KEYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def say_number(n: int) -> str:
    if n < 20:
        return _UP_TO_19[n]
    if n == 100:
        return "cem"
    tens, ones = divmod(n, 10)
    return _TENS[tens] + (f" e {_UP_TO_19[ones]}" if ones else "")


def _feminine(n: int) -> str:
    spoken = say_number(n)
    if spoken.endswith("um"):
        return spoken[:-2] + "uma"
    if spoken.endswith("dois"):
        return spoken[:-4] + "duas"
    return spoken


def _hour(hour: int) -> str:
    if hour == 0:
        return "meia-noite"
    if hour == 12:
        return "meio-dia"
    return f"{_feminine(hour)} {'hora' if hour == 1 else 'horas'}"


def _clock(at: datetime) -> str:
    return _hour(at.hour) + (f" e {say_number(at.minute)}" if at.minute else "")


def _time(at: datetime) -> str:
    return f"{'é' if at.hour in (0, 1, 12) else 'são'} {_clock(at)}"


def _show_time(hour: int) -> str:
    special = {0: "à meia-noite", 1: "à uma hora", 12: "ao meio-dia"}
    return special.get(hour, f"às {_hour(hour)}")


def _days(days: tuple[str, ...]) -> str:
    if set(days) == set(_DAY_KEYS):
        return "todos os dias"
    if set(days) == set(_DAY_KEYS[:5]):
        return "de segunda a sexta"
    on_days = (*_ON_DAYS, "aos sábados", "aos domingos")
    return join_names([on_days[_DAY_KEYS.index(d)] for d in _DAY_KEYS if d in days], "e")


_TEMPLATES: dict[str, tuple[str, ...]] = {
    "back_announce": (
        "Essa foi {prev_title}[ de {prev_artist}][, de {prev_year}]. "
        "[{persona} com você na {station}, e ]tem mais música logo a seguir.",
        "Você acabou de ouvir {prev_title}[ de {prev_artist}]. "
        "[Aqui é {persona} na {station}. ]Fique com a gente, vem mais música.",
        "{prev_title}[ de {prev_artist}][, do álbum {prev_album}], aqui na {station}. "
        "A música continua.",
        "[{persona} no microfone. ]Tocou {prev_title}[ de {prev_artist}]. "
        "Mais música daqui a pouco[ na {station}].",
        "{prev_title}[ de {prev_artist}]. Mais música já.",
    ),
    "talk_up": (
        "Você está ouvindo {station}[ com {persona}]. Mais música logo a seguir.",
        "[{persona} no microfone. ]Aqui é {station}, e tem muito mais música pela frente.",
        "{station}[, com {persona}]. Fique ligado, a música continua.",
        "Que bom ter você na {station}. [Eu sou {persona}, e ]a música continua já.",
        "{station}. Mais música já.",
    ),
    "show_promo": (
        "Não perca {show}[ com {hosts}][, {days}][ {show_time}], só na {station}.",
        "Em breve na {station}: {show}[, {days}][ {show_time}][, com {hosts}].",
        "{show}[ com {hosts}] está na {station}[ {days}][ {show_time}]. Anote aí.",
        "Marque na agenda: {show}[ {show_time}][, {days}]. [Com {hosts}. ]Aqui na {station}.",
    ),
    "station_id": (
        "{call}, {community}[. {station}].",
        "Você está na {call} {community}[, {station}].",
        "Esta é a {call}, {community}.[ {station}, a sua música o dia todo.]",
        "{call} {community}[. Você está ouvindo {station}].",
    ),
    "liner": (
        "{station}. A música que você ama, o dia todo.",
        "{station}, a trilha sonora do seu dia.",
        "[{persona} no microfone. ]{station}: mais música, menos conversa.",
        "Bom astral o dia todo. Esta é a {station}.",
    ),
    "time_weather": (
        "{time} na {station}.[ Lá fora, {weather}.]",
        "Na {station}, a hora certa: {clock}.[ O tempo: {weather}.]",
        "{time}[, e o tempo: {weather}]. [Aqui é {persona} na {station}.]",
        "Hora certa na {station}: {clock}[. Agora, {weather}].",
    ),
    "feed": (
        "[Da {feed_name}: ]{headlines}.",
        "As manchetes[ da {feed_name}]. {headlines}. [Mais depois na {station}.]",
        "[{persona} com {feed_name}. ]{headlines}.",
        "As últimas[ da {feed_name}] na {station}: {headlines}.",
    ),
}

PORTUGUESE = ScriptLanguage(
    code="pt",
    templates=_TEMPLATES,
    say_number=say_number,
    say_time=_time,
    say_clock=_clock,
    say_show_time=_show_time,
    say_days=_days,
    and_word="e",
    weekdays=_WEEKDAYS,
    months=word_list(
        "janeiro fevereiro março abril maio junho julho agosto setembro outubro novembro dezembro"
    ),
    number_variants={
        "quatorze": 14,
        "dezasseis": 16,
        "dezassete": 17,
        "dezanove": 19,
        "duas": 2,
        **{_feminine(n): n for n in (21, 22, 31, 32, 41, 42, 51, 52)},
    },
    # "um"/"uma" are articles: "um sucesso", "uma canção".
    not_numbers=frozenset({"um", "uma"}),
    common_words=frozenset(
        word_list(
            "o a os as um uma e ou de do da dos das em no na com por para sem que quem eu "
            "tu você ele ela nós eles me te se meu teu seu minha é são era amor coração "
            "vida noite dia mundo sol lua céu mar fogo tempo sempre nunca hoje amanhã "
            "ontem dança música canção rádio olá saudade"
        )
    ),
)
