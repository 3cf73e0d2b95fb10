"""The master mix: placed airings summed sample-accurately, with fades and ducks, then limited.

Everything is counted in station samples at :data:`~onair.domain.playout.SAMPLE_RATE`.
The limiter looks ahead, so the mixer sums ``latency`` samples ahead of what it
hands out: ``render()`` returns station samples ``[position, position + frames)``
exactly, and a change can still reach the air from :attr:`Mixer.horizon` on.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from onair.audio.limiter import TruePeakLimiter
from onair.domain.playout import CHANNELS, SAMPLE_RATE
from onair.playout.curves import duck_gain, equal_power_in_at, equal_power_out_at

__all__ = ["Mixer"]

Block = npt.NDArray[np.float32]
Gains = npt.NDArray[np.float32]

_CHUNK = 1 << 16  # render() works in pieces of at most this many frames
_ENDED_KEPT = 1024  # how many ended airings ends_at() still answers for
_HEARD_STEP = 5 * SAMPLE_RATE  # heard_until() reads back this many frames at a time


@dataclass
class _Duck:
    start: int
    end: int
    depth_db: float
    ramp: int


@dataclass
class _Placement:
    """One airing in the mix: its audio, where it starts, and what shapes its level."""

    audio: Block
    start: int
    gain: float
    fade_in: int
    end: int  # station sample after its last audible one
    fades: list[tuple[int, int]] = field(default_factory=list)  # (at, length) fade-outs
    ducks: list[_Duck] = field(default_factory=list)

    def envelope(self, lo: int, hi: int) -> Gains | None:
        """The gain over station samples ``[lo, hi)`` (None: a constant ``gain``)."""
        n = hi - lo
        env: Gains | None = None
        if lo < self.start + self.fade_in:
            env = np.ones(n, np.float32)
            stop = min(hi, self.start + self.fade_in)
            env[: stop - lo] = equal_power_in_at(np.arange(lo, stop) - self.start, self.fade_in)
        faded = self._faded(lo, hi)
        if faded is not None:
            env = faded if env is None else env * faded
        ducked = self._ducked(lo, hi)
        if ducked is not None:
            env = ducked if env is None else env * ducked
        if env is None:
            return None
        if self.gain != 1.0:
            env *= np.float32(self.gain)
        return env

    def _faded(self, lo: int, hi: int) -> Gains | None:
        """The fade-outs' gain over ``[lo, hi)`` (None: no fade there).

        After a second call to fade earlier, the lower curve applies at each sample:
        the level stays continuous where the new fade takes over from the old.
        """
        env: Gains | None = None
        for at, length in self.fades:
            i0, i1 = max(lo, at), min(hi, at + length)
            if i0 >= i1:
                continue
            env = np.ones(hi - lo, np.float32) if env is None else env
            segment = env[i0 - lo : i1 - lo]
            np.minimum(segment, equal_power_out_at(np.arange(i0, i1) - at, length), out=segment)
        return env

    def _ducked(self, lo: int, hi: int) -> Gains | None:
        """The ducks' gain over ``[lo, hi)``: the deepest duck at each sample (None: none)."""
        env: Gains | None = None
        for duck in self.ducks:
            i0, i1 = max(lo, duck.start), min(hi, duck.end)
            if i0 >= i1:
                continue
            env = np.ones(hi - lo, np.float32) if env is None else env
            gain = duck_gain(np.arange(i0, i1), duck.start, duck.end, duck.depth_db, duck.ramp)
            segment = env[i0 - lo : i1 - lo]
            np.minimum(segment, gain, out=segment)
        return env


class Mixer:
    """Mixes placed airings into the master, sample-accurately, then limits it.

    Ducks ramp inside their span: down from ``start`` (full level) to ``start + ramp``,
    up from ``end - ramp`` to ``end``. Overlapping ducks of one airing do not add up:
    the deepest applies. A later ``fade_out`` can only make an airing fade earlier
    or faster (the lower curve applies), never play longer.
    """

    def __init__(self, *, start: int = 0, ceiling_dbtp: float = -1.0, limit: bool = True) -> None:
        self._limiter = TruePeakLimiter(ceiling_dbtp) if limit else None
        self._latency = self._limiter.latency if self._limiter else 0
        self._position = start
        self._mixed = start  # the first station sample not yet summed
        self._preroll = self._latency  # limiter output before `start`, to drop
        self._items: dict[str, _Placement] = {}
        self._ended: OrderedDict[str, int] = OrderedDict()

    @property
    def position(self) -> int:
        """The station sample the next :meth:`render` starts at."""
        return self._position

    @property
    def horizon(self) -> int:
        """The first station sample a change can still affect.

        ``position + latency`` once rendering has begun (``start`` before the first render):
        what lies before it is already summed into the limiter.
        """
        return self._mixed

    @property
    def latency(self) -> int:
        """How far ahead of ``position`` the mix is summed (the limiter's delay)."""
        return self._latency

    def place(
        self, key: str, audio: Block, start: int, *, gain_db: float = 0.0, fade_in: int = 0
    ) -> None:
        """Air ``audio`` (frames, 2) so that ``audio[0]`` sounds at station sample ``start``.

        ``start`` may lie before the horizon (an airing resumed part-way): what falls
        before it is not heard, the rest plays aligned. ``fade_in`` is an equal-power
        fade over that many samples from ``start``.
        """
        if self.placed(key):
            raise ValueError(f"{key!r} is already placed in the mix")
        if audio.ndim != 2 or audio.shape[1] != CHANNELS:
            raise ValueError(f"audio for {key!r} must be (frames, {CHANNELS}), not {audio.shape}")
        if fade_in < 0:
            raise ValueError(f"fade_in of {key!r} is negative ({fade_in})")
        audio = np.ascontiguousarray(audio, dtype=np.float32)
        gain = 1.0 if gain_db == 0 else 10 ** (gain_db / 20)
        self._ended.pop(key, None)
        self._items[key] = _Placement(audio, start, gain, fade_in, start + len(audio))

    def fade_out(self, key: str, at: int, length: int) -> None:
        """Fade ``key`` out (equal power, cos) from station sample ``at`` over ``length``."""
        item = self._changing(key, at)
        if length < 0:
            raise ValueError(f"fade-out length of {key!r} is negative ({length})")
        item.fades.append((at, length))
        self._shorten(key, item, at + length)

    def cut(self, key: str, at: int) -> None:
        """Stop ``key`` dead at station sample ``at`` (nothing of it sounds from ``at`` on).

        Cut at or before its start, an airing leaves the mix and its key may be placed again.
        """
        self._shorten(key, self._changing(key, at), at)

    def duck(self, key: str, start: int, end: int, depth_db: float, ramp: int) -> None:
        """Lower ``key`` by ``depth_db`` dB over ``[start, end)``, ramps inside the span."""
        item = self._changing(key, start)
        if end < start or depth_db < 0 or ramp < 0:
            raise ValueError(
                f"a duck of {key!r} needs start <= end, a depth and ramp >= 0 "
                f"(got {start}..{end}, {depth_db} dB, ramp {ramp})"
            )
        item.ducks.append(_Duck(start, end, depth_db, ramp))

    def ends_at(self, key: str) -> int:
        """The station sample just after the last audible sample of ``key``."""
        if key in self._items:
            return self._items[key].end
        if key in self._ended:
            return self._ended[key]
        raise KeyError(f"{key!r} is not in the mix")

    def heard_until(self, key: str, floor_dbfs: float) -> int:
        """The station sample after the last one at which ``key`` sounds at ``floor_dbfs``
        or above, its gain, fades and ducks applied (where it falls silent on the air).

        Read back from its end a few seconds at a time: the answer is near it.
        """
        item = self._items.get(key)
        if item is None:
            return self.ends_at(key)
        floor = 10 ** (floor_dbfs / 20)
        hi = item.end
        while hi > item.start:
            lo = max(item.start, hi - _HEARD_STEP)
            level = np.abs(item.audio[lo - item.start : hi - item.start]).max(axis=1)
            env = item.envelope(lo, hi)
            level *= np.float32(item.gain) if env is None else env
            loud = np.flatnonzero(level >= floor)
            if len(loud):
                return lo + int(loud[-1]) + 1
            hi = lo
        return item.start

    def active(self) -> list[str]:
        """Keys still placed (not yet ended) at :attr:`position`, in order of start."""
        live = [(item.start, key) for key, item in self._items.items() if item.end > self._position]
        return [key for _, key in sorted(live)]

    def placed(self, key: str) -> bool:
        """Whether ``key`` is in the mix and has not ended by :attr:`position`."""
        item = self._items.get(key)
        return item is not None and item.end > self._position

    def render(self, frames: int) -> Block:
        """The limited master for station samples ``[position, position + frames)``."""
        if frames < 0:
            raise ValueError(f"cannot render {frames} frames")
        if frames <= _CHUNK:
            out = self._render_chunk(frames)
        else:
            out = np.empty((frames, CHANNELS), np.float32)
            for done in range(0, frames, _CHUNK):
                n = min(_CHUNK, frames - done)
                out[done : done + n] = self._render_chunk(n)
        self._position += frames
        self._retire()
        return out

    def _render_chunk(self, n: int) -> Block:
        if self._limiter is None:
            return self._mix(n)
        # The first chunk also fills the limiter's delay line with the mix from `start`.
        limited = self._limiter.process(self._mix(n + self._preroll))
        limited, self._preroll = limited[self._preroll :], 0
        return limited

    def _mix(self, n: int) -> Block:
        """Sum the next ``n`` station samples from the horizon on, and advance it."""
        lo, hi = self._mixed, self._mixed + n
        bus = np.zeros((n, CHANNELS), np.float32)
        for item in self._items.values():
            i0, i1 = max(lo, item.start), min(hi, item.end)
            if i0 >= i1:
                continue
            source = item.audio[i0 - item.start : i1 - item.start]
            target = bus[i0 - lo : i1 - lo]
            env = item.envelope(i0, i1)
            if env is not None:
                target += source * env[:, None]
            elif item.gain != 1.0:
                target += source * np.float32(item.gain)
            else:
                target += source
        self._mixed = hi
        return bus

    def _changing(self, key: str, at: int) -> _Placement:
        """The placement a change to ``key`` from ``at`` applies to, if it can still air."""
        if at < self.horizon:
            raise ValueError(
                f"a change to {key!r} at sample {at} is too late: the mix is summed up to "
                f"{self.horizon} (position {self._position} + latency {self._latency})"
            )
        item = self._items.get(key)
        if item is None or item.end <= self._position:
            raise KeyError(f"{key!r} is not in the mix")
        return item

    def _shorten(self, key: str, item: _Placement, end: int) -> None:
        """End ``key`` by ``end``; if it now never sounds, it leaves the mix."""
        item.end = min(item.end, end)
        if item.end <= item.start:
            del self._items[key]
            self._ended[key] = item.start

    def _retire(self) -> None:
        """Forget airings that have ended, keeping their end for :meth:`ends_at`."""
        for key in [k for k, item in self._items.items() if item.end <= self._position]:
            self._ended[key] = self._items.pop(key).end
        while len(self._ended) > _ENDED_KEPT:
            self._ended.popitem(last=False)
