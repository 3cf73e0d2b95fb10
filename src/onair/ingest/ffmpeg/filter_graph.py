"""Reading a PyAV filter graph: the audio frames it has ready, until it wants more input."""

from __future__ import annotations

from collections.abc import Iterator

import av
from av.filter import Graph

__all__ = ["ready_frames"]


def ready_frames(graph: Graph) -> Iterator[av.AudioFrame]:
    """Each frame ``graph`` can give now; stops when it needs input or has ended."""
    while True:
        try:
            frame = graph.pull()
        except (av.error.BlockingIOError, av.error.EOFError):
            return
        if isinstance(frame, av.AudioFrame):
            yield frame
