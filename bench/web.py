"""The studio in Debian's Chromium against ``onair serve`` of a small demo station.

Prints one JSON line: ``first_contentful_paint_ms``, ``update_to_dom_p95_ms``,
``bundle_kb_gz``, ``bundle_3d_kb_gz``, then the breakdown and the machine's load.

- ``first_contentful_paint_ms``: the median over ``--loads`` (default 5) loads of
  ``/`` (the sign-in screen) in a fresh browser context each (an empty cache), of
  the page's own first-contentful-paint entry; loopback, the built studio.
- ``update_to_dom_p95_ms``: an operator signed in to the On Air screen; a token
  skips the item on air ``--changes`` times (default 20) ``--every`` seconds apart
  (2). For each item that starts, the time from playout publishing it (the live
  message's ``time``, read by a WebSocket client of this process) to the screen
  showing it (a MutationObserver in the page sees the title's play id change);
  both clocks are this machine's. Its 95th percentile, with the median and worst.
- ``bundle_kb_gz``: what the sign-in screen loads (the build's JavaScript and CSS),
  gzipped at level 9, in KiB. ``bundle_3d_kb_gz``: the 3D chunk's, null while the
  studio has none.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import secrets
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import datetime
from pathlib import Path

import httpx
import numpy as np
from playwright.sync_api import Page, sync_playwright
from websockets.sync.client import connect

from api import free_port, serve_station
from onair.api.studio import BUILT_STUDIO

ONAIR = [sys.executable, "-m", "onair"]
PASSWORD = secrets.token_urlsafe(18)
CHROMIUM = "/usr/bin/chromium"
FLAGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip
WATCH = """() => {
  window.__changes = [];
  const title = document.querySelector('[data-testid="now-title"]');
  new MutationObserver(() => window.__changes.push([title.dataset.playId, Date.now()]))
    .observe(title, {attributes: true, attributeFilter: ['data-play-id']});
}"""


def _run(*args: str) -> str:
    done = subprocess.run([*ONAIR, *args], capture_output=True, text=True, check=True,
                          input=PASSWORD + "\n")  # fmt: skip
    return done.stdout


def _prepare(data_dir: Path) -> tuple[str, str, str]:
    """The demo station (8 items); an operator user, a viewer token and an operator token."""
    data = ("--data-dir", str(data_dir))
    if not (data_dir / "onair.sqlite3").exists():
        _run("demo", "--tracks", "8", "--no-serve", *data)
    operator = f"bench-{os.getpid()}"
    _run("user", "add", operator, "--role", "operator", "--password-stdin", *data)
    tokens = []
    for role in ("viewer", "operator"):
        made = _run("token", "create", "--name", f"bench-web-{role}-{os.getpid()}", "--role",
                    role, *data)  # fmt: skip
        tokens.append(made.split()[-1])
    return operator, tokens[0], tokens[1]


def _bundle_kb_gz() -> float:
    index = (BUILT_STUDIO / "index.html").read_text()
    loaded = [p for p in (BUILT_STUDIO / "assets").iterdir() if p.name in index]
    return round(sum(len(gzip.compress(p.read_bytes(), 9)) for p in loaded) / 1024, 1)


def _first_paint(page: Page, base: str) -> float:
    page.goto(base + "/")
    page.get_by_role("button", name="Sign in").wait_for()
    return float(page.evaluate(
        "performance.getEntriesByName('first-contentful-paint')[0].startTime"))  # fmt: skip


def _listen(base: str, token: str, started: dict[str, float], stop: threading.Event) -> None:
    """Each item's start as playout published it: play id -> epoch ms."""
    url = base.replace("http", "ws") + "/api/v1/live?types=now_playing"
    with connect(url, additional_headers={"Authorization": f"Bearer {token}"}) as ws:
        while not stop.is_set():
            try:
                message = json.loads(ws.recv(timeout=0.5))
            except TimeoutError:
                continue
            if message["type"] == "now_playing":
                at = datetime.fromisoformat(message["time"]).timestamp() * 1000
                started[message["data"]["play_id"]] = at


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, help="Reuse a prepared data dir.")
    parser.add_argument("--loads", type=int, default=5)
    parser.add_argument("--changes", type=int, default=20)
    parser.add_argument("--every", type=float, default=2.0)
    args = parser.parse_args()
    if not (BUILT_STUDIO / "index.html").is_file():
        raise SystemExit("the studio is not built: run make studio")
    data_dir = args.data_dir or Path(tempfile.mkdtemp(prefix="onair-bench-web-")) / "data"
    user, viewer, operator = _prepare(data_dir)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = serve_station(data_dir, port)
    started: dict[str, float] = {}
    stop = threading.Event()
    listener = threading.Thread(target=_listen, args=(base, viewer, started, stop), daemon=True)
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
            paints = []
            for _ in range(args.loads):
                context = browser.new_context(viewport={"width": 1440, "height": 900})
                paints.append(_first_paint(context.new_page(), base))
                context.close()
            page = browser.new_page(viewport={"width": 1440, "height": 900})
            page.goto(base + "/")
            page.get_by_label("Name").fill(user)
            page.get_by_label("Password").fill(PASSWORD)
            page.get_by_role("button", name="Sign in").click()
            page.locator('[data-testid="now-title"][data-play-id]').wait_for(timeout=60_000)
            page.evaluate(WATCH)
            listener.start()
            time.sleep(1)
            skip = {"Authorization": f"Bearer {operator}"}
            with httpx.Client(timeout=10) as http:
                for _ in range(args.changes):
                    http.post(f"{base}/api/v1/playout/skip", json={}, headers=skip)
                    time.sleep(args.every)
            shown = page.evaluate("window.__changes")
            browser.close()
    finally:
        stop.set()
        if listener.is_alive():
            listener.join(timeout=5)
        server.terminate()
        server.wait(timeout=60)
    first_shown: dict[str, float] = {}
    for play_id, at in shown:
        first_shown.setdefault(play_id, at)
    latencies = [first_shown[p] - at for p, at in started.items() if p in first_shown]
    if not latencies:
        raise SystemExit("no change of the air reached the screen")
    print(json.dumps({
        "first_contentful_paint_ms": round(statistics.median(paints), 1),
        "update_to_dom_p95_ms": round(float(np.percentile(latencies, 95)), 1),
        "bundle_kb_gz": _bundle_kb_gz(),
        "bundle_3d_kb_gz": None,
        "first_contentful_paint_ms_all": [round(p, 1) for p in paints],
        "update_to_dom_p50_ms": round(statistics.median(latencies), 1),
        "update_to_dom_max_ms": round(max(latencies), 1),
        "changes_published": len(started), "changes_shown": len(latencies),
        "cores": os.cpu_count(), "load_1m": round(os.getloadavg()[0], 2),
    }))  # fmt: skip


if __name__ == "__main__":
    main()
