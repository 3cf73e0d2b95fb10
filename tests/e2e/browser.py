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

from playwright.sync_api import Browser, Page, sync_playwright

__all__ = ["CHROMIUM", "SCREENS", "VIEWPORT", "accessibility_violations", "chromium"]

CHROMIUM = Path("/usr/bin/chromium")
ROOT = Path(__file__).resolve().parents[2]
SCREENS = Path(os.environ.get("ONAIR_SCREENSHOTS", ROOT / "studio-screens"))
VIEWPORT = {"width": 1440, "height": 900}
# axe-core comes with the studio's npm packages (web/package.json).
AXE = ROOT / "web" / "node_modules" / "axe-core" / "axe.min.js"
_WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
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


def accessibility_violations(page: Page) -> list[str]:
    """What axe-core finds against WCAG 2.1 AA on the page as it stands: one line each,
    the rule and the elements that break it."""
    assert AXE.is_file(), "axe-core is missing: make studio installs the studio's npm packages"
    page.add_script_tag(path=AXE)
    found = page.evaluate(
        "async (tags) => (await axe.run(document, {runOnly: {type: 'tag', values: tags}}))"
        ".violations.map(v => `${v.id}: ${v.nodes.map(n => n.target.join(' ')).join(', ')}`)",
        _WCAG_AA,
    )
    return list(found)
