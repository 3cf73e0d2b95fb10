"""The studio in a real browser against a real ``onair serve`` of a small demo station:
a person signs in, sees what plays with its timers ticking, presses Skip and sees the
air change; a viewer sees no buttons it may not press. Each screen is photographed at
1440x900 in both themes (see tests/e2e/browser.py)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Browser, Page, expect

from onair.api.studio import BUILT_STUDIO
from tests.e2e.browser import SCREENS, VIEWPORT, accessibility_violations, chromium
from tests.e2e.cli import onair, running_server

pytestmark = pytest.mark.timeout(300)

PASSWORD = "a long enough password"


@pytest.fixture(scope="module")
def station(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A demo station of eight items, its API and playout served; yields its base URL."""
    assert (BUILT_STUDIO / "index.html").is_file(), "the studio is not built: run make studio"
    root = tmp_path_factory.mktemp("studio")
    data = ("--data-dir", str(root / "data"))
    made = onair("demo", "--tracks", "8", "--no-serve", *data, timeout=240)
    assert made.returncode == 0, made.stderr
    for name, role in (("ann", "operator"), ("vic", "viewer")):
        added = onair("user", "add", name, "--role", role, "--password-stdin", *data,
                      input_text=PASSWORD + "\n")  # fmt: skip
        assert added.returncode == 0, added.stderr
    log = root / "serve.log"
    with running_server("serve", "--role", "api", "--role", "playout", *data, log=log) as (base, _):
        yield base


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


def test_a_wrong_password_is_refused_in_place_and_the_right_one_opens_the_studio(
    station: str, page: Page
) -> None:
    page.goto(station + "/")
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    _shoot(page, "login-dark")
    assert accessibility_violations(page) == []
    _sign_in(page, station, "ann", "not her password")
    expect(page.get_by_role("alert")).to_contain_text("do not match a user of this station")
    expect(page.get_by_label("Name")).to_have_value("ann")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("region", name="Now playing")).to_be_visible()
    expect(page.get_by_test_id("connection")).to_have_attribute("data-connection", "live")


def test_the_operator_sees_the_air_tick_and_a_skip_change_it(station: str, page: Page) -> None:
    _sign_in(page, station, "ann")
    title = page.get_by_test_id("now-title")
    expect(title).not_to_have_text("Nothing on the air", timeout=30_000)
    remaining = page.get_by_role("timer", name="Remaining")
    expect(remaining).to_be_visible(timeout=10_000)
    before = remaining.inner_text()
    expect(remaining).not_to_have_text(before, timeout=3_000)  # it ticks
    expect(page.get_by_test_id("on-air-light")).to_have_text(re.compile("on air", re.I))
    expect(page.get_by_text("Mode: Auto")).to_be_visible(timeout=10_000)
    expect(page.get_by_test_id("next-items").get_by_role("listitem").first).to_be_visible()
    expect(page.get_by_test_id("meters")).to_be_visible(timeout=10_000)
    _shoot(page, "on-air-dark")
    assert accessibility_violations(page) == []

    playing = title.inner_text()
    page.get_by_role("button", name="Skip").click()
    expect(title).not_to_have_text(playing, timeout=10_000)
    expect(page.get_by_role("status").filter(has_text="skip: done")).to_be_visible()
    # The stream runs seconds behind the air: the screen says what listeners still hear.
    expect(page.get_by_test_id("listener-line")).to_contain_text("Listeners still hear")
    skipped = httpx.get(f"{station}/api/v1/public/now-playing").json()
    assert skipped["title"] != playing

    page.get_by_role("button", name="Switch to the light theme").click()
    expect(page.locator("html")).to_have_attribute("data-theme", "light")
    _shoot(page, "on-air-light")
    assert accessibility_violations(page) == []


def test_a_viewer_sees_the_air_but_no_buttons_to_change_it(station: str, page: Page) -> None:
    _sign_in(page, station, "vic")
    expect(page.get_by_role("region", name="Now playing")).to_be_visible()
    expect(page.get_by_role("region", name="Program")).to_be_visible()
    expect(page.get_by_role("button", name="Skip")).to_have_count(0)
    expect(page.get_by_role("button", name="Hold")).to_have_count(0)
    page.keyboard.press("s")  # the shortcut does nothing for a viewer either
    expect(page.get_by_role("alert")).to_have_count(0)
