"""``onair ads``: book orders, place them into the schedule's spot breaks, read the log."""

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

from onair import bootstrap
from onair.ads.order_file import read_order_file
from onair.bootstrap.ads import book_orders, place_traffic, traffic_desk
from onair.cli.console import err, fail, out, warn
from onair.cli.errors import operator_errors
from onair.cli.options import ConfigOpt, DataDirOpt, JsonOpt, StationOpt
from onair.cli.station_time import station_day
from onair.cli.stores import settings_from
from onair.domain.programming import StationProgram
from onair.domain.traffic import DayLog, Order
from onair.observability import configure_logging

__all__ = ["ads_app"]

ads_app = typer.Typer(
    help="Traffic: the station's advertisers and orders, placed into its spot breaks.",
    no_args_is_help=True,
)
order_app = typer.Typer(
    help="Orders: book them from a file, list them, show one.", no_args_is_help=True
)
ads_app.add_typer(order_app, name="order")


@ads_app.callback()
def _logs_to_stderr() -> None:
    """Warnings as JSON lines on stderr: stdout carries only what the command prints."""
    configure_logging("warning", service="onair-ads", stream=sys.stderr)


DayOpt = Annotated[
    str | None, typer.Option("--day", help="Station-local day, YYYY-MM-DD (default: today).")
]
_MAX_DAYS = 62


def _days_in_range(days: int) -> int:
    if not 1 <= days <= _MAX_DAYS:
        fail(f"--days {days}: give 1 to {_MAX_DAYS} days", 2)
    return days


@contextmanager
def _stores(
    config: Path | None, data_dir: Path | None, station: str | None
) -> Iterator[tuple[bootstrap.Stores, str, StationProgram]]:
    settings = settings_from(config, data_dir=data_dir)
    with bootstrap.open_stores(settings) as stores:
        name = station or settings.station
        yield stores, name, stores.scheduler().program(name)


def _day(text: str | None, program: StationProgram, option: str) -> date:
    return datetime.now(program.zone).date() if text is None else station_day(text, option)


@order_app.command("add")
def order_add(
    file: Annotated[Path, typer.Argument(help="The order file (YAML; see docs/ads.md).")],
    station: StationOpt = None,
    config: ConfigOpt = None,
    data_dir: DataDirOpt = None,
) -> None:
    """Book the file's advertisers and orders, all or none (an order of a number already
    booked is replaced)."""
    with operator_errors():
        orders = read_order_file(file)
        with _stores(config, data_dir, station) as (stores, name, program):
            booked = book_orders(stores, name, program, orders)
    for order in booked.orders:
        verb = "replaced" if order.id in booked.replaced else "booked"
        out.print(f"{verb} {order.id}: {order.advertiser}, {_terms(order)}", highlight=False)


@order_app.command("list")
def order_list(
    station: StationOpt = None,
    config: ConfigOpt = None,
    data_dir: DataDirOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Every order booked, by number."""
    with operator_errors(), _stores(config, data_dir, station) as (stores, name, _program):
        orders = traffic_desk(stores).orders(name)
    if as_json:
        out.print_json(json.dumps([o.document() for o in orders]))
        return
    table = Table("order", "advertiser", "flight", "length", "spots", "priority", "copy")
    for o in orders:
        spots = f"{o.spots_per_day}/day" if o.spots_per_day else f"{o.spots_per_week}/week"
        table.add_row(
            o.id,
            o.advertiser,
            f"{o.flight.start} to {o.flight.end}",
            f":{o.length}",
            spots,
            str(o.priority),
            str(len(o.copy_)),
        )
    out.print(table)


@order_app.command("show")
def order_show(
    order_id: Annotated[str, typer.Argument(help="The order's number.")],
    station: StationOpt = None,
    config: ConfigOpt = None,
    data_dir: DataDirOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """One order's terms and copy."""
    with operator_errors(), _stores(config, data_dir, station) as (stores, name, _program):
        desk = traffic_desk(stores)
        order = desk.order(name, order_id)
        advertiser = desk.advertisers(name).get(order.advertiser)
    if as_json:
        out.print_json(json.dumps(order.document()))
        return
    conflict = order.conflict or (advertiser.conflict if advertiser else None)
    out.print(f"order {order.id}: {order.advertiser}, {_terms(order)}", highlight=False)
    out.print(
        f"  dayparts: {', '.join(f'{d.days} {d.hours}' for d in order.dayparts)}", highlight=False
    )
    sep = (
        order.separation.text()
        if order.separation
        else ("not in one break" if conflict else "none")
    )
    out.print(f"  conflict: {conflict or 'none'}, separation {sep}", highlight=False)
    for copy in order.copy_:
        kill = f", killed after {copy.kill}" if copy.kill else ""
        out.print(f"  copy {copy.asset} {copy.code} weight {copy.weight}{kill}", highlight=False)


def _terms(order: Order) -> str:
    spots = (
        f"{order.spots_per_day} a day" if order.spots_per_day else f"{order.spots_per_week} a week"
    )
    return (
        f":{order.length} x {spots}, {order.flight.start} to {order.flight.end},"
        f" priority {order.priority}"
    )


@ads_app.command("place")
def place(
    station: StationOpt = None,
    first: Annotated[
        str | None,
        typer.Option("--from", help="First station-local day, YYYY-MM-DD (default: today)."),
    ] = None,
    days: Annotated[
        int, typer.Option("--days", callback=_days_in_range, help=f"How many days (1-{_MAX_DAYS}).")
    ] = 1,
    seed: Annotated[int, typer.Option(help="The same seed gives the same log.")] = 1,
    config: ConfigOpt = None,
    data_dir: DataDirOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Place the booked orders into the spot breaks of the built schedule; locked logs and
    the breaks of locked or started hours are kept."""
    with operator_errors(), _stores(config, data_dir, station) as (stores, name, program):
        began = time.perf_counter()
        logs = place_traffic(stores, name, program, _day(first, program, "--from"), days, seed)
        seconds = time.perf_counter() - began
    summary = _summary(name, logs, seconds)
    if not summary["breaks"]:
        warn(
            "no planned spot break in these days: build the schedule, with the spot"
            " categories traffic fills named in the station file's traffic.breaks"
        )
    if as_json:
        out.print_json(json.dumps(summary))
        return
    out.print(
        f"station {name}: {summary['breaks']} breaks, {summary['spots']} spots placed,"
        f" {summary['bumps']} bumped, {summary['locked_days']} day(s) kept locked;"
        f" fill within {summary['fill_error_max_s']:.1f} s in {seconds:.2f} s",
        highlight=False,
    )
    for log in logs:
        for bump in log.bumps:
            out.print(f"  bumped {bump.order_id} on {bump.day}: {bump.reason}", highlight=False)


def _summary(name: str, logs: list[DayLog], seconds: float) -> dict[str, Any]:
    breaks = [b for log in logs for b in log.breaks]
    return {
        "station": name,
        "days": len(logs),
        "breaks": len(breaks),
        "spots": sum(len(b.spots) for b in breaks),
        "bumps": sum(len(log.bumps) for log in logs),
        "locked_days": sum(1 for log in logs if log.locked),
        "fill_error_max_s": max((abs(b.fill_error_ms) for b in breaks), default=0) / 1000,
        "place_s": round(seconds, 3),
    }


@ads_app.command("log")
def log(
    day: DayOpt = None,
    station: StationOpt = None,
    config: ConfigOpt = None,
    data_dir: DataDirOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """The day's traffic log: each spot break and what airs in it, and what was bumped."""
    with operator_errors(), _stores(config, data_dir, station) as (stores, name, program):
        when = _day(day, program, "--day")
        logs = traffic_desk(stores).logs(name, when)
    if not logs:
        err.print(
            f"no traffic log for {name} on {when}: run 'onair ads place --from {when}'",
            highlight=False,
        )
        raise typer.Exit(1)
    found = logs[0]
    if as_json:
        out.print_json(json.dumps(_log_document(found, program)))
        return
    state = "locked" if found.locked else "open"
    out.print(f"traffic log {name} {found.day} (seed {found.seed}, {state})", highlight=False)
    for brk in found.breaks:
        at = brk.brk.start.astimezone(program.zone)
        table = Table(
            "offset",
            "role",
            "item",
            "order",
            "code",
            "length",
            title=f"{at:%H:%M:%S} {brk.brk.category} {brk.brk.length_ms / 1000:.1f} s,"
            f" filled {brk.filled_ms / 1000:.1f} s",
        )
        for item in brk.items:
            table.add_row(
                f"{item.offset_ms / 1000:.1f}",
                item.role.value,
                item.title,
                item.order_id or "",
                item.code or "",
                f"{item.length_ms / 1000:.1f}",
            )
        out.print(table)
    for bump in found.bumps:
        out.print(f"bumped {bump.order_id}: {bump.reason}", highlight=False)


def _log_document(found: DayLog, program: StationProgram) -> dict[str, Any]:
    return {
        "day": found.day.isoformat(),
        "seed": found.seed,
        "locked": found.locked,
        "breaks": [
            {
                "item_id": b.brk.item_id,
                "start": b.brk.start.isoformat(),
                "local": b.brk.start.astimezone(program.zone).isoformat(),
                "category": b.brk.category,
                "length_s": b.brk.length_ms / 1000,
                "filled_s": b.filled_ms / 1000,
                "fill_error_s": b.fill_error_ms / 1000,
                "items": [
                    {
                        "id": i.id,
                        "role": i.role.value,
                        "asset_id": i.asset_id,
                        "title": i.title,
                        "offset_s": i.offset_ms / 1000,
                        "length_s": i.length_ms / 1000,
                        "order_id": i.order_id,
                        "advertiser": i.advertiser,
                        "code": i.code,
                        "conflict": i.conflict,
                    }
                    for i in b.items
                ],
            }
            for b in found.breaks
        ],
        "bumps": [{"order_id": b.order_id, "reason": b.reason} for b in found.bumps],
    }


def _lock(
    day: str | None,
    station: str | None,
    config: Path | None,
    data_dir: Path | None,
    *,
    locked: bool,
) -> None:
    with operator_errors(), _stores(config, data_dir, station) as (stores, name, program):
        when = _day(day, program, "--day")
        traffic_desk(stores).lock(name, when, locked=locked)
    out.print(f"traffic log {name} {when} {'locked' if locked else 'unlocked'}", highlight=False)


@ads_app.command("lock")
def lock(
    day: DayOpt = None,
    station: StationOpt = None,
    config: ConfigOpt = None,
    data_dir: DataDirOpt = None,
) -> None:
    """Lock the day's log: placing again keeps it as it is."""
    _lock(day, station, config, data_dir, locked=True)


@ads_app.command("unlock")
def unlock(
    day: DayOpt = None,
    station: StationOpt = None,
    config: ConfigOpt = None,
    data_dir: DataDirOpt = None,
) -> None:
    """Unlock the day's log, so the next placing may change it."""
    _lock(day, station, config, data_dir, locked=False)
