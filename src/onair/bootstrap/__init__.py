"""The one place that turns settings into wired adapters and running services.

Embedded defaults (SQLite, a folder, the in-process bus) and the real services
(PostgreSQL, S3, NATS JetStream) are chosen here from settings, never by code
edits elsewhere. Every role ``onair serve`` can run is in :data:`ROLES`, and
every service reaches the database, object store and clock through one
:class:`Stores` a process builds once.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from onair.bootstrap.adapters import (
        StartupError,
        current_database_revision,
        downgrade_database,
        masked_database_url,
        prepare_data_dir,
        upgrade_database,
    )
    from onair.bootstrap.agents import agent_runtime, open_agents, start_agents
    from onair.bootstrap.compliance import Compliance, open_compliance, start_compliance
    from onair.bootstrap.ingest import (
        ingest_options,
        load_catalogs,
        open_discovery,
        run_ingest,
        start_ingest,
    )
    from onair.bootstrap.playout import (
        Playout,
        open_render,
        playout_rules,
        render_timeline,
        start_playout,
        station_zone,
        timeline_settings,
    )
    from onair.bootstrap.roles import ROLES, RoleStarter
    from onair.bootstrap.scheduler import (
        build_schedule,
        open_programs,
        open_scheduler,
        start_scheduler,
    )
    from onair.bootstrap.serve import serve
    from onair.bootstrap.station import HttpFace, RunningRole, Station, open_station
    from onair.bootstrap.stores import Stores, open_library, open_stores

__all__ = [
    "ROLES",
    "Compliance",
    "HttpFace",
    "Playout",
    "RoleStarter",
    "RunningRole",
    "StartupError",
    "Station",
    "Stores",
    "agent_runtime",
    "build_schedule",
    "current_database_revision",
    "downgrade_database",
    "ingest_options",
    "load_catalogs",
    "masked_database_url",
    "open_agents",
    "open_compliance",
    "open_discovery",
    "open_library",
    "open_programs",
    "open_render",
    "open_scheduler",
    "open_station",
    "open_stores",
    "playout_rules",
    "prepare_data_dir",
    "render_timeline",
    "run_ingest",
    "serve",
    "start_agents",
    "start_compliance",
    "start_ingest",
    "start_playout",
    "start_scheduler",
    "station_zone",
    "timeline_settings",
    "upgrade_database",
]

# Each name and the module that defines it, imported on first use: a command
# that opens the library should not load the agents, the web app or the audio
# stack because they are wired here too.
_HOMES = {
    "Compliance": "onair.bootstrap.compliance",
    "HttpFace": "onair.bootstrap.station",
    "Playout": "onair.bootstrap.playout",
    "ROLES": "onair.bootstrap.roles",
    "RoleStarter": "onair.bootstrap.roles",
    "RunningRole": "onair.bootstrap.station",
    "StartupError": "onair.bootstrap.adapters",
    "Station": "onair.bootstrap.station",
    "Stores": "onair.bootstrap.stores",
    "agent_runtime": "onair.bootstrap.agents",
    "build_schedule": "onair.bootstrap.scheduler",
    "current_database_revision": "onair.bootstrap.adapters",
    "downgrade_database": "onair.bootstrap.adapters",
    "ingest_options": "onair.bootstrap.ingest",
    "load_catalogs": "onair.bootstrap.ingest",
    "masked_database_url": "onair.bootstrap.adapters",
    "open_agents": "onair.bootstrap.agents",
    "open_compliance": "onair.bootstrap.compliance",
    "open_discovery": "onair.bootstrap.ingest",
    "open_library": "onair.bootstrap.stores",
    "open_programs": "onair.bootstrap.scheduler",
    "open_render": "onair.bootstrap.playout",
    "open_scheduler": "onair.bootstrap.scheduler",
    "open_station": "onair.bootstrap.station",
    "open_stores": "onair.bootstrap.stores",
    "playout_rules": "onair.bootstrap.playout",
    "prepare_data_dir": "onair.bootstrap.adapters",
    "render_timeline": "onair.bootstrap.playout",
    "run_ingest": "onair.bootstrap.ingest",
    "serve": "onair.bootstrap.serve",
    "start_agents": "onair.bootstrap.agents",
    "start_compliance": "onair.bootstrap.compliance",
    "start_ingest": "onair.bootstrap.ingest",
    "start_playout": "onair.bootstrap.playout",
    "start_scheduler": "onair.bootstrap.scheduler",
    "station_zone": "onair.bootstrap.playout",
    "timeline_settings": "onair.bootstrap.playout",
    "upgrade_database": "onair.bootstrap.adapters",
}


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(home), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
