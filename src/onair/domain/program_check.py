"""Validating a whole station file at once: every problem found, each with its place.

``station apply`` shows one line per problem (file, line, what to do) and applies
nothing of a file with any problem.
"""

from __future__ import annotations

from pydantic import ValidationError

from onair.domain.programming import (
    HOUR_S,
    NAME_PATTERN,
    WEEKDAYS,
    Category,
    Clock,
    InvalidProgram,
    ItemKind,
    Path,
    ProgramProblem,
    RuleBook,
    StationProgram,
    hour_ranges,
    weekdays_of,
)
from onair.domain.rules import RULE_TYPES, Rule

__all__ = ["program_from"]


def _problem(path: Path, message: str) -> ProgramProblem:
    return ProgramProblem(path=path, message=message)


_RULES_BY_NAME = {t.name: t for t in RULE_TYPES}


def _rule_book(listed: object, problems: list[ProgramProblem]) -> RuleBook:
    """The listed rules in their order; those not listed follow with their defaults."""
    if not isinstance(listed, list):
        problems.append(_problem(("rules",), "rules must be a list"))
        return RuleBook(rules=tuple(t() for t in RULE_TYPES))
    ordered: list[Rule] = []
    for index, entry in enumerate(listed):
        where: Path = ("rules", index)
        fields = dict(entry) if isinstance(entry, dict) else {}
        name = fields.pop("rule", None)
        if not isinstance(name, str) or name not in _RULES_BY_NAME:
            known = ", ".join(_RULES_BY_NAME)
            problems.append(_problem(where, f"unknown rule {name!r}: use one of {known}"))
            continue
        if any(r.name == name for r in ordered):
            problems.append(_problem(where, f"rule {name!r} is listed twice"))
            continue
        try:
            ordered.append(_RULES_BY_NAME[name].model_validate(fields))
        except ValidationError as exc:
            problems += _pydantic_problems(exc, where)
    named = {r.name for r in ordered}
    ordered += [t() for t in RULE_TYPES if t.name not in named]
    return RuleBook(rules=tuple(ordered))


# Stand-ins for top-level settings that failed, so the rest of the file is still checked.
_STAND_INS: dict[str, object] = {
    "id": "station", "name": "station", "timezone": "UTC", "call_letters": "XXXX",
    "community": "-", "territory": "US", "use": "non_interactive_webcast",
    "song_estimate_s": 210.0,
}  # fmt: skip


def program_from(data: object) -> StationProgram:
    """Validate a whole station file; raise :class:`InvalidProgram` listing every problem."""
    if not isinstance(data, dict):
        raise InvalidProgram([_problem((), "a station file is a mapping of station settings")])
    problems: list[ProgramProblem] = []
    fields = dict(data)
    fields["rules"] = _rule_book(fields.get("rules", []), problems)
    unreadable = set()
    for name in ("grid", "overrides"):
        found = _table_problems(name, fields.get(name, {}))
        if found:
            problems += found
            unreadable.add(name)
            fields[name] = {}
    try:
        program = StationProgram.model_validate(fields)
    except ValidationError as exc:
        problems += _pydantic_problems(exc, ())
        failed = {str(e["loc"][0]) for e in exc.errors() if e["loc"]}
        if not failed or not failed <= _STAND_INS.keys():
            raise InvalidProgram(problems) from None
        program = StationProgram.model_validate(fields | {k: _STAND_INS[k] for k in failed})
    problems += _cross_reference(program, check_grid="grid" not in unreadable)
    if problems:
        raise InvalidProgram(problems)
    return program


def _table_problems(name: str, table: object) -> list[ProgramProblem]:
    """Days and hour ranges that cannot be read, before the model trusts them."""
    if not isinstance(table, dict):
        return [_problem((name,), f"{name} must be a mapping")]
    problems: list[ProgramProblem] = []
    seen: set[str] = set()
    for key, hours in table.items():
        try:
            days = weekdays_of(str(key)) if name == "grid" else []
            again = sorted(set(days) & seen, key=WEEKDAYS.index)
            if again:
                raise ValueError(f"{', '.join(again)} given twice")
            seen.update(days)
            if not isinstance(hours, dict):
                raise ValueError('give hour ranges and clocks, e.g. {"06-10": morning}')
            hour_ranges({str(h): str(c) for h, c in hours.items()})
        except ValueError as exc:
            problems.append(_problem((name, str(key)), f"{name} {key}: {exc}"))
    return problems


def _cross_reference(program: StationProgram, *, check_grid: bool) -> list[ProgramProblem]:
    grid = _grid_problems(program) if check_grid else []
    return [*_category_problems(program), *_clock_problems(program), *grid,
            *_voice_problems(program), *_traffic_problems(program)]  # fmt: skip


def _category_problems(program: StationProgram) -> list[ProgramProblem]:
    problems: list[ProgramProblem] = []
    for name, category in program.categories.items():
        where: Path = ("categories", name)
        if not NAME_PATTERN.match(name):
            problems.append(_problem(where, f"category {name!r}: use a-z, 0-9, '-' or '_'"))
        problems += _playlist_category_problems(name, category)
        if (
            not category.draws_from_library
            and category.planned_s is None
            and category.type is not ItemKind.PLAYLIST
        ):
            what = f"category {name!r} ({category.type})"
            problems.append(_problem(where, f"{what} needs planned_s, its planned length"))
        for rule_name in category.rules:
            here = (*where, "rules", rule_name)
            if rule_name not in _RULES_BY_NAME:
                problems.append(_problem(here, f"category {name!r}: unknown rule {rule_name!r}"))
                continue
            try:
                program.rules.for_category(rule_name, category)
            except ValidationError as exc:
                problems += _pydantic_problems(exc, here)
    return problems


def _playlist_category_problems(name: str, category: Category) -> list[ProgramProblem]:
    where: Path = ("categories", name, "playlist")
    if category.type is ItemKind.PLAYLIST and category.playlist is None:
        return [_problem(where, f"category {name!r} (playlist) needs playlist, the playlist's"
                                " name")]  # fmt: skip
    if category.type is not ItemKind.PLAYLIST and category.playlist is not None:
        return [_problem(where, f"category {name!r} ({category.type}) airs no playlist:"
                                " give it type playlist, or remove playlist")]  # fmt: skip
    if category.playlist is not None and not NAME_PATTERN.match(category.playlist):
        return [_problem(where, f"category {name!r}: playlist {category.playlist!r} is not a"
                                " playlist name: use a-z, 0-9, '-' or '_'")]  # fmt: skip
    return []


def _playlist_slot_problems(
    program: StationProgram, name: str, clock: Clock
) -> list[ProgramProblem]:
    """A playlist airs from where its stretch (the items up to the next hard slot) starts,
    after only events: its items' instants are then known before the songs are chosen."""
    problems: list[ProgramProblem] = []
    music_before = False
    for index, slot in enumerate(clock.slots):
        kind = program.categories[slot.category].type
        if slot.hard:
            music_before = False
        if kind is ItemKind.MUSIC:
            music_before = True
        elif kind is ItemKind.PLAYLIST and music_before:
            problems.append(_problem(
                ("clocks", name, "slots", index),
                f"clock {name!r}: the playlist slot {slot.category!r} comes after a music slot:"
                " put it before the music slots that follow the hard slot (or the top of"
                " the hour) before it",
            ))  # fmt: skip
    return problems


def _voice_problems(program: StationProgram) -> list[ProgramProblem]:
    """The agents' settings against the categories they name."""
    problems: list[ProgramProblem] = []
    imaging = program.voice.imaging_category
    if imaging is not None and imaging not in program.categories:
        message = f"voice.imaging_category {imaging!r} is not a category: define it in categories"
        problems.append(_problem(("voice", "imaging_category"), message))
    for name, category in program.categories.items():
        if category.agent is not None and category.type is ItemKind.MUSIC:
            message = f"category {name!r}: a music category cannot be voiced by an agent"
            problems.append(_problem(("categories", name, "agent"), message))
    return problems


# What each part of a spot break may be made of.
_TRAFFIC_TYPES = {
    "open": (ItemKind.ID, ItemKind.JINGLE, ItemKind.PROMO),
    "close": (ItemKind.ID, ItemKind.JINGLE, ItemKind.PROMO),
    "promo": (ItemKind.PROMO,),
    "fill": (ItemKind.FILL,),
}


def _traffic_problems(program: StationProgram) -> list[ProgramProblem]:
    """The traffic section's categories: defined, and of a type that can make up a break."""
    problems: list[ProgramProblem] = []
    for index, name in enumerate(program.traffic.breaks):
        category = program.categories.get(name)
        if category is None or category.type is not ItemKind.SPOT or category.planned_s is None:
            message = (f"traffic.breaks {name!r} is not a spot category with planned_s:"
                       " name the station's spot breaks")  # fmt: skip
            problems.append(_problem(("traffic", "breaks", index), message))
    for part, types in _TRAFFIC_TYPES.items():
        name = getattr(program.traffic, part)
        if name is None:
            continue
        category = program.categories.get(name)
        where: Path = ("traffic", part)
        if category is None:
            message = f"traffic.{part} {name!r} is not a category: define it in categories"
            problems.append(_problem(where, message))
        elif category.type not in types or not category.draws_from_library:
            kinds = ", ".join(t.value for t in types)
            message = f"traffic.{part} {name!r} is a {category.type} category: use one of {kinds}"
            problems.append(_problem(where, message))
    return problems


def _clock_problems(program: StationProgram) -> list[ProgramProblem]:
    problems: list[ProgramProblem] = []
    for name, clock in program.clocks.items():
        unknown = [
            (index, slot.category)
            for index, slot in enumerate(clock.slots)
            if slot.category not in program.categories
        ]
        for index, category in unknown:
            message = f"clock {name!r}: unknown category {category!r}: define it in categories"
            problems.append(_problem(("clocks", name, "slots", index), message))
        length = 0.0 if unknown else program.estimated_length_s(clock)
        if length > HOUR_S:
            minutes, seconds = divmod(round(length), 60)
            problems.append(
                _problem(
                    ("clocks", name),
                    f"clock {name!r} runs about {minutes}:{seconds:02d} against a 60:00 hour:"
                    " remove slots or shorten planned lengths",
                )
            )
        if not unknown:
            problems += _legal_id_problems(program, name, clock)
            problems += _playlist_slot_problems(program, name, clock)
    return problems


def _legal_id_problems(program: StationProgram, name: str, clock: Clock) -> list[ProgramProblem]:
    """47 CFR 73.1201: every hour's clock has the legal ID, near enough the top of the hour."""
    legal = program.rules.get("legal_id")
    if not legal.enabled:
        return []
    window_s = legal.params()["window_minutes"] * 60
    elapsed = 0.0
    for index, slot in enumerate(clock.slots):
        category = program.categories[slot.category]
        at = slot.at_s if slot.at_s is not None else elapsed
        if category.type is ItemKind.ID:
            if min(at, HOUR_S - at) <= window_s:
                return []
            minutes, seconds = divmod(round(at), 60)
            return [
                _problem(
                    ("clocks", name, "slots", index),
                    f"clock {name!r}: the legal ID would air about {minutes}:{seconds:02d} past"
                    f" the hour, outside the {window_s / 60:g}-minute window: move it to the top",
                )
            ]
        elapsed = at + (
            program.song_estimate_s
            if category.type is ItemKind.MUSIC
            else category.planned_s or 0.0
        )
    return [
        _problem(
            ("clocks", name),
            f"clock {name!r} has no legal ID (47 CFR 73.1201): add a slot of an id category",
        )
    ]


def _grid_problems(program: StationProgram) -> list[ProgramProblem]:
    problems: list[ProgramProblem] = []
    for day in WEEKDAYS:
        missing = [h for h in range(24) if not program.has_clock(day, h)]
        if missing:
            hours = ", ".join(f"{h:02d}" for h in missing)
            message = f"grid: {day} hours {hours} have no clock: give every hour a clock"
            problems.append(_problem(("grid",), message))
    for table in ("grid", "overrides"):
        entries: dict[object, dict[str, str]] = getattr(program, table)
        for key, spans in entries.items():
            for span, clock in spans.items():
                if clock not in program.clocks:
                    message = f"{table} {key} {span}: unknown clock {clock!r}: define it in clocks"
                    problems.append(_problem((table, str(key), span), message))
    return problems


def _pydantic_problems(exc: ValidationError, prefix: Path) -> list[ProgramProblem]:
    problems = []
    for error in exc.errors():
        loc = tuple(p for p in error["loc"] if not str(p).startswith("function-"))
        where = ".".join(str(p) for p in (*prefix, *loc))
        message = str(error["msg"]).removeprefix("Value error, ")
        problems.append(
            ProgramProblem(
                path=(*prefix, *loc), message=f"{where}: {message}" if where else message
            )
        )
    return problems
