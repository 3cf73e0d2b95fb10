"""Where an item's intro ends, where the next item may start, and how it ends.

Read from the item's RMS envelope (100 values a second):

- the *body level* is the 90th percentile of the 0.4 s-smoothed envelope
  between cue-in and cue-out: how loud the song is once it is going;
- the *intro end* (the "post" a presenter talks up to) is the first moment,
  after cue-in, the envelope reaches the body level less ``intro_db``; an item
  that is there within half a second has no intro (a cold open);
- the ending is a *fade* when the last moment at the body level less
  ``ending_db`` is more than ``fade_min_s`` before cue-out, else *cold*;
- the *segue point* is where a fade has fallen ``segue_db`` under the body
  level (the next item can start there); for a cold ending it is cue-out, or
  where the ring-out after the last loud moment has fallen ``tail_db`` under
  the body level, if sooner: cue-out is where the file falls under -60 dBFS,
  and a second of ring-out between that and the air's -50 dBFS silence
  threshold, waited out, aired as a second of near-silence before the next item.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from onair.domain.library import Ending

__all__ = ["Ending", "Transitions", "find_transitions"]


@dataclass(frozen=True)
class Transitions:
    intro_end_s: float
    segue_s: float
    ending: Ending


def _smooth(rms_db: list[float], rate: int, window_s: float) -> npt.NDArray[np.float64]:
    power = np.power(10.0, np.asarray(rms_db) / 10)
    width = max(1, round(window_s * rate))
    kernel = np.ones(width) / width
    smoothed = np.convolve(power, kernel, mode="same")
    return np.asarray(10 * np.log10(np.maximum(smoothed, 1e-12)), dtype=np.float64)


def find_transitions(
    rms_db: list[float],
    rate: int,
    cue_in_s: float,
    cue_out_s: float,
    *,
    intro_db: float = 6.0,
    ending_db: float = 6.0,
    segue_db: float = 18.0,
    tail_db: float = 35.0,
    fade_min_s: float = 1.5,
) -> Transitions:
    """The transitions of an item whose envelope is ``rms_db`` at ``rate`` values a second."""
    first, last = int(cue_in_s * rate), max(int(cue_in_s * rate) + 1, int(cue_out_s * rate))
    level = _smooth(rms_db, rate, 0.4)[first:last]
    if level.size == 0:
        return Transitions(cue_in_s, cue_out_s, Ending.COLD)
    body = float(np.percentile(level, 90))
    reached = np.flatnonzero(level >= body - intro_db)
    intro_end = cue_in_s + (reached[0] / rate if reached.size else 0.0)
    if intro_end - cue_in_s < 0.5:
        intro_end = cue_in_s
    going = np.flatnonzero(level >= body - ending_db)
    loud_end = first + (going[-1] + 1 if going.size else 0)
    if cue_out_s - loud_end / rate < fade_min_s:
        rung_out = np.flatnonzero(level[loud_end - first :] < body - tail_db)
        end = (loud_end + rung_out[0]) / rate if rung_out.size else cue_out_s
        return Transitions(intro_end, min(end, cue_out_s), Ending.COLD)
    tail = level[loud_end - first :]
    faded = np.flatnonzero(tail < body - segue_db)
    segue = (loud_end + faded[0]) / rate if faded.size else cue_out_s
    return Transitions(intro_end, min(segue, cue_out_s), Ending.FADE)
