"""Signal processing that ingest, agents and playout share: the program's true-peak limiter,
and the gain that airs an item at the loudness target through it.

Ingest and the agents' voicing run an item through the same limiter the
program path airs it through, so the gain they set lands the item on the
loudness target as it will be heard.
"""

from onair.audio.airing_gain import AiringGain, airing_gain
from onair.audio.limiter import TruePeakLimiter

__all__ = ["AiringGain", "TruePeakLimiter", "airing_gain"]
