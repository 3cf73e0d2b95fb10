"""Debian's Chromium (/usr/bin/chromium) driven by Playwright, as a person uses the studio.

Playwright never downloads a browser here: it launches the system's, headless, with
the flags that keep it off the network (no background fetches, no updates, no sync),
in a fresh profile each time. Screenshots go to ``studio-screens/`` at the checkout's
root (or ``ONAIR_SCREENSHOTS``), never committed.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from playwright.sync_api import Browser, sync_playwright

__all__ = ["CHROMIUM", "SCREENS", "VIEWPORT", "chromium"]

CHROMIUM = Path("/usr/bin/chromium")
ROOT = Path(__file__).resolve().parents[2]
SCREENS = Path(os.environ.get("ONAIR_SCREENSHOTS", ROOT / "studio-screens"))
VIEWPORT = {"width": 1440, "height": 900}
_FLAGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip


@contextmanager
def chromium() -> Iterator[Browser]:
    assert CHROMIUM.exists(), "the browser tests need Debian's chromium (make install-test)"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=_FLAGS)
        try:
            yield browser
        finally:
            browser.close()
