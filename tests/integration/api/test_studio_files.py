"""The studio at ``/`` of the real app: its pages and files, the API's paths kept its own,
and a checkout whose studio is not built saying so in a page, not a 500."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import httpx
import pytest

from onair.bootstrap.serve import build_app
from onair.bootstrap.station import open_station
from onair.config import load_settings


@asynccontextmanager
async def _served(tmp_path: Path, studio: Path) -> AsyncIterator[httpx.AsyncClient]:
    """The app of ``onair serve --role api`` with ``studio_dir`` set to ``studio``."""
    settings = load_settings(None, data_dir=tmp_path / "station", studio_dir=studio)
    station = await open_station(settings, frozenset({"api"}))
    transport = httpx.ASGITransport(app=build_app(station))
    try:
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
            yield client
    finally:
        await station.close()


@pytest.fixture
def built(tmp_path: Path) -> Path:
    folder = tmp_path / "studio"
    (folder / "assets").mkdir(parents=True)
    (folder / "index.html").write_text("<!doctype html><title>onair studio</title>")
    (folder / "assets" / "index-abc123.js").write_text("console.log('studio')")
    return folder


async def test_the_studio_answers_its_pages_and_files_and_the_api_keeps_its_paths(
    tmp_path: Path, built: Path
) -> None:
    async with _served(tmp_path, built) as client:
        home = await client.get("/")
        screen = await client.get("/library")  # a screen of the app: its index
        script = await client.get("/assets/index-abc123.js")
        missing = await client.get("/assets/index-gone.js")
        unknown_api = await client.get("/api/v1/no-such-route")
        health = await client.get("/healthz")
        spec = await client.get("/openapi.json")
    assert home.status_code == 200
    assert "onair studio" in home.text
    assert home.headers["cache-control"] == "no-cache"
    assert screen.status_code == 200
    assert screen.text == home.text
    assert script.text == "console.log('studio')"
    assert "immutable" in script.headers["cache-control"]
    assert missing.status_code == 404
    assert unknown_api.status_code == 404
    assert unknown_api.headers["content-type"] == "application/problem+json"
    assert health.headers["content-type"].startswith("application/json")
    assert "paths" in spec.json()


async def test_an_unbuilt_studio_is_a_page_saying_how_to_build_it(tmp_path: Path) -> None:
    async with _served(tmp_path, tmp_path / "nothing-built") as client:
        home = await client.get("/")
        status = await client.get("/api/v1/status")
    assert home.status_code == 404
    assert "The studio is not built" in home.text
    assert "make studio" in home.text
    assert status.status_code == 401  # the API answers as ever
