"""``onair schedule``: build, show, explain, verify, export and lock a station's hours."""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table
from rich.text import Text

from onair import bootstrap
from onair.cli.access import shell_user
from onair.cli.console import err, fail, out, write_out
from onair.cli.errors import operator_errors
from onair.cli.options import ConfigOpt, DataDirOpt, JsonOpt, OutputOpt, StationOpt
from onair.cli.station_time import station_day
from onair.cli.stores import settings_from
from onair.domain.programming import StationProgram
from onair.domain.schedule import HourPlan
from onair.observability import configure_logging
from onair.scheduler.local_hours import hours_between
from onair.scheduler.service import Scheduler
from onair.scheduler.verify import Violation

__all__ = ["schedule_app"]

schedule_app = typer.Typer(
    help="The station's schedule: build, check and export hours.", no_args_is_help=True
)


@schedule_app.callback()
def _logs_to_stderr() -> None:
    """Warnings as JSON lines on stderr: stdout carries only what the command prints."""
    configure_logging("warning", service="onair-schedule", stream=sys.stderr)


FromOpt = Annotated[
    str | None, typer.Option("--from", help="First station-local day, YYYY-MM-DD (default: today).")
]
_MAX_DAYS = 62


def _days_in_range(days: int) -> int:
    """One line for a --days out of range (Click's own error is a boxed usage message)."""
    if not 1 <= days <= _MAX_DAYS:
        fail(f"--days {days}: give 1 to {_MAX_DAYS} days", 2)
    return days


DaysOpt = Annotated[
    int, typer.Option("--days", callback=_days_in_range, help=f"How many days (1-{_MAX_DAYS}).")
]


def _day(text: str | None, program: StationProgram) -> date:
    if text is None:
        return datetime.now(program.zone).date()
    return station_day(text, "--from")


@contextmanager
def _scheduler_at(
    config: Path | None, data_dir: Path | None, station: str | None
) -> Iterator[tuple[Scheduler, str]]:
    """The scheduler over the options' database, and the station meant (the settings')."""
    settings = settings_from(config, data_dir=data_dir)
    with bootstrap.open_scheduler(settings) as scheduler:
        yield scheduler, station or settings.station


def _range(program: StationProgram, first: str | None, days: int) -> tuple[datetime, datetime]:
    hours = hours_between(_day(first, program), days, program.zone)
    return hours[0].start, hours[-1].end


@schedule_app.command("build")
def build(
    station: StationOpt = None,
    first: FromOpt = None,
    days: DaysOpt = 1,
    seed: Annotated[int, typer.Option(help="The same seed gives the same schedule.")] = 1,
    config: ConfigOpt = None,
    data_dir: DataDirOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Build the hours of DAYS days from --from; locked and aired hours are kept as they are."""
    with operator_errors():
        settings = settings_from(config, data_dir=data_dir)
        with bootstrap.open_stores(settings) as stores:
            name = station or settings.station
            program = stores.scheduler().program(name)
            began = time.perf_counter()
            first_day = _day(first, program)
            with err.status(Text(f"building {days} day(s) for {name}")):
                report = bootstrap.build_schedule(stores, name, first_day, days, seed, shell_user())
            seconds = time.perf_counter() - began
    summary = {
        "station": name,
        "hours": len(report.plans),
        "built": len(report.built),
        "kept": len(report.plans) - len(report.built),
        "items": sum(len(p.items) for p in report.built),
        "unscheduled": sum(len(p.unscheduled) for p in report.built),
        "relaxations": sum(len(p.relaxations) for p in report.built),
        "program_version": report.program_version,
        "build_s": round(seconds, 3),
    }
    if as_json:
        out.print_json(json.dumps(summary))
        return
    out.print(
        f"station {name}: {summary['built']} hours built, {summary['kept']} kept (locked or aired),"
        f" {summary['items']} items, {summary['unscheduled']} unscheduled,"
        f" {summary['relaxations']} relaxations in {seconds:.2f} s",
        highlight=False,
    )
    for plan in report.built:
        for unscheduled in plan.unscheduled:
            out.print(
                f"  unscheduled {plan.local_label} slot {unscheduled.slot}: {unscheduled.reason}",
                highlight=False,
            )


@schedule_app.command("show")
def show(
    station: StationOpt = None,
    first: FromOpt = None,
    days: DaysOpt = 1,
    config: ConfigOpt = None,
    data_dir: DataDirOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """The stored hours, item by item, in station time."""
    with operator_errors(), _scheduler_at(config, data_dir, station) as (scheduler, name):
        program = scheduler.program(name)
        start, end = _range(program, first, days)
        plans = scheduler.stored(name, start, end)
        export = scheduler.export(name, start, end, "json", plans)
    assert isinstance(export, dict)
    if as_json:
        out.print_json(json.dumps(export))
        return
    if not plans:
        err.print(
            f"no hours built for {name} from {start:%Y-%m-%d %H:%M} UTC: run 'onair schedule build'"
        )
        raise typer.Exit(1)
    for table in _hour_tables(program, plans, export):
        out.print(table)


def _hour_tables(
    program: StationProgram, plans: list[HourPlan], export: dict[str, Any]
) -> list[Table]:
    items = {i["id"]: i for i in export["items"]}
    tables = []
    for plan in plans:
        over = f"{plan.under_over_ms / 1000:+.1f} s"
        locked = "  locked" if plan.locked else ""
        title = f"{plan.local_label}  clock {plan.clock}  under/over {over}{locked}"
        table = Table("time", "kind", "category", "item", "length", "overlap", "id", title=title)
        for item in plan.items:
            view = items[item.id]
            asset = view["asset"] or {}
            what = f"{asset.get('artist') or ''} - {asset.get('title')}" if asset else "(planned)"
            flags = " hard" if item.hard else ""
            flags += (
                " relaxed: " + ", ".join(item.why.get("relaxed", []))
                if item.why.get("relaxed")
                else ""
            )
            table.add_row(
                f"{item.start.astimezone(program.zone):%H:%M:%S}",
                item.kind.value + flags,
                item.category,
                what,
                f"{item.duration_ms / 1000:.1f}",
                f"{item.overlap_next_ms / 1000:.1f}",
                item.id,
            )
        for unscheduled in plan.unscheduled:
            table.add_row("", "UNSCHEDULED", unscheduled.category, unscheduled.reason, "", "", "")
        tables.append(table)
    return tables


@schedule_app.command("explain")
def explain(
    item: Annotated[str, typer.Argument(help="A scheduled item's id (see 'schedule show').")],
    station: StationOpt = None,
    config: ConfigOpt = None,
    data_dir: DataDirOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Why this item: its place in rotation, and which candidates each rule rejected."""
    with operator_errors(), _scheduler_at(config, data_dir, station) as (scheduler, name):
        view = scheduler.explain(name, item)
    if as_json:
        out.print_json(json.dumps(view))
        return
    why = view["why"]
    asset = view["asset"] or {}
    place = "added to fill the time" if view["slot"] is None else f"slot {view['slot']}"
    out.print(
        f"{view['id']} at {view['start']}: {view['kind']} from {view['category']}, {place}",
        highlight=False,
    )
    if asset:
        out.print(
            f"  {asset.get('artist') or ''} - {asset['title']} ({asset['id']})", highlight=False
        )
    if "corrected" in why:
        fix = why["corrected"]
        out.print(
            f"  plan corrected: airs {fix['aired_ms'] / 1000:.1f} s of the "
            f"{fix['planned_ms'] / 1000:.1f} s planned, the items after it move "
            f"{fix['shift_ms'] / 1000:+.1f} s ({fix['reason']})",
            highlight=False,
        )
    if "rank" in why:
        out.print(
            f"  chosen at place {why['rank']} in rotation, {why['scanned']} candidates looked at",
            highlight=False,
        )
        for rule, count in sorted(why.get("rejected", {}).items(), key=lambda kv: -kv[1]):
            out.print(f"  {rule} rejected {count}", highlight=False)
            for _, example in why.get("examples", {}).get(rule, []):
                out.print(f"      e.g. {example}", highlight=False)
        if why.get("relaxed"):
            out.print(f"  relaxed: {', '.join(why['relaxed'])}", highlight=False)
        for note in why.get("one_album", []):  # the DMCA count, when the tags are unsure
            out.print(f"  {note}", highlight=False)
    else:
        out.print(f"  {json.dumps(why)}", highlight=False)


@schedule_app.command("verify")
def verify(
    station: StationOpt = None,
    first: FromOpt = None,
    days: DaysOpt = 1,
    config: ConfigOpt = None,
    data_dir: DataDirOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Re-check every rule on the stored hours from scratch; exit 1 when any is broken."""
    with operator_errors(), _scheduler_at(config, data_dir, station) as (scheduler, name):
        start, end = _range(scheduler.program(name), first, days)
        plans, violations = scheduler.verify(name, start, end)
    if as_json:
        out.print_json(
            json.dumps({"hours": len(plans), "violations": [_violation(v) for v in violations]})
        )
    else:
        for v in violations:
            where = v.item_id or "hour"
            note = " (recorded relaxation)" if v.relaxed else ""
            out.print(
                f"{v.hour:%Y-%m-%dT%H:%MZ} {where} {v.rule}: {v.message}{note}", highlight=False
            )
        out.print(f"{len(plans)} hours checked, {len(violations)} violations", highlight=False)
    if not plans:
        err.print(f"no hours built for {name} in that range: run 'onair schedule build'")
        raise typer.Exit(1)
    if violations:
        raise typer.Exit(1)


def _violation(v: Violation) -> dict[str, Any]:
    return {
        "hour": v.hour.isoformat(),
        "item_id": v.item_id,
        "rule": v.rule,
        "message": v.message,
        "relaxed": v.relaxed,
    }


@schedule_app.command("export")
def export(
    fmt: Annotated[str, typer.Option("--format", help="json or csv.")] = "json",
    station: StationOpt = None,
    first: FromOpt = None,
    days: DaysOpt = 1,
    output: OutputOpt = None,
    config: ConfigOpt = None,
    data_dir: DataDirOpt = None,
) -> None:
    """The stored hours as one JSON object (items, unscheduled, relaxations, rules) or CSV."""
    if fmt not in ("json", "csv"):
        fail(f"--format {fmt!r}: use json or csv", 2)
    with operator_errors(), _scheduler_at(config, data_dir, station) as (scheduler, name):
        start, end = _range(scheduler.program(name), first, days)
        exported = scheduler.export(name, start, end, fmt)
    text = exported if isinstance(exported, str) else json.dumps(exported, indent=1) + "\n"
    write_out(text, output)


@schedule_app.command("lock")
def lock(
    station: StationOpt = None,
    first: FromOpt = None,
    days: DaysOpt = 1,
    config: ConfigOpt = None,
    data_dir: DataDirOpt = None,
) -> None:
    """Lock the built hours of the range: later builds keep them as they are."""
    _set_locked(True, station, first, days, config, data_dir)


@schedule_app.command("unlock")
def unlock(
    station: StationOpt = None,
    first: FromOpt = None,
    days: DaysOpt = 1,
    config: ConfigOpt = None,
    data_dir: DataDirOpt = None,
) -> None:
    """Unlock the range: the next build may change those hours again (until they air)."""
    _set_locked(False, station, first, days, config, data_dir)


def _set_locked(
    locked: bool,
    station: str | None,
    first: str | None,
    days: int,
    config: Path | None,
    data_dir: Path | None,
) -> None:
    with operator_errors(), _scheduler_at(config, data_dir, station) as (scheduler, name):
        start, end = _range(scheduler.program(name), first, days)
        count = scheduler.lock(name, start, end, locked=locked, who=shell_user())
    what = "locked" if locked else "unlocked"
    out.print(
        f"station {name}: {count} hours {what} from {start:%Y-%m-%d %H:%M} UTC", highlight=False
    )
