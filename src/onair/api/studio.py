"""The studio at ``/``: the built web app (web/, built by ``make studio``) as static files.

The API's routes and the built-in stream come first; every other path is the studio's.
A path that names no file (``/library``, a screen of the app) is answered with the
app's ``index.html``, whose router shows that screen. The build's hashed files under
``/assets/`` never change, so browsers keep them; ``index.html`` is asked for anew.
A checkout where the studio has not been built answers every studio path with one page
saying how to build it, never a 500.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

from starlette.exceptions import HTTPException
from starlette.responses import HTMLResponse, Response
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Receive, Scope, Send

__all__ = ["BUILT_STUDIO", "StudioFiles", "studio_app", "studio_fallback"]

# Where `make studio` (vite) writes the build: inside the package, never committed.
BUILT_STUDIO = Path(str(files("onair") / "studio"))

_IMMUTABLE = "public, max-age=31536000, immutable"

NOT_BUILT = """<!doctype html><html lang="en"><meta charset="utf-8">
<title>onair: the studio is not built</title>
<body style="font: 16px system-ui; margin: 3em; max-width: 40em">
<h1>The studio is not built</h1>
<p>This onair serves its API, but it has no studio to show at <code>/</code>:
there is no <code>index.html</code> in <code>{folder}</code>.</p>
<p>Build it from a checkout with <code>make studio</code> (Node.js 20.19 or newer:
<code>npm ci</code> and <code>npm run build</code> in <code>web/</code>), or point
<code>ONAIR_STUDIO_DIR</code> at a built one.</p>
</body></html>
"""


class StudioFiles(StaticFiles):
    """The build's files; a path naming no file is the app's own (its index)."""

    async def get_response(self, path: str, scope: Scope) -> Response:
        try:
            response = await super().get_response(path, scope)
        except HTTPException as exc:
            if exc.status_code != 404 or "." in path.rsplit("/", 1)[-1]:
                raise
            response = await super().get_response("index.html", scope)
        if path.startswith("assets/") and response.status_code == 200:
            response.headers["cache-control"] = _IMMUTABLE
        else:
            response.headers["cache-control"] = "no-cache"
        return response


def studio_app(folder: Path | None = None) -> ASGIApp:
    """The studio's files in ``folder`` (default: the package's build), or the page
    saying it is not built."""
    folder = folder or BUILT_STUDIO
    if not (folder / "index.html").is_file():
        return HTMLResponse(NOT_BUILT.format(folder=folder), status_code=404)
    return StudioFiles(directory=folder, html=True)


def studio_fallback(studio: ASGIApp, not_found: ASGIApp) -> ASGIApp:
    """The app's answer to what no route matched: a page of the studio, except under the
    API's own paths (an unknown API path stays the API's 404) and for WebSockets."""

    async def fallback(scope: Scope, receive: Receive, send: Send) -> None:
        api = scope["path"].startswith(("/api/", "/graphql"))
        await (studio if scope["type"] == "http" and not api else not_found)(scope, receive, send)

    return fallback
