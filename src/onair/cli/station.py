"""``onair station``: apply a station file, export the program in force, show it briefly."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from onair import bootstrap
from onair.cli.access import shell_user
from onair.cli.console import err, fail, out, write_out
from onair.cli.errors import operator_errors
from onair.cli.options import ConfigOpt, DataDirOpt, JsonOpt, OutputOpt, StationOpt
from onair.cli.stores import settings_from
from onair.domain.programming import (
    WEEKDAYS,
    AppliedProgram,
    InvalidProgram,
    StationProgram,
    hour_ranges,
    weekdays_of,
)
from onair.scheduler.station_file import (
    StationFileInvalid,
    dump_station_file,
    load_station_file,
    placed_problems,
)

__all__ = ["station_app"]

station_app = typer.Typer(
    help="The station's programming: categories, clocks, grid and rules.", no_args_is_help=True
)


@station_app.command("apply")
def apply(
    file: Annotated[Path, typer.Argument(help="The station file (YAML).")],
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Only check the file; store nothing.")
    ] = False,
    config: ConfigOpt = None,
    data_dir: DataDirOpt = None,
) -> None:
    """Check a whole station file and store it as the station's next program version."""
    with operator_errors():
        try:
            program = load_station_file(file)
        except StationFileInvalid as exc:
            for line in exc.lines:
                _say(err, line)
            count = f"{len(exc.lines)} problem{'s' if len(exc.lines) > 1 else ''}"
            fail(f"{count} in {file}: nothing applied", 1)
        counts = f"{len(program.categories)} categories, {len(program.clocks)} clocks"
        if dry_run:
            _say(out, f"station {program.id}: {file} is valid ({counts}); dry run, nothing stored")
            return
        with bootstrap.open_stores(settings_from(config, data_dir=data_dir)) as stores:
            try:
                applied = stores.scheduler().apply(program, str(file.resolve()), shell_user())
            except InvalidProgram as exc:  # a playlist it names that the station lacks
                for line in placed_problems(file.read_bytes(), file, exc.problems):
                    _say(err, line)
                fail(f"{len(exc.problems)} problem(s) in {file}: nothing applied", 1)
    _say(out, f"station {program.id}: version {applied.version} applied ({counts})")


def _say(console: Console, line: str) -> None:
    """One line as it is: no markup, no colouring, never wrapped."""
    console.print(line, markup=False, highlight=False, soft_wrap=True)


def _current(config: Path | None, data_dir: Path | None, station: str | None) -> AppliedProgram:
    settings = settings_from(config, data_dir=data_dir)
    with bootstrap.open_programs(settings) as programs:
        return programs.current(station or settings.station)


@station_app.command("export")
def export(
    station: StationOpt = None,
    output: OutputOpt = None,
    config: ConfigOpt = None,
    data_dir: DataDirOpt = None,
) -> None:
    """The program in force as a station file (YAML), ready to edit and apply again."""
    with operator_errors():
        applied = _current(config, data_dir, station)
    text = (
        f"# Version {applied.version}, applied {applied.applied_at:%Y-%m-%d %H:%M:%S} UTC"
        f" from {applied.source}.\n" + dump_station_file(applied.program)
    )
    write_out(text, output)
    if output is not None:
        _say(err, f"station {applied.program.id}: version {applied.version} written to {output}")


@station_app.command("show")
def show(
    station: StationOpt = None,
    config: ConfigOpt = None,
    data_dir: DataDirOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """The program in force in brief: categories, clocks and the week's clocks hour by hour."""
    with operator_errors():
        view = program_view(_current(config, data_dir, station))
    if as_json:
        out.print_json(json.dumps(view))
        return
    applied_at = view["applied_at"][:19].replace("T", " ")
    _say(
        out,
        f"station {view['station']}: {view['name']} ({view['call_letters']}, {view['timezone']}),"
        f" version {view['version']} applied {applied_at} UTC from {view['source']}",
    )
    for table in _tables(view):
        out.print(table)


def _tables(view: dict[str, Any]) -> list[Table]:
    categories = Table("category", "type", "draws from", title="categories")
    for c in view["categories"]:
        planned = f"planned {c['planned_s']:g} s" if c["planned_s"] else ""
        if c["playlist"]:
            planned = f"playlist {c['playlist']}"
        categories.add_row(c["name"], c["type"], ", ".join(c["kinds"]) or planned)
    clocks = Table("clock", "slots", "hard posts", "estimated length", title="clocks")
    for c in view["clocks"]:
        clocks.add_row(c["name"], str(c["slots"]), str(c["hard"]), c["length"])
    week = Table("days", "hours and clocks", title="the week (station time)")
    for row in view["week"]:
        week.add_row(row["days"], ", ".join(f"{r['hours']} {r['clock']}" for r in row["runs"]))
    for day, runs in view["overrides"].items():
        week.add_row(day, ", ".join(f"{r['hours']} {r['clock']}" for r in runs))
    return [categories, clocks, week]


def program_view(applied: AppliedProgram) -> dict[str, Any]:
    """What ``station show`` prints, as plain JSON-ready data."""
    program = applied.program
    return {
        "station": program.id,
        "name": program.name,
        "call_letters": program.call_letters,
        "timezone": program.timezone,
        "version": applied.version,
        "applied_at": applied.applied_at.isoformat(),
        "source": applied.source,
        "categories": [
            {
                "name": name,
                "type": str(c.type),
                "kinds": sorted(str(k) for k in c.asset_kinds),
                "planned_s": c.planned_s,
                "playlist": c.playlist,
            }
            for name, c in program.categories.items()
        ],
        "clocks": [_clock_view(program, name) for name in program.clocks],
        "week": _week_view(program),
        "overrides": {
            str(day): _runs(hour_ranges(hours)) for day, hours in program.overrides.items()
        },
        "rules": [
            {"rule": r.name, "enabled": r.enabled, "breakable": r.breakable}
            for r in program.rules.rules
        ],
    }


def _clock_view(program: StationProgram, name: str) -> dict[str, Any]:
    clock = program.clocks[name]
    length = program.estimated_length_s(clock)
    minutes, seconds = divmod(round(length), 60)
    return {
        "name": name,
        "slots": len(clock.slots),
        "hard": sum(1 for s in clock.slots if s.hard),
        "length_s": length,
        "length": f"{minutes}:{seconds:02d}",
    }


def _week_view(program: StationProgram) -> list[dict[str, Any]]:
    """Each run of weekdays with the same clocks, with those clocks' hour ranges."""
    week: dict[str, dict[int, str]] = {}
    for days, hours in program.grid.items():
        for day in weekdays_of(days):
            week.setdefault(day, {}).update(hour_ranges(hours))
    rows: list[dict[str, Any]] = []
    for day in WEEKDAYS:
        runs = _runs(week.get(day, {}))
        if rows and rows[-1]["runs"] == runs:
            rows[-1]["last"] = day
        else:
            rows.append({"first": day, "last": day, "runs": runs})
    return [
        {
            "days": r["first"] if r["first"] == r["last"] else f"{r['first']}-{r['last']}",
            "runs": r["runs"],
        }
        for r in rows
    ]


def _runs(hours: dict[int, str]) -> list[dict[str, str]]:
    """``{0: "a", 1: "a", 2: "b"}`` as ``00-02 a`` and ``02-03 b``."""
    runs: list[tuple[int, int, str]] = []
    for hour in sorted(hours):
        if runs and runs[-1][1] == hour and runs[-1][2] == hours[hour]:
            runs[-1] = (runs[-1][0], hour + 1, hours[hour])
        else:
            runs.append((hour, hour + 1, hours[hour]))
    return [{"hours": f"{start:02d}-{end:02d}", "clock": clock} for start, end, clock in runs]
