"""The performance complement as playout keeps it at air time (17 U.S.C. 114(j)(13)).

The scheduler keeps the complement when it builds the hour; at air time
substitutes, fill, fallback rotation and operator inserts change what airs, so
playout keeps its own record of the music that aired in the last window and
asks it before each song it chooses. The model lives in the domain
(``onair.domain.complement``), where compliance replays what aired through it.
"""

from __future__ import annotations

from onair.domain.complement import Complement

__all__ = ["Complement"]
