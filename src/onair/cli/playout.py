"""``onair playout``: render a stretch of the schedule, read the as-run log, send triggers.

A trigger is an operator's shortcut to the running station, so this module
imports the render stack (codecs, mixer, database) only in the commands that
render or read, and a trigger's one request goes out through the standard
library's HTTP client: a full client library costs more to import than the
request takes.
"""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from datetime import datetime, timedelta
from http.client import HTTPException
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any
from zoneinfo import ZoneInfo

import typer

from onair import bootstrap
from onair.cli.console import out
from onair.cli.errors import operator_errors
from onair.cli.options import ConfigOpt, DataDirOpt, JsonOpt
from onair.cli.station_time import station_instant
from onair.cli.stores import settings_from
from onair.domain.errors import DomainError

if TYPE_CHECKING:
    from onair.domain.playout import AsRunEntry
    from onair.playout.render import RenderReport

__all__ = ["playout_app"]

playout_app = typer.Typer(
    help="Playout: render the schedule, read what aired.", no_args_is_help=True
)

_MAX_RENDER_S = 24 * 3600


class PlayoutInputError(DomainError):
    """An option the command cannot use, or a trigger the station refused."""


FromOpt = Annotated[
    str, typer.Option("--from", help="Start, e.g. 2027-02-01T14:00 (station time).")
]
ToOpt = Annotated[str, typer.Option("--to", help="End, e.g. 2027-02-01T15:00 (station time).")]


def _span(first: str, last: str, zone: ZoneInfo) -> tuple[datetime, datetime]:
    start, end = station_instant(first, "--from", zone), station_instant(last, "--to", zone)
    if end <= start:
        raise PlayoutInputError(f"--to {last} is not after --from {first}")
    if (end - start).total_seconds() > _MAX_RENDER_S:
        raise PlayoutInputError("render at most 24 hours at a time")
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
    with (
        operator_errors(),
        bootstrap.open_stores(settings_from(config, data_dir=data_dir)) as stores,
    ):
        start, end = _span(first, last, stores.zone())
        log_path = output.with_name(output.name + ".asrun.json")
        _check_output(output, log_path, end - start)
        began = time.perf_counter()
        report = _render(stores, start, end, output)
        seconds = time.perf_counter() - began
        _writable(log_path, output)
        log_path.write_text(json.dumps([_row(e) for e in report.as_run], indent=1) + "\n")
    _summary(output, log_path, report, seconds)


def _render(stores: bootstrap.Stores, start: datetime, end: datetime, output: Path) -> RenderReport:
    """Render ``[start, end)`` into OUT, written whole or not at all."""
    from onair.cli.progress import progress_bar
    from onair.domain.playout import SAMPLE_RATE
    from onair.playout.codecs.encoder import FileEncoder
    from onair.playout.render import render

    frames = round((end - start).total_seconds() * SAMPLE_RATE)
    partial = output.with_name(f".{output.stem}.part{output.suffix}")
    try:
        _writable(partial, output)
        with bootstrap.render_timeline(stores, start) as timeline, progress_bar() as bar:
            task = bar.add_task(f"rendering {output.name}", total=frames // SAMPLE_RATE)
            sink = FileEncoder(partial)
            advance = lambda n: bar.advance(task, n / SAMPLE_RATE)  # noqa: E731
            report = render(timeline, stores.station, frames, sink, on_progress=advance)
        partial.replace(output)  # never a half-written OUT
    finally:
        partial.unlink(missing_ok=True)
    return report


def _check_output(output: Path, log_path: Path, span: timedelta) -> None:
    """Refuse, before anything is rendered, an OUT that could not be written."""
    from onair.domain.playout import SAMPLE_RATE

    # A RIFF WAV counts its data in 32 bits: 4 GiB, 6 h 12 min of 48 kHz 16-bit stereo.
    wav_most = timedelta(seconds=(2**32 - 44) // (SAMPLE_RATE * 4))
    if output.suffix.lower() not in (".wav", ".mp3"):
        raise PlayoutInputError(f"cannot render to {output.name}: use a .wav or .mp3 file")
    if output.suffix.lower() == ".wav" and span > wav_most:
        raise PlayoutInputError(
            f"cannot render {span} to {output.name}: a WAV file holds at most 6 h 12 min"
            " of 48 kHz stereo (4 GiB); render to .mp3, or a shorter span"
        )
    if not output.parent.is_dir():
        raise PlayoutInputError(f"cannot render to {output}: folder {output.parent} does not exist")
    for path in (output, log_path):
        if path.is_dir():
            raise PlayoutInputError(f"cannot render to {output}: {path} is a folder")


def _writable(path: Path, output: Path) -> None:
    """Open ``path`` for writing, or one line naming OUT and why it cannot be written."""
    try:
        with path.open("ab"):
            pass
    except OSError as exc:
        why = exc.strerror or type(exc).__name__
        raise PlayoutInputError(
            f"cannot render to {output} ({why}): choose a folder you can write to"
        ) from None


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
    with (
        operator_errors(),
        bootstrap.open_stores(settings_from(config, data_dir=data_dir)) as stores,
    ):
        zone = stores.zone()
        start, end = _span(first, last, zone)
        entries = stores.as_run.between(stores.station, start, end)
    if as_json:
        out.print_json(json.dumps([_row(e) for e in entries]))
        return
    if not entries:
        out.print(f"nothing aired between {start.astimezone(zone)} and {end.astimezone(zone)}")
        return
    from rich.table import Table

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
    """One as-run line as ``--json`` prints it (the fields in docs/playout.md, then the extras)."""
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


UrlOpt = Annotated[
    str | None,
    typer.Option("--url", help="The station's API (default: http://HOST:PORT from the settings)."),
]
TokenOpt = Annotated[
    str | None,
    typer.Option(
        "--token", envvar="ONAIR_TOKEN", show_envvar=False,
        help="An API token with the operator role (env ONAIR_TOKEN; on the station's own"
        " machine, default: the one 'onair serve' leaves in the data dir).",
    ),
]  # fmt: skip
NoteOpt = Annotated[str | None, typer.Option("--note", help="Why, for the operator log.")]


def _send_trigger(trigger: str, url: str | None, token: str | None, config: Path | None,
                  data_dir: Path | None, **extra: Any) -> None:  # fmt: skip
    """POST the trigger to the running station; one line back, exit 1 if it was refused."""
    with operator_errors():
        settings = settings_from(config, data_dir=data_dir)
        base = url or f"http://{settings.host}:{settings.port}"
        if not base.startswith(("http://", "https://")):
            raise PlayoutInputError(f"--url {base} is not an http:// or https:// address")
        credential = token or _local_token(settings.operator_token_file, base)
        body = {k: v for k, v in extra.items() if v}
        status, detail = _post(f"{base}/api/v1/playout/{trigger}", body, base, credential)
        if status >= 400:
            raise PlayoutInputError(f"{trigger} refused ({status}): {detail.get('detail', detail)}")
    state = "done" if detail.get("done", True) else "nothing to do"
    out.print(f"{trigger}: {state} (by {detail.get('who')})", highlight=False)


def _local_token(path: Path, base: str) -> str:
    """The token ``onair serve`` left for this machine, sent only to a loopback address."""
    import ipaddress
    from urllib.parse import urlsplit

    host = urlsplit(base).hostname or ""
    try:
        loopback = host == "localhost" or ipaddress.ip_address(host).is_loopback
    except ValueError:
        loopback = False
    make_one = "make one with 'onair token create --name NAME --role operator'"
    if not loopback:
        raise PlayoutInputError(
            f"a trigger to {base} needs --token (or ONAIR_TOKEN) with an operator token: {make_one}"
        )
    try:
        return path.read_text().strip()
    except OSError:
        raise PlayoutInputError(
            f"no operator token in {path} (the station there has not served yet, or serves from"
            f" another --data-dir): pass --token or ONAIR_TOKEN; {make_one}"
        ) from None


def _post(url: str, body: dict[str, Any], base: str, token: str) -> tuple[int, dict[str, Any]]:
    """The station's status and JSON answer (its text under ``detail`` when not JSON)."""
    # The scheme is http(s), checked by the caller: never a file: or a custom opener.
    request = urllib.request.Request(  # noqa: S310
        url, data=json.dumps(body).encode(), method="POST",
        headers={"Content-Type": "application/json", "Accept": "application/json",
                 "Authorization": f"Bearer {token}"},
    )  # fmt: skip
    try:
        with urllib.request.urlopen(request, timeout=15) as reply:  # noqa: S310
            status, kind, raw = reply.status, reply.headers.get_content_type(), reply.read()
    except urllib.error.HTTPError as exc:  # the station answered, with a refusal
        status, kind, raw = exc.code, exc.headers.get_content_type(), exc.read()
    except (OSError, HTTPException, ValueError) as exc:
        why = exc.reason if isinstance(exc, urllib.error.URLError) else exc
        raise PlayoutInputError(
            f"station at {base} cannot be reached ({why}): is 'onair serve' running?"
        ) from None
    text = raw.decode(errors="replace")
    try:
        answer = json.loads(text) if kind.endswith("json") else None
    except ValueError:
        answer = None
    return status, answer if isinstance(answer, dict) else {"detail": text}


@playout_app.command("skip")
def skip(url: UrlOpt = None, token: TokenOpt = None, note: NoteOpt = None,
         config: ConfigOpt = None, data_dir: DataDirOpt = None) -> None:  # fmt: skip
    """Fade the item on air and go to the next."""
    _send_trigger("skip", url, token, config, data_dir, note=note)


@playout_app.command("insert")
def insert(
    asset: Annotated[str, typer.Argument(help="The asset id to air.")],
    now: Annotated[bool, typer.Option("--now", help="Air it now, over the item on air.")] = False,
    url: UrlOpt = None,
    token: TokenOpt = None,
    note: NoteOpt = None,
    config: ConfigOpt = None,
    data_dir: DataDirOpt = None,
) -> None:
    """Air ASSET after the item on air (or --now)."""
    _send_trigger("insert_now" if now else "insert_next", url, token, config, data_dir,
                  asset_id=asset, note=note)  # fmt: skip


@playout_app.command("hold")
def hold(url: UrlOpt = None, token: TokenOpt = None, note: NoteOpt = None,
         config: ConfigOpt = None, data_dir: DataDirOpt = None) -> None:  # fmt: skip
    """Stop after the item on air until 'onair playout resume'."""
    _send_trigger("hold", url, token, config, data_dir, note=note)


@playout_app.command("resume")
def resume(url: UrlOpt = None, token: TokenOpt = None, note: NoteOpt = None,
           config: ConfigOpt = None, data_dir: DataDirOpt = None) -> None:  # fmt: skip
    """Leave a hold and carry on with the schedule."""
    _send_trigger("resume", url, token, config, data_dir, note=note)


@playout_app.command("break")
def break_now(url: UrlOpt = None, token: TokenOpt = None, note: NoteOpt = None,
              config: ConfigOpt = None, data_dir: DataDirOpt = None) -> None:  # fmt: skip
    """Jump to the next spot break now."""
    _send_trigger("break_now", url, token, config, data_dir, note=note)
