"""The Liquidsoap 2.1 scripts onair writes: live playout to Icecast, and an offline render.

Both run the same chain over a ``request.queue``: ``cue_cut`` (``liq_cue_in``,
``liq_cue_out``), ``amplify`` (``liq_amplify``, per track, before the cross so
each side of an overlap keeps its own gain) and ``cross`` with a transition
that reads ``liq_fade_out`` from the ending track and ``liq_fade_in`` from the
starting one (``crossfade`` in 2.1 takes fade lengths only as fixed numbers).
On-air events come from ``source.on_metadata`` after the cross: in 2.1
``on_track`` misses tracks that start inside a crossfade.

The gains ingest stores bring each item to the loudness target and leave the
peaks to the program's limiter, as the built-in mixer does; so the chain ends in
ffmpeg's look-ahead ``alimiter`` (100 ms release, as the mixer's limiter), run
at four times the rate so that it reads the true peak, its limit
:data:`TRUE_PEAK_MARGIN_DB` under the ceiling.
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

__all__ = [
    "LiveScript",
    "liq_string",
    "live_script",
    "render_script",
    "render_with_liquidsoap",
]

QUEUE_ID = "onair"
# Taking the limited 4x signal back to the rate lifts its peaks (the band the limiter's
# gain changes spread into is filtered off): by up to 1.0 dB on test material whose
# transients are bursts of white noise, with a 5 ms attack (1.2 dB with 2 ms).
TRUE_PEAK_MARGIN_DB = 1.5


def liq_string(value: str) -> str:
    """``value`` as a Liquidsoap 2.1 string expression.

    Every 2.1 string literal interpolates ``#{...}`` and no escape stops it, so
    a ``#{`` is split across a concatenation.
    """
    escaped = value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "")
    pieces = escaped.split("#{")
    if len(pieces) == 1:
        return f'"{escaped}"'
    return '("' + '#" ^ "{'.join(pieces) + '")'


def _float(value: float) -> str:
    return f"({value:.3f})"


@dataclass(frozen=True)
class LiveScript:
    """What the live script needs: where to listen, call back, stream to, and fall back from."""

    telnet_port: int
    callback_url: str  # onair's receiver, e.g. http://127.0.0.1:PORT/liquidsoap
    icecast_host: str
    icecast_port: int
    icecast_password: str
    mount: str
    fallback_dir: Path
    icecast_user: str = "source"
    station_name: str = "onair"
    bitrate_kbps: int = 128
    blank_threshold_db: float = -50.0
    blank_max_s: float = 5.0
    icecast_retry_s: float = 3.0
    ceiling_dbtp: float = -1.0


def _prelude() -> str:
    return """settings.init.allow_root.set(true)
settings.log.stdout.set(true)
settings.log.file.set(false)
settings.log.level.set(3)
"""


def _limiter(ceiling_dbtp: float) -> str:
    limit = 10 ** ((ceiling_dbtp - TRUE_PEAK_MARGIN_DB) / 20)
    # Limited at 4x the rate, alimiter's sample peak is the true peak (BS.1770-4 reads it
    # at 4x); level=false, or alimiter turns everything up to its limit.
    return f"""def onair_limit(s)
  rate = settings.frame.audio.samplerate()
  def mkfilter(graph)
    a = ffmpeg.filter.audio.input(graph, ffmpeg.raw.encode.audio(%ffmpeg(%audio.raw), s))
    a = ffmpeg.filter.aresample(graph, sample_rate=4 * rate, a)
    a = ffmpeg.filter.alimiter(graph, limit={limit:.4f}, attack=5., release=100., level=false, a)
    a = ffmpeg.filter.aresample(graph, sample_rate=rate, a)
    ffmpeg.raw.decode.audio(ffmpeg.filter.audio.output(graph, a))
  end
  ffmpeg.filter.create(mkfilter)
end
"""


def _chain() -> str:
    return """def onair_transition(a, b)
  fade_out = float_of_string(default=0., a.metadata["liq_fade_out"])
  fade_in = float_of_string(default=0., b.metadata["liq_fade_in"])
  add(normalize=false,
      [fade.in(type="sin", duration=fade_in, b.source),
       fade.out(type="sin", duration=fade_out, a.source)])
end

def onair_chain(s)
  s = cue_cut(s)
  s = amplify(1., override="liq_amplify", s)
  s = cross(duration=0., override_duration="liq_cross_duration", onair_transition, s)
  metadata.deduplicate(s)
end
"""


def _callbacks(url: str) -> str:
    # http.post blocks, and on_metadata runs in the streaming thread: post from another one.
    return f"""onair_callback = {liq_string(url)}

def onair_post(kind, fields)
  j = json()
  j.add("event", kind)
  j.add("at", time())
  list.iter(fun (kv) -> j.add(fst(kv), snd(kv)), fields)
  body = json.stringify(compact=true, j)
  thread.run(fast=false, fun () -> begin
    try
      ignore(http.post(data=body, headers=[("Content-Type", "application/json")],
                       timeout_ms=3000, onair_callback))
    catch err do
      log(label="onair", "callback failed: #{{err}}")
    end
  end)
end

def onair_on_metadata(m)
  onair_post("track", [
    ("onair_play_id", m["onair_play_id"]), ("onair_source", m["onair_source"]),
    ("rid", m["rid"]), ("filename", m["filename"]), ("title", m["title"])])
end
"""


def live_script(config: LiveScript) -> str:
    """The live playout script: queue, chain, fallback, blank alarm, Icecast output."""
    fallback_prefix = 'annotate:onair_source="fallback":'
    icecast_error = (
        'fun (msg) -> begin onair_post("icecast_error", [("message", msg)]); '
        f"{_float(config.icecast_retry_s)} end"
    )
    return f"""{_prelude()}settings.server.telnet.set(true)
settings.server.telnet.bind_addr.set("127.0.0.1")
settings.server.telnet.port.set({config.telnet_port})
settings.server.timeout.set(60.)

{_callbacks(config.callback_url)}
{_chain()}
{_limiter(config.ceiling_dbtp)}
queue = request.queue(id="{QUEUE_ID}", prefetch=2)
live = onair_chain(queue)
backup = playlist(id="onair_fallback", mode="randomize", reload=30, reload_mode="seconds",
                  prefix={liq_string(fallback_prefix)}, {liq_string(str(config.fallback_dir))})
radio = fallback(id="onair_air", track_sensitive=false, [live, backup])
radio = source.on_metadata(radio, onair_on_metadata)

def onair_blank()
  onair_post("blank", [])
  queue.skip()
  backup.skip()
end
radio = blank.detect(id="onair_blank", threshold={_float(config.blank_threshold_db)},
                     max_blank={_float(config.blank_max_s)}, track_sensitive=false,
                     on_noise=fun () -> onair_post("noise", []), onair_blank, radio)
radio = mksafe(radio)
# The filter graph's output counts as fallible even over an infallible source.
radio = mksafe(onair_limit(radio))

output.icecast(%mp3(bitrate={config.bitrate_kbps}), id="onair_icecast",
  host={liq_string(config.icecast_host)}, port={config.icecast_port},
  user={liq_string(config.icecast_user)}, password={liq_string(config.icecast_password)},
  mount={liq_string(config.mount)}, name={liq_string(config.station_name)},
  public=false,
  on_connect=fun () -> onair_post("icecast_connected", []),
  on_error={icecast_error},
  radio)
"""


def render_script(
    requests: Sequence[str],
    output: Path,
    *,
    bitrate_kbps: int = 128,
    quality: int | None = None,
    ceiling_dbtp: float = -1.0,
) -> str:
    """An offline render of ``requests`` (annotate URIs) to an MP3 (or a WAV) at ``output``.

    The same chain as live, on a clock that runs as fast as the CPU allows; the
    script shuts Liquidsoap down when the queue has run out. ``quality`` is LAME's
    algorithm quality (0 best .. 9 fastest); Liquidsoap's own default is 2, LAME's 3.
    """
    options = f"bitrate={bitrate_kbps}"
    if quality is not None:
        options += f", internal_quality={quality}"
    encoder = "%wav(stereo=true)" if output.suffix == ".wav" else f"%mp3({options})"
    queue = ",\n  ".join(f"request.create({liq_string(uri)})" for uri in requests)
    return f"""{_prelude()}
{_chain()}
{_limiter(ceiling_dbtp)}
queue = request.queue(id="{QUEUE_ID}", queue=[
  {queue}])
radio = onair_limit(onair_chain(queue))
clock.assign_new(sync="none", [radio])
output.file({encoder}, fallible=true, on_stop=fun () -> shutdown(),
            {liq_string(str(output))}, radio)
"""


def render_with_liquidsoap(
    requests: Sequence[str],
    output: Path,
    *,
    work_dir: Path,
    bitrate_kbps: int = 128,
    quality: int | None = None,
    ceiling_dbtp: float = -1.0,
    liquidsoap: str | None = None,
    timeout_s: float = 600.0,
) -> None:
    """Render ``requests`` to ``output`` with the real ``liquidsoap`` (raises if it fails)."""
    binary = liquidsoap or shutil.which("liquidsoap")
    if binary is None:
        raise FileNotFoundError("liquidsoap is not installed (apt-get install liquidsoap)")
    work_dir.mkdir(parents=True, exist_ok=True)
    script = work_dir / "render.liq"
    script.write_text(
        render_script(
            requests, output, bitrate_kbps=bitrate_kbps, quality=quality, ceiling_dbtp=ceiling_dbtp
        )
    )
    log = work_dir / "render.log"
    with log.open("wb") as sink:
        done = subprocess.run(
            [binary, str(script)],
            stdout=sink,
            stderr=subprocess.STDOUT,
            timeout=timeout_s,
            check=False,
        )
    text = log.read_text(errors="replace")
    if done.returncode != 0 or not output.exists():
        raise RuntimeError(f"liquidsoap render failed with {done.returncode}: {text[-1500:]}")
    # A request that does not resolve is skipped, not fatal, in Liquidsoap: say so.
    skipped = [line for line in text.splitlines() if "Nonexistent file or ill-formed URI" in line]
    if skipped:
        raise RuntimeError(f"liquidsoap skipped {len(skipped)} requests: {skipped[0]}")
