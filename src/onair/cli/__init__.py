"""The ``onair`` command: serve a station, run the demo, manage the database and settings.

Each command's module is imported only when that command runs (see
:mod:`onair.cli.deferred`): ``onair --help`` and a playout trigger answer at
once, without loading the audio stack, the agents or the web app.
"""

from __future__ import annotations

import typer

from onair.cli.deferred import Deferred, DeferredGroup

__all__ = ["app", "main"]


class StationCommands(DeferredGroup):
    """Every ``onair`` command, in the order ``onair --help`` lists them."""

    deferred = {
        "serve": Deferred(
            "onair.cli.serve:serve",
            "Serve the station: health, metrics and the services of the chosen roles.",
        ),
        "ingest": Deferred(
            "onair.cli.ingest:ingest",
            "Ingest audio and catalog feeds: tags, rights, loudness, cue points, duplicates.",
        ),
        "demo": Deferred(
            "onair.cli.demo:demo",
            "Prepare a demo station on embedded defaults (with a demo library) and serve it.",
        ),
        "demo-library": Deferred(
            "onair.cli.demo:demo_library",
            "Synthesize a demo library (music, IDs, jingles, liners) with catalog.csv and"
            " truth.json.",
        ),
        "db": Deferred("onair.cli.database:db_app", "The station database: schema migrations."),
        "config": Deferred("onair.cli.settings:config_app", "The effective settings."),
        "library": Deferred("onair.cli.library:library_app", "The station's library of assets."),
        "station": Deferred(
            "onair.cli.station:station_app",
            "The station's programming: categories, clocks, grid and rules.",
        ),
        "playlist": Deferred(
            "onair.cli.playlist:playlist_app",
            "Playlists: named, ordered lists of assets that a playlist category airs.",
        ),
        "schedule": Deferred(
            "onair.cli.schedule:schedule_app",
            "The station's schedule: build, check and export hours.",
        ),
        "playout": Deferred(
            "onair.cli.playout:playout_app", "Playout: render the schedule, read what aired."
        ),
        "ads": Deferred(
            "onair.cli.ads:ads_app",
            "Traffic: the station's advertisers and orders, placed into its spot breaks.",
        ),
        "agents": Deferred(
            "onair.cli.agents:agents_app",
            "Agents: voice links, promos and IDs written and voiced ahead of air.",
        ),
        "audit": Deferred(
            "onair.cli.audit:audit_app",
            "The compliance ledger: verify it, seal days, read, export and prune them.",
        ),
        "user": Deferred(
            "onair.cli.access:user_app", "The station's users: who logs in, with which role."
        ),
        "token": Deferred(
            "onair.cli.access:token_app", "API tokens for scripts: made, listed, revoked."
        ),
        "webhooks": Deferred(
            "onair.cli.webhooks:webhooks_app", "Webhooks: deliveries to the station's receivers."
        ),
        "api": Deferred("onair.cli.api:api_app", "The station's HTTP API: its OpenAPI document."),
        "report": Deferred(
            "onair.cli.report:report_app",
            "Reports from the verified ledger: as-run, SoundExchange, legal IDs, DMCA,"
            " licensing, ad affidavit (CSV or JSON; see docs/reports.md).",
        ),
    }


app = typer.Typer(
    cls=StationCommands,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)


@app.callback()
def _station() -> None:
    """onair: radio automation that schedules, airs and proves every hour."""


def main() -> None:
    app()
