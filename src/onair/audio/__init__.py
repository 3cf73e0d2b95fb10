"""Signal processing that ingest and playout share: the program's true-peak limiter.

Ingest runs an item through the same limiter the program path airs it through,
so the gain it stores lands the item on the loudness target as it will be heard.
"""

from onair.audio.limiter import TruePeakLimiter

__all__ = ["TruePeakLimiter"]
