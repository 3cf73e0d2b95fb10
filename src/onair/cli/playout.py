"""``onair playout``: render a stretch of the schedule, read the as-run log."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any
from zoneinfo import ZoneInfo

import typer
from rich.table import Table

from onair import bootstrap
from onair.cli.common import (
    ConfigOpt,
    DataDirOpt,
    JsonOpt,
    operator_errors,
    out,
    progress_bar,
    settings_from,
)
from onair.domain.errors import DomainError
from onair.domain.playout import SAMPLE_RATE, AsRunEntry
from onair.playout.encoder import FileEncoder
from onair.playout.render import RenderReport, render

__all__ = ["playout_app"]

playout_app = typer.Typer(
    help="Playout: render the schedule, read what aired.", no_args_is_help=True
)

_MAX_RENDER_S = 24 * 3600


class BadTime(DomainError):
    """A --from, --to or output the command cannot use."""


FromOpt = Annotated[
    str, typer.Option("--from", help="Start, e.g. 2027-02-01T14:00 (station time).")
]
ToOpt = Annotated[str, typer.Option("--to", help="End, e.g. 2027-02-01T15:00 (station time).")]


def _instant(text: str, option: str, zone: ZoneInfo) -> datetime:
    """An ISO date-time; without an offset it is station-local."""
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        raise BadTime(
            f"{option} {text!r} is not a date-time: write e.g. 2027-02-01T14:00"
        ) from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=zone)
    return parsed.astimezone(UTC)


def _span(first: str, last: str, zone: ZoneInfo) -> tuple[datetime, datetime]:
    start, end = _instant(first, "--from", zone), _instant(last, "--to", zone)
    if end <= start:
        raise BadTime(f"--to {last} is not after --from {first}")
    if (end - start).total_seconds() > _MAX_RENDER_S:
        raise BadTime("render at most 24 hours at a time")
    return start, end


@playout_app.command("render")
def render_command(
    output: Annotated[Path, typer.Argument(help="OUT.wav or OUT.mp3 (128 kbps).")],
    first: FromOpt,
    last: ToOpt,
    config: ConfigOpt = None,
    data_dir: DataDirOpt = None,
) -> None:
    """Render the schedule from --from to --to faster than real time, with its as-run log."""
    with operator_errors():
        settings = settings_from(config, data_dir=data_dir)
        start, end = _span(first, last, bootstrap.station_zone(settings))
        if output.suffix.lower() not in (".wav", ".mp3"):
            raise BadTime(f"cannot render to {output.name}: use a .wav or .mp3 file")
        if not output.parent.is_dir():
            raise BadTime(f"cannot render to {output}: folder {output.parent} does not exist")
        frames = round((end - start).total_seconds() * SAMPLE_RATE)
        partial = output.with_name(f".{output.stem}.part{output.suffix}")
        began = time.perf_counter()
        try:
            with bootstrap.open_render(settings, start) as timeline, progress_bar() as bar:
                task = bar.add_task(f"rendering {output.name}", total=frames // SAMPLE_RATE)
                sink = FileEncoder(partial)
                advance = lambda n: bar.advance(task, n / SAMPLE_RATE)  # noqa: E731
                report = render(timeline, settings.station, frames, sink, on_progress=advance)
            partial.replace(output)  # never a half-written OUT
        finally:
            partial.unlink(missing_ok=True)
        seconds = time.perf_counter() - began
        log_path = output.with_name(output.name + ".asrun.json")
        log_path.write_text(json.dumps([_row(e) for e in report.as_run], indent=1) + "\n")
    _summary(output, log_path, report, seconds)


def _summary(output: Path, log_path: Path, report: RenderReport, seconds: float) -> None:
    speed = report.seconds / seconds if seconds else 0.0
    out.print(
        f"{output}: {report.seconds / 60:.1f} min rendered in {seconds:.1f} s ({speed:.0f}x real"
        f" time), {len(report.as_run)} items; as-run log in {log_path}",
        highlight=False,
    )
    for line in report.failovers:
        out.print(f"  failover: {line}", highlight=False)
    for line in report.errors:
        out.print(f"  error: {line}", highlight=False)


@playout_app.command("asrun")
def asrun(
    first: FromOpt,
    last: ToOpt,
    config: ConfigOpt = None,
    data_dir: DataDirOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """What really aired from --from to --to, and why it differed from the schedule."""
    with operator_errors():
        settings = settings_from(config, data_dir=data_dir)
        zone = bootstrap.station_zone(settings)
        start, end = _span(first, last, zone)
        with bootstrap.open_as_run(settings) as log:
            entries = log.between(settings.station, start, end)
    if as_json:
        out.print_json(json.dumps([_row(e) for e in entries]))
        return
    if not entries:
        out.print(f"nothing aired between {start.astimezone(zone)} and {end.astimezone(zone)}")
        return
    table = Table("started", "scheduled", "kind", "artist - title", "length", "ended by", "why")
    for e in entries:
        scheduled = (
            e.scheduled_start.astimezone(zone).strftime("%H:%M:%S") if e.scheduled_start else ""
        )
        table.add_row(
            e.actual_start.astimezone(zone).strftime("%H:%M:%S.%f")[:-3], scheduled, e.kind.value,
            f"{e.artist or ''} - {e.title}", f"{e.duration_s:.1f} s", e.ended_by.value,
            "; ".join(filter(None, [e.substitution_reason, *e.adjustments])),
        )  # fmt: skip
    out.print(table)


def _row(entry: AsRunEntry) -> dict[str, Any]:
    """One as-run line as ``--json`` prints it (the issue's field list, then the extras)."""
    return {
        "schedule_item_id": entry.schedule_item_id,
        "asset_id": entry.asset_id,
        "kind": entry.kind.value,
        "title": entry.title,
        "artist": entry.artist,
        "scheduled_start": entry.scheduled_start.isoformat() if entry.scheduled_start else None,
        "actual_start": entry.actual_start.isoformat(),
        "duration_s": entry.duration_s,
        "ended_by": entry.ended_by.value,
        "substitution_reason": entry.substitution_reason,
        "play_id": entry.play_id,
        "category": entry.category,
        "adjustments": list(entry.adjustments),
        "listeners": entry.listeners,
    }
