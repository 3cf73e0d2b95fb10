"""Station files: every problem a line of its own, at the line an operator must fix."""

from __future__ import annotations

from datetime import date, time
from importlib.resources import files
from pathlib import Path

import pytest

from onair.domain.rules import SafeHarbor
from onair.scheduler.station_file import (
    StationFileInvalid,
    dump_station_file,
    load_station_file,
)

DEMO = Path(str(files("onair.scheduler") / "demo_station.yaml"))

STATION = """\
# A small station for tests.
id: ktest
name: Test FM
timezone: America/Chicago
call_letters: KTST
community: Springfield, Illinois
categories:
  power: {type: music}
  legal_id: {type: id}
  spots: {type: spot, planned_s: 120}
clocks:
  hour:
    slots:
      - {category: legal_id, at: "00:00", hard: true}
      - {category: power}
      - {category: spots, at: "30:00"}
      - {category: power}
grid:
  mon-sat: {"00-24": hour}
  sun: {"00-24": hour}
rules:
  - {rule: usage_rights}
  - {rule: dmca_complement}
  - {rule: safe_harbor, start: "22:00", end: "06:00"}
  - {rule: artist_separation, minutes: 60}
"""


def _write(tmp_path: Path, text: str | bytes, name: str = "station.yaml") -> Path:
    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text)
    return path


def _changed(old: str, new: str) -> str:
    assert STATION.count(old) == 1, old
    return STATION.replace(old, new)


def _line(text: str, fragment: str) -> int:
    (number,) = [n for n, line in enumerate(text.splitlines(), 1) if fragment in line]
    return number


def _problems(path: Path) -> list[str]:
    with pytest.raises(StationFileInvalid) as caught:
        load_station_file(path)
    assert str(caught.value) == "\n".join(caught.value.lines)
    return caught.value.lines


def test_the_demo_station_file_loads() -> None:
    program = load_station_file(DEMO)
    assert (program.id, program.call_letters, program.timezone) == (
        "demo",
        "KONR",
        "America/Chicago",
    )
    assert set(program.clocks) == {"music_hour", "news_hour", "overnight"}
    assert program.clock_for(date(2026, 12, 21), 6) == "news_hour"  # a Monday morning
    assert program.clock_for(date(2026, 12, 25), 6) == "music_hour"  # Christmas override
    harbor = program.rules.get("safe_harbor")
    assert isinstance(harbor, SafeHarbor)
    assert (harbor.start, harbor.end) == (time(22), time(6))


def test_a_clean_file_loads(tmp_path: Path) -> None:
    program = load_station_file(_write(tmp_path, STATION))
    assert program.clocks["hour"].slots[2].at_s == 1800


@pytest.mark.parametrize(
    ("old", "new", "where", "says"),
    [
        pytest.param(
            '{category: spots, at: "30:00"}', '{category: ads, at: "30:00"}', "category: ads",
            "clock 'hour': unknown category 'ads': define it in categories", id="unknown-category",
        ),
        pytest.param(
            "spots: {type: spot, planned_s: 120}", "spots: {type: spot, planned_s: 3500}",
            "  hour:", "clock 'hour' runs about 65:20 against a 60:00 hour", id="clock-too-long",
        ),
        pytest.param(
            "{rule: dmca_complement}", "{rule: dmca_complement, album_max: 2, album_in_row: 3}",
            "dmca_complement", "an 'in_row' limit is above its window total", id="dmca-rows",
        ),
        pytest.param(
            "minutes: 60", "minutes: -5", "artist_separation",
            "rules.3.minutes: Input should be greater than or equal to 0", id="negative-minutes",
        ),
        pytest.param(
            'end: "06:00"', 'end: "22:00"', "safe_harbor",
            "start and end are the same", id="safe-harbor-empty",
        ),
        pytest.param(
            'sun: {"00-24": hour}', 'sun: {"00-23": hour}', "grid:",
            "grid: sun hours 23 have no clock: give every hour a clock", id="grid-hour-no-clock",
        ),
        pytest.param(
            "America/Chicago", "Mars/Olympus", "timezone:",
            "unknown timezone 'Mars/Olympus': use an IANA name", id="unknown-timezone",
        ),
        pytest.param(
            "artist_separation", "artist_spacing", "artist_spacing",
            "unknown rule 'artist_spacing': use one of usage_rights,", id="unknown-rule",
        ),
        pytest.param(
            "{rule: usage_rights}", "{rule: usage_rights, breakable: true}", "usage_rights",
            "usage_rights cannot be breakable: remove 'breakable: true'", id="breakable-rights",
        ),
    ],
)  # fmt: skip
def test_each_bad_input_is_one_line_at_its_place(
    tmp_path: Path, old: str, new: str, where: str, says: str
) -> None:
    text = _changed(old, new)
    path = _write(tmp_path, text)
    (line,) = _problems(path)
    prefix = f"{path}:{_line(text, where)}: "
    assert line.startswith(prefix), line
    assert says in line.removeprefix(prefix)


def test_a_problem_points_at_the_deepest_line_it_reaches(tmp_path: Path) -> None:
    text = _changed(
        "  - {rule: artist_separation, minutes: 60}\n",
        "  - rule: artist_separation\n    minutes: -5\n",
    )
    path = _write(tmp_path, text)
    (line,) = _problems(path)
    assert line.startswith(f"{path}:{_line(text, 'minutes: -5')}: rules.3.minutes:")


def test_a_missing_key_is_placed_at_its_parent(tmp_path: Path) -> None:
    slot = '{at: "10:00"}'
    text = _changed(
        "- {category: power}\n      - {category: spots", f"- {slot}\n      - {{category: spots"
    )
    path = _write(tmp_path, text)
    (line,) = _problems(path)
    assert line == f"{path}:{_line(text, slot)}: clocks.hour.slots.1.category: Field required"


def test_every_problem_in_a_file_gets_its_own_line_in_file_order(tmp_path: Path) -> None:
    text = (
        _changed("America/Chicago", "Mars/Olympus")
        .replace('{category: spots, at: "30:00"}', '{category: ads, at: "30:00"}')
        .replace("{rule: usage_rights}", "{rule: usage_rights, breakable: true}")
    )
    path = _write(tmp_path, text)
    lines = _problems(path)
    numbers = [int(line.split(":")[1]) for line in lines]
    assert numbers == [_line(text, "Mars"), _line(text, "category: ads"), _line(text, "usage")]
    assert all(line.startswith(f"{path}:") for line in lines)


@pytest.mark.parametrize(
    ("old", "new", "where", "says"),
    [
        ("community: Springfield, Illinois", "community: Springfield: Illinois", "community",
         "not valid YAML (mapping values are not allowed here)"),
        ("name: Test FM", "name: [Test FM", "timezone:",
         "not valid YAML (expected ',' or ']', but got ':' while parsing a flow sequence started"
         " on line 3)"),
        ("name: Test FM", "id: again", "id: again", "not valid YAML (found duplicate key"),
    ],
)  # fmt: skip
def test_a_yaml_syntax_error_is_one_line(
    tmp_path: Path, old: str, new: str, where: str, says: str
) -> None:
    text = _changed(old, new)
    path = _write(tmp_path, text)
    (line,) = _problems(path)
    assert line.startswith(f"{path}:{_line(text, where)}: {says}"), line


@pytest.mark.parametrize(
    ("content", "says"),
    [
        (b"- id: ktest\n", "1: a station file is a mapping of station settings"),
        (b"", "1: a station file is a mapping of station settings"),
        (b"id: ktest\nname: Caf\xe9 FM\n", "2: the file is not UTF-8 text: save it as UTF-8"),
    ],
)
def test_a_file_that_is_no_station_file_is_one_line(
    tmp_path: Path, content: bytes, says: str
) -> None:
    path = _write(tmp_path, content)
    assert _problems(path) == [f"{path}:{says}"]


def test_a_missing_file_is_one_line(tmp_path: Path) -> None:
    path = tmp_path / "nowhere.yaml"
    (line,) = _problems(path)
    assert line.startswith(f"{path}:1: cannot read the file (No such file or directory)")


def test_the_demo_file_dumps_and_loads_back_the_same_program(tmp_path: Path) -> None:
    program = load_station_file(DEMO)
    written = dump_station_file(program)
    assert written.startswith("# Station file of onair demo FM (demo)")
    assert '- {category: spots, at: "14:00"}' in written  # slots one per line, times as written
    assert load_station_file(_write(tmp_path, written)) == program
    assert dump_station_file(load_station_file(_write(tmp_path, written, "again.yaml"))) == written


def test_odd_times_and_daypart_limits_survive_a_round_trip(tmp_path: Path) -> None:
    text = _changed('at: "30:00"', 'at: "30:00.25"') + (
        "  - rule: daypart_limits\n"
        "    limits: [{artists: [Zed, Abe], isrcs: [USX9P2600001], start: '20:00', end: '24:00'}]\n"
    )
    program = load_station_file(_write(tmp_path, text))
    written = dump_station_file(program)
    assert 'at: "30:00.250"' in written
    assert load_station_file(_write(tmp_path, written, "dumped.yaml")) == program
