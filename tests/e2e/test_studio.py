"""The studio in a real browser against a real ``onair serve`` of a small demo station:
a person signs in, sees what plays with its timers ticking, presses Skip and sees the
air change, holds and resumes by key; a viewer sees no buttons it may not press; the
public page switches titles when a listener hears the change; a lost connection shows
itself and recovers without a reload. Each screen is photographed at 1440x900 and
checked with axe-core (see tests/e2e/browser.py)."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from contextlib import AbstractContextManager
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import httpx
import pytest
from playwright.sync_api import Browser, Page, expect

from onair.api.studio import BUILT_STUDIO
from tests.e2e.browser import SCREENS, VIEWPORT, accessibility_violations, chromium
from tests.e2e.cli import closed_port, onair, running_server

pytestmark = pytest.mark.timeout(300)

PASSWORD = "a long enough password"
# A key of its own, so sessions outlive a restart of the server (as in production).
_ENV = {"ONAIR_SECRET_KEY": "studio-tests-" + "k" * 40}
_AIRING = re.compile("^(auto|fallback)$")


class Station:
    """A demo station of eight items, its API and playout served on one port; it can be
    restarted there, as an operator's server is."""

    def __init__(self, root: Path) -> None:
        self.data = ("--data-dir", str(root / "data"))
        self.log = root / "serve.log"
        self.port = closed_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self._running: AbstractContextManager[object] | None = None

    def start(self) -> None:
        self._running = running_server("serve", "--role", "api", "--role", "playout",
                                       *self.data, env=_ENV, log=self.log,
                                       port=self.port)  # fmt: skip
        self._running.__enter__()

    def stop(self) -> None:
        if self._running is not None:
            self._running.__exit__(None, None, None)
            self._running = None


@pytest.fixture(scope="module")
def station(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Station]:
    assert (BUILT_STUDIO / "index.html").is_file(), "the studio is not built: run make studio"
    served = Station(tmp_path_factory.mktemp("studio"))
    made = onair("demo", "--tracks", "8", "--no-serve", *served.data, timeout=240)
    assert made.returncode == 0, made.stderr
    for name, role in (("ann", "operator"), ("vic", "viewer")):
        added = onair("user", "add", name, "--role", role, "--password-stdin", *served.data,
                      input_text=PASSWORD + "\n")  # fmt: skip
        assert added.returncode == 0, added.stderr
    served.start()
    try:
        yield served
    finally:
        served.stop()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with chromium() as launched:
        yield launched


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport=VIEWPORT)  # type: ignore[arg-type]
    yield context.new_page()
    context.close()


def _shoot(page: Page, name: str) -> Path:
    SCREENS.mkdir(parents=True, exist_ok=True)
    path = SCREENS / f"{name}.png"
    page.screenshot(path=path)
    return path


def _sign_in(page: Page, base: str, name: str, password: str = PASSWORD) -> None:
    page.goto(base + "/")
    page.get_by_label("Name").fill(name)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def _on_air(page: Page) -> str:
    """The title on the air once the station has one (a loaded machine takes seconds)."""
    title = page.get_by_test_id("now-title")
    expect(title).not_to_have_text("Nothing on the air", timeout=30_000)
    return title.inner_text()


def test_a_wrong_password_is_refused_in_place_and_the_right_one_opens_the_studio(
    station: Station, page: Page
) -> None:
    page.goto(station.base + "/")
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    _shoot(page, "login-dark")
    assert accessibility_violations(page) == []
    _sign_in(page, station.base, "ann", "not her password")
    expect(page.get_by_role("alert")).to_contain_text("do not match a user of this station")
    expect(page.get_by_label("Name")).to_have_value("ann")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("region", name="Now playing")).to_be_visible()
    expect(page.get_by_test_id("connection")).to_have_attribute("data-connection", "live")


def test_the_operator_sees_the_air_tick_and_a_skip_change_it(station: Station, page: Page) -> None:
    _sign_in(page, station.base, "ann")
    playing = _on_air(page)
    remaining = page.get_by_role("timer", name="Remaining")
    expect(remaining).to_be_visible(timeout=10_000)
    before = remaining.inner_text()
    expect(remaining).not_to_have_text(before, timeout=3_000)  # it ticks
    expect(page.get_by_test_id("on-air-light")).to_have_text(re.compile("on air", re.I))
    # Auto, or fallback where an earlier skip left a gap the schedule does not fill.
    expect(page.locator("[data-mode]")).to_have_attribute("data-mode", _AIRING, timeout=10_000)
    expect(page.get_by_test_id("next-items").get_by_role("listitem").first).to_be_visible()
    expect(page.get_by_test_id("meters")).to_be_visible(timeout=10_000)
    _shoot(page, "on-air-dark")
    assert accessibility_violations(page) == []

    playing = page.get_by_test_id("now-title").inner_text()
    page.get_by_role("button", name="Skip").click()
    expect(page.get_by_test_id("now-title")).not_to_have_text(playing, timeout=10_000)
    expect(page.get_by_role("status").filter(has_text="Skip: done")).to_be_visible()
    # The stream runs seconds behind the air: the screen says what listeners still hear.
    expect(page.get_by_test_id("listener-line")).to_contain_text("Listeners still hear")
    # What listeners are told agrees, once playout has saved where it stands (each second).
    deadline = time.monotonic() + 5
    while httpx.get(f"{station.base}/api/v1/public/now-playing").json()["title"] == playing:
        assert time.monotonic() < deadline, "the public now-playing still names the skipped item"
        time.sleep(0.2)

    page.get_by_role("button", name="Switch to the light theme").click()
    expect(page.locator("html")).to_have_attribute("data-theme", "light")
    _shoot(page, "on-air-light")
    assert accessibility_violations(page) == []


def test_times_are_the_stations_wherever_the_browser_is(station: Station, browser: Browser) -> None:
    # A producer in Tokyo reads the Chicago station's clocks, as its logs and posts are.
    context = browser.new_context(viewport=VIEWPORT, timezone_id="Asia/Tokyo")  # type: ignore[arg-type]
    page = context.new_page()
    try:
        _sign_in(page, station.base, "ann")
        _on_air(page)
        expect(page.get_by_test_id("station-zone")).to_have_text("Station time · America/Chicago")
        shown = datetime.strptime(page.get_by_test_id("started-at").inner_text(), "%H:%M:%S")
    finally:
        context.close()
    chicago = datetime.now(ZoneInfo("America/Chicago"))
    started = chicago.replace(hour=shown.hour, minute=shown.minute, second=shown.second)
    # The item started minutes ago in Chicago time (Tokyo is 14 or 15 hours off it).
    off = min(abs(started - chicago - timedelta(days=d)) for d in (-1, 0, 1))
    assert off < timedelta(minutes=15), (shown.time(), chicago.time())


def test_hold_and_resume_by_key_change_the_mode(station: Station, page: Page) -> None:
    _sign_in(page, station.base, "ann")
    _on_air(page)
    mode = page.locator("[data-mode]")
    expect(mode).to_have_attribute("data-mode", _AIRING, timeout=10_000)
    page.keyboard.press("h")
    expect(page.get_by_text("Mode: Hold")).to_be_visible(timeout=10_000)
    expect(page.get_by_role("button", name="Hold")).to_be_disabled()
    page.keyboard.press("r")
    expect(mode).to_have_attribute("data-mode", _AIRING, timeout=10_000)
    expect(page.get_by_role("button", name="Hold")).to_be_enabled()


def test_an_insert_found_by_title_airs_next(station: Station, page: Page) -> None:
    made = onair("token", "create", "--name", "insert-test", "--role", "viewer", *station.data)
    viewer = {"Authorization": f"Bearer {made.stdout.splitlines()[-1]}"}
    airable = httpx.get(f"{station.base}/api/v1/assets?kind=music&rights=airable",
                        headers=viewer).json()["items"]  # fmt: skip
    playing = httpx.get(f"{station.base}/api/v1/public/now-playing").json()["title"]
    chosen = next(s for s in airable if s["title"] != playing)
    _sign_in(page, station.base, "ann")
    _on_air(page)
    page.keyboard.press("i")
    dialog = page.get_by_role("dialog", name="Insert next")
    expect(dialog).to_be_visible()
    dialog.get_by_label("Title, artist or album").fill("no such song anywhere")
    dialog.get_by_role("button", name="Search").click()
    expect(dialog).to_contain_text("Nothing that may air today matches")
    dialog.get_by_label("Title, artist or album").fill(chosen["title"])
    dialog.get_by_role("button", name="Search").click()
    expect(dialog.get_by_role("list", name="Assets found")).to_be_visible()
    _shoot(page, "insert-dark")
    assert accessibility_violations(page) == []
    dialog.get_by_role("button", name=f"Insert {chosen['title']} next").first.click()
    expect(dialog).to_be_hidden()
    first_next = page.get_by_test_id("next-items").get_by_role("listitem").first
    expect(first_next).to_contain_text(chosen["title"], timeout=10_000)
    expect(first_next).to_contain_text(re.compile("inserted", re.I))


def test_a_viewer_sees_the_air_but_no_buttons_to_change_it(station: Station, page: Page) -> None:
    _sign_in(page, station.base, "vic")
    expect(page.get_by_role("region", name="Now playing")).to_be_visible()
    expect(page.get_by_role("region", name="Program")).to_be_visible()
    expect(page.get_by_role("button", name="Skip")).to_have_count(0)
    expect(page.get_by_role("button", name="Hold")).to_have_count(0)
    page.keyboard.press("s")  # the shortcut does nothing for a viewer either
    expect(page.get_by_role("alert")).to_have_count(0)


def test_the_public_page_switches_when_the_listener_hears_the_change(
    station: Station, page: Page
) -> None:
    page.goto(station.base + "/listen")  # no sign-in
    heard = page.get_by_test_id("heard-title")
    expect(heard).not_to_have_text(re.compile("Tuning in|Off the air"), timeout=30_000)
    before = heard.inner_text()
    _shoot(page, "listen-dark")
    assert accessibility_violations(page) == []
    skip = onair("playout", "skip", "--url", station.base, *station.data)
    assert skip.returncode == 0, skip.stderr
    deadline = time.monotonic() + 10
    while (now := httpx.get(f"{station.base}/api/v1/public/now-playing").json())["title"] == before:
        assert time.monotonic() < deadline, "the skip never changed the air"
        time.sleep(0.1)
    heard_from = datetime.fromisoformat(now["started_at"]).timestamp() * 1000
    heard_from += now["audio_delay_ms"]["stream.mp3"]
    if time.time() * 1000 < heard_from - 1000:  # the listener still hears the item before
        expect(heard).to_have_text(before)
    expect(heard).to_have_text(now["title"], timeout=15_000)
    assert time.time() * 1000 >= heard_from


def test_a_lost_connection_shows_itself_and_recovers_without_a_reload(
    station: Station, page: Page
) -> None:
    _sign_in(page, station.base, "ann")
    _on_air(page)
    connection = page.get_by_test_id("connection")
    expect(connection).to_have_attribute("data-connection", "live")
    page.evaluate("window.notReloaded = true")
    station.stop()
    expect(connection).to_have_attribute("data-connection", "reconnecting", timeout=10_000)
    expect(connection).to_contain_text("Connection lost")
    _shoot(page, "on-air-reconnecting")
    station.start()
    expect(connection).to_have_attribute("data-connection", "live", timeout=30_000)
    _on_air(page)
    assert page.evaluate("window.notReloaded") is True
