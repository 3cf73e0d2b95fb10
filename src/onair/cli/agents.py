"""``onair agents``: make an hour's spoken segments, preview one, list what is made."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any
from zoneinfo import ZoneInfo

import typer
from rich.table import Table

from onair import bootstrap
from onair.agents.voices.ffmpeg_speech import to_flac
from onair.cli.console import out
from onair.cli.errors import operator_errors
from onair.cli.options import ConfigOpt, DataDirOpt, JsonOpt
from onair.cli.progress import progress_bar
from onair.cli.station_time import station_hour
from onair.cli.stores import settings_from
from onair.domain.errors import DomainError
from onair.domain.segments import Segment, SegmentKind, SegmentStatus

if TYPE_CHECKING:
    from onair.agents.segment_desk import SegmentDesk

__all__ = ["agents_app"]

agents_app = typer.Typer(
    help="Agents: voice links, promos and IDs written and voiced ahead of air.",
    no_args_is_help=True,
)


class AgentsInputError(DomainError):
    """An option the agents commands cannot use."""


HourOpt = Annotated[
    str,
    typer.Option("--hour", help="The hour, e.g. 2027-02-01T14 or 2027-02-01T14:00 (station time)."),
]


@agents_app.command("run")
def run(
    hour: HourOpt,
    force: Annotated[
        bool, typer.Option("--force", help="Make them again, even those made.")
    ] = False,
    config: ConfigOpt = None,
    data_dir: DataDirOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Write and voice every spoken segment of an hour, and store them for playout."""
    with (
        operator_errors(),
        bootstrap.open_stores(settings_from(config, data_dir=data_dir)) as stores,
    ):
        zone = stores.zone()
        start = station_hour(hour, "--hour", zone)
        with bootstrap.agent_runtime(stores) as runtime, progress_bar() as bar:
            task = bar.add_task(f"voicing {start.astimezone(zone):%Y-%m-%d %H:00}", total=None)
            report = runtime.fill_hour(start, force=force,
                                       on_segment=lambda _: bar.advance(task))  # fmt: skip
    rows = [_row(s, zone) for s in report.segments]
    if as_json:
        out.print_json(json.dumps(rows))
        return
    if not rows:
        made = f"all {report.kept} segments are made already (--force makes them again)"
        out.print(
            made if report.kept else "nothing to voice: the hour has no spoken slot still to air",
            highlight=False,
        )
        return
    _table(report.segments, zone)
    for note in report.corrections:  # the plan given the lengths that air, or why not
        out.print(note, highlight=False)
    failed = sum(1 for s in report.segments if s.status is not SegmentStatus.READY)
    out.print(
        f"{len(rows) - failed} voiced, {failed} fell back, {report.kept} kept", highlight=False
    )


@agents_app.command("preview")
def preview(
    kind: Annotated[SegmentKind, typer.Option("--kind", help="The agent kind.")],
    previous: Annotated[
        str | None, typer.Option("--prev", help="The asset that aired before.")
    ] = None,
    following: Annotated[str | None, typer.Option("--next", help="The asset that follows.")] = None,
    language: Annotated[str | None, typer.Option("--language", help="e.g. en, es.")] = None,
    output: Annotated[
        Path | None, typer.Option("--out", help="Where to write the audio (.flac).")
    ] = None,
    config: ConfigOpt = None,
    data_dir: DataDirOpt = None,
) -> None:
    """Write and voice one segment between two songs; print it and its length against the post."""
    with operator_errors():
        settings = settings_from(config, data_dir=data_dir)
        target = output or Path(f"preview-{kind.value}.flac")
        if target.suffix.lower() != ".flac":
            raise AgentsInputError(f"cannot write {target.name}: give a .flac file")
        if not target.parent.is_dir():
            raise AgentsInputError(f"cannot write {target}: folder {target.parent} does not exist")
        with bootstrap.open_agents(settings) as runtime:
            made, timing = runtime.preview(kind, previous, following, language=language,
                                           at=datetime.now(UTC))  # fmt: skip
        target.write_bytes(to_flac(made.speech))
    length_s = made.speech.duration_s
    out.print(made.script.text, highlight=False)
    out.print(f"{target}: {length_s:.2f} s by {made.script.generator}"
              f" (estimated {made.estimated_ms / 1000:.2f} s, {made.attempts} tries"
              + (f", compressed x{made.tempo:.3f}" if made.tempo > 1 else "") + ")",
              highlight=False)  # fmt: skip
    if timing.talk_up and timing.post_ms is not None:
        clear = timing.post_ms / 1000 - length_s
        out.print(f"talk-up: ends {clear:.2f} s before the post at {timing.post_ms / 1000:.2f} s",
                  highlight=False)  # fmt: skip
    elif timing.cold_open:
        out.print("the next song opens cold: the link airs before it, not over it", highlight=False)
    else:
        out.print(f"straight link: {timing.budget_ms / 1000:.2f} s allowed", highlight=False)


SegmentArg = Annotated[str, typer.Argument(help="The segment id (see 'onair agents list').")]


@agents_app.command("reject")
def reject(
    segment: SegmentArg,
    note: Annotated[str | None, typer.Option("--note", help="Why, for the log.")] = None,
    config: ConfigOpt = None,
    data_dir: DataDirOpt = None,
) -> None:
    """Keep a segment off the air: nothing airs for its item (an operator action, by
    shell:LOGIN)."""
    with operator_errors(), _desk(config, data_dir) as desk:
        made = desk.reject(segment, _who(), note)
    out.print(f"rejected {segment}: {made.id} airs nothing in its place", highlight=False)


@agents_app.command("approve")
def approve(segment: SegmentArg, config: ConfigOpt = None, data_dir: DataDirOpt = None) -> None:
    """Approve a segment to air; one rejected goes back on the air (as a newer copy)."""
    with operator_errors(), _desk(config, data_dir) as desk:
        made = desk.approve(segment, _who())
    out.print(f"approved {segment}: {made.id} airs", highlight=False)


@contextmanager
def _desk(config: Path | None, data_dir: Path | None) -> Iterator[SegmentDesk]:
    from onair.bootstrap.segment_desk import segment_desk

    with bootstrap.open_stores(settings_from(config, data_dir=data_dir), objects=True) as stores:
        yield segment_desk(stores)


def _who() -> str:
    from onair.cli.access import shell_user

    return shell_user()


@agents_app.command("list")
def list_segments(
    hour: HourOpt,
    hours: Annotated[int, typer.Option("--hours", min=1, max=48, help="How many hours.")] = 1,
    config: ConfigOpt = None,
    data_dir: DataDirOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """The segments made for an hour (or several): what they say, how long, how made."""
    with (
        operator_errors(),
        bootstrap.open_stores(settings_from(config, data_dir=data_dir)) as stores,
    ):
        zone = stores.zone()
        start = station_hour(hour, "--hour", zone)
        end = start + timedelta(hours=hours)
        segments = stores.segments.between(stores.station, start, end)
    if as_json:
        out.print_json(json.dumps([_row(s, zone) for s in segments]))
        return
    if not segments:
        out.print("no segments made for that time: run 'onair agents run --hour ...'")
        return
    _table(segments, zone)


def _table(segments: list[Segment], zone: ZoneInfo) -> None:
    table = Table("hour", "kind", "status", "by", "s / plan", "script")
    table.columns[-1].overflow = "fold"
    for s in segments:
        table.add_row(
            f"{s.hour.astimezone(zone):%H:00}", s.kind.value, s.status.value, s.generator,
            f"{s.duration_ms / 1000:.1f} / {s.planned_ms / 1000:.1f}",
            s.script or (s.reason or ""),
        )  # fmt: skip
    out.print(table)


def _row(segment: Segment, zone: ZoneInfo) -> dict[str, Any]:
    return segment.record() | {"hour": segment.hour.astimezone(zone).isoformat()}
