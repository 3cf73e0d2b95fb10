"""Station files: the YAML a program director keeps under version control.

Every problem in a file becomes one ``FILE:LINE: message`` line, the line being
the deepest part of the file the problem's path reaches, so an operator can go
straight to it. YAML 1.2 is read, so ``12:30`` stays text.

A file is held to the limits below before anything is built from it, so a
huge file, a deep nest or aliases that repeat each other (a "billion laughs")
are refused in one line instead of eating the machine's memory.
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq, TaggedScalar
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.events import (
    AliasEvent,
    CollectionEndEvent,
    Event,
    MappingStartEvent,
    ScalarEvent,
    SequenceStartEvent,
)
from ruamel.yaml.scalarbool import ScalarBoolean
from ruamel.yaml.scalarstring import DoubleQuotedScalarString

from onair.domain.errors import DomainError
from onair.domain.program_check import program_from
from onair.domain.programming import InvalidProgram, ProgramProblem, StationProgram

__all__ = [
    "MAX_DEPTH",
    "MAX_ENTRIES",
    "MAX_FILE_BYTES",
    "MAX_TEXT",
    "MAX_VALUES",
    "StationFileInvalid",
    "dump_station_file",
    "load_station_file",
    "parse_station_file",
    "placed_problems",
]

MAX_FILE_BYTES = 1_000_000
MAX_DEPTH = 20  # lists and mappings inside each other
MAX_ENTRIES = 10_000  # items of one list, keys of one mapping
MAX_TEXT = 1_000  # characters of one key or value
MAX_VALUES = 200_000  # keys, values and collections, each alias counted as all it repeats

_FLOW_WIDTH = 80  # a mapping or list written on one line when about this short
_MISSING = object()


class StationFileInvalid(DomainError):
    """A station file that cannot be applied; ``lines`` holds one ``FILE:LINE: message`` each."""

    def __init__(self, lines: list[str]) -> None:
        super().__init__("\n".join(lines))
        self.lines = lines


def load_station_file(path: Path | str) -> StationProgram:
    """Read and validate a whole station file; raise :class:`StationFileInvalid` on any problem."""
    path = Path(path)
    return _validated(path, _read(path))


def parse_station_file(raw: bytes, name: str) -> StationProgram:
    """A station file sent rather than read from disk (an upload), held to the same checks;
    ``name`` stands for the file's path in the problem lines."""
    return _validated(Path(name), _parse(Path(name), raw))


def _validated(path: Path, document: Any) -> StationProgram:
    try:
        return program_from(_plain(document))
    except InvalidProgram as exc:
        raise StationFileInvalid(_problem_lines(path, document, exc.problems)) from None


def _one(path: Path, line: int, message: str) -> StationFileInvalid:
    return StationFileInvalid([f"{path}:{line}: {message}"])


def _read(path: Path) -> Any:
    if path.exists() and not path.is_file():  # a folder, a pipe that would block, a device
        raise _one(path, 1, "not a regular file: give the station file's path")
    try:
        with path.open("rb") as file:
            raw = file.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        raise _one(path, 1, f"cannot read the file ({exc.strerror}): check the path") from None
    return _parse(path, raw)


def _parse(path: Path, raw: bytes) -> Any:
    if len(raw) > MAX_FILE_BYTES:
        raise _one(
            path, 1, f"the file is over {MAX_FILE_BYTES:,} bytes, far more than a station"
            " needs: check that this is the station file"
        )  # fmt: skip
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        raise _one(path, line, "the file is not UTF-8 text: save it as UTF-8") from None
    try:
        _within_limits(path, YAML(typ="rt").parse(text))
        return YAML(typ="rt").load(text)
    except MarkedYAMLError as exc:
        raise _yaml_error(path, text, exc) from None
    except YAMLError as exc:
        raise _one(path, 1, f"not valid YAML ({exc}): fix the file") from None


def _yaml_error(path: Path, text: str, exc: MarkedYAMLError) -> StationFileInvalid:
    mark, context = exc.problem_mark or exc.context_mark, exc.context_mark
    what = exc.problem or exc.context or "unreadable"
    last = max(1, len(text.splitlines()))  # an unclosed bracket is marked past the end
    line = min(mark.line + 1, last) if mark else 1
    if exc.context and context and context.line + 1 != line:
        what += f" {exc.context} started on line {context.line + 1}"
    return _one(path, line, f"not valid YAML ({what}): check the indentation, colons and quotes")


_NODE_EVENTS = (ScalarEvent, AliasEvent, MappingStartEvent, SequenceStartEvent)


@dataclass
class _Open:
    """A list or mapping the parser is inside."""

    anchor: str | None
    values_before: int
    line: int
    most: int  # events it may hold: a mapping's keys and values both count
    held: int = 0


def _within_limits(path: Path, events: Iterator[Event]) -> None:
    """Walk the parser's events and refuse a file beyond the limits, before it is built."""
    sizes: dict[str | None, int] = {}  # an anchor's values, its own aliases expanded
    nest: list[_Open] = []
    values = 0
    for event in events:
        line = event.start_mark.line + 1
        if nest and isinstance(event, _NODE_EVENTS):
            nest[-1].held += 1
            if nest[-1].held > nest[-1].most:
                why = f"a list or mapping of more than {MAX_ENTRIES:,} entries"
                raise _one(path, nest[-1].line, f"{why}: a station file holds far fewer")
        if isinstance(event, AliasEvent):
            if any(inside.anchor == event.anchor for inside in nest):
                why = f"the alias *{event.anchor} is inside its own anchor"
                raise _one(path, line, f"{why}: a value cannot contain itself")
            values += sizes.get(event.anchor, 1)
        elif isinstance(event, ScalarEvent):
            values += 1
            sizes[event.anchor] = 1
            if len(event.value) > MAX_TEXT:
                why = f"a value of {len(event.value):,} characters"
                raise _one(path, line, f"{why}: keys and values are at most {MAX_TEXT:,}")
        elif isinstance(event, MappingStartEvent | SequenceStartEvent):
            values += 1
            most = MAX_ENTRIES * (2 if isinstance(event, MappingStartEvent) else 1)
            nest.append(_Open(event.anchor, values - 1, line, most))
            if len(nest) > MAX_DEPTH:
                why = f"lists and mappings nested more than {MAX_DEPTH} deep"
                raise _one(path, line, f"{why}: a station file needs far fewer")
        elif isinstance(event, CollectionEndEvent):
            closed = nest.pop()
            sizes[closed.anchor] = values - closed.values_before
        if values > MAX_VALUES:
            why = f"the file comes to more than {MAX_VALUES:,} values with its aliases repeated"
            raise _one(path, line, f"{why}: write it without aliases that repeat each other")


def _key(key: object) -> str:
    # Every key of a station file is a name (category, clock, day, hours, date, rule).
    return key.isoformat() if isinstance(key, date) else str(key)


def _plain(node: object) -> object:
    """ruamel's commented, tagged and scalar types as plain dict, list, str, int, float, bool."""
    if isinstance(node, dict):
        return {_key(k): _plain(v) for k, v in node.items()}
    if isinstance(node, list | tuple | set):
        return [_plain(v) for v in node]
    if isinstance(node, TaggedScalar):
        return node.value
    if isinstance(node, ScalarBoolean | bool):
        return bool(node)
    if isinstance(node, int):
        return int(node)
    if isinstance(node, float):
        return float(node)
    if isinstance(node, str):
        return str(node)
    if isinstance(node, date):
        return node.isoformat()
    return node


def placed_problems(raw: bytes, name: Path | str, problems: list[ProgramProblem]) -> list[str]:
    """``problems`` found after the file was read (a playlist it names that the station
    does not have) as ``FILE:LINE: message`` lines of the file ``raw`` holds."""
    return _problem_lines(Path(name), _parse(Path(name), raw), problems)


def _problem_lines(path: Path, document: object, problems: list[ProgramProblem]) -> list[str]:
    placed = sorted(((_line_of(document, p.path), p.message) for p in problems), key=lambda p: p[0])
    return [f"{path}:{line}: {message}" for line, message in placed]


def _line_of(document: object, where: tuple[str | int, ...]) -> int:
    """The 1-based line of the deepest node ``where`` reaches (a missing key: its parent's)."""
    node = document
    line = node.lc.line if isinstance(node, CommentedMap | CommentedSeq) else 0
    for step in where:
        if isinstance(node, CommentedMap):
            key = next((k for k in node if _key(k) == str(step)), _MISSING)
            if key is _MISSING:
                break
            # A key merged in from an anchor has no line of its own here.
            line = node.lc.data[key][0] if key in node.lc.data else line
            node = node[key]
        elif isinstance(node, CommentedSeq) and isinstance(step, int) and 0 <= step < len(node):
            line, node = node.lc.item(step)[0], node[step]
        else:
            break
    return int(line) + 1


def dump_station_file(program: StationProgram) -> str:
    """The program as a readable station file; loading it gives the same program back."""
    document = _styled(_tidy(program.export()), depth=0)
    stream = io.StringIO()
    stream.write(
        f"# Station file of {program.name} ({program.id}), written by `onair station export`.\n"
        "# Apply it with `onair station apply FILE`; the format is in docs/station-file.md.\n"
    )
    yaml = YAML(typ="rt")
    yaml.indent(mapping=2, sequence=4, offset=2)
    yaml.width = 4096  # long lines stay whole rather than folding mid-value
    yaml.dump(document, stream)
    return stream.getvalue()


def _tidy(data: dict[str, Any]) -> dict[str, Any]:
    """Leave out what is empty by default, write slot times as minutes:seconds, sort sets."""
    for category in data["categories"].values():
        match = category["match"].items()
        category["match"] = {k: v if k == "years" else sorted(v) for k, v in match if v}
        _drop_empty(category, ("match", "planned_s", "rules"))
    for clock in data["clocks"].values():
        for slot in clock["slots"]:
            if slot["at"] is None:
                del slot["at"]
            else:
                slot["at"] = _minutes_seconds(slot["at"])
            if not slot["hard"]:
                del slot["hard"]
    for show in data["shows"]:
        _drop_empty(show, ("hosts", "times"))
    for rule in data["rules"]:
        for limit in rule.get("limits", []):
            limit["isrcs"], limit["artists"] = sorted(limit["isrcs"]), sorted(limit["artists"])
    return data


def _drop_empty(mapping: dict[str, Any], keys: tuple[str, ...]) -> None:
    for key in keys:
        if mapping[key] in (None, [], {}):
            del mapping[key]


def _minutes_seconds(seconds: float) -> str | float:
    """``840.0`` as ``"14:00"``; a time that text would not give back exactly stays a number."""
    minutes, rest = divmod(round(seconds * 1000), 60_000)
    whole, millis = divmod(rest, 1000)
    if minutes * 60 + whole + millis / 1000 != seconds:
        return seconds
    return f"{minutes:02d}:{whole:02d}" + (f".{millis:03d}" if millis else "")


_CLOCK_TEXT = re.compile(r"^\d+:\d")


def _styled(node: object, depth: int) -> object:
    """Block style for the sections, one line for each short mapping or list inside them."""
    if isinstance(node, dict | list):
        short = len(json.dumps(node).replace('"', "")) <= _FLOW_WIDTH
        styled: CommentedMap | CommentedSeq
        if isinstance(node, dict):
            styled = CommentedMap((k, _styled(v, depth + 1)) for k, v in node.items())
        else:
            styled = CommentedSeq(_styled(v, depth + 1) for v in node)
        if depth >= 2 and short:
            styled.fa.set_flow_style()
        else:
            styled.fa.set_block_style()
        return styled
    if isinstance(node, str) and _CLOCK_TEXT.match(node):
        return DoubleQuotedScalarString(node)  # YAML 1.1 readers would take 12:30 for a number
    return node
