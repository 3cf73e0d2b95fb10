"""The one place that turns settings into wired adapters and running services.

Embedded defaults (SQLite, a folder, the in-process bus) and the real services
(PostgreSQL, S3, NATS JetStream) are chosen here from settings, never by code
edits elsewhere. Every role ``onair serve`` can run is in :data:`ROLES`, and
every service reaches the database, object store and clock through one
:class:`Stores` a process builds once.
"""

from __future__ import annotations

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
    open_library,
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
from onair.bootstrap.scheduler import build_schedule, open_programs, open_scheduler, start_scheduler
from onair.bootstrap.serve import serve
from onair.bootstrap.station import HttpFace, RunningRole, Station, open_station
from onair.bootstrap.stores import Stores, open_stores

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
