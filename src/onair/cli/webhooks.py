"""``onair webhooks list|retry``: what the station posted to its receivers, what it gave up
on, and a dead delivery sent again once its receiver is fixed."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from onair import bootstrap
from onair.bootstrap.webhooks import delivery_desk
from onair.cli.access import shell_user
from onair.cli.console import out
from onair.cli.errors import operator_errors
from onair.cli.options import ConfigOpt, DataDirOpt, JsonOpt, StationOpt
from onair.cli.stores import settings_from
from onair.domain.webhooks import DeliveryState

__all__ = ["webhooks_app"]

webhooks_app = typer.Typer(help="Webhooks: deliveries to the station's receivers.",
                           no_args_is_help=True)  # fmt: skip

StateOpt = Annotated[
    DeliveryState | None,
    typer.Option("--state", help="Only deliveries in this state (dead: attempts spent)."),
]
LimitOpt = Annotated[int, typer.Option("--limit", min=1, max=10000, help="At most this many.")]


@webhooks_app.command("list")
def list_deliveries(
    state: StateOpt = None,
    limit: LimitOpt = 50,
    station: StationOpt = None,
    as_json: JsonOpt = False,
    config: ConfigOpt = None,
    data_dir: DataDirOpt = None,
) -> None:
    """The newest deliveries: their event, receiver, state, attempts and last error."""
    settings = settings_from(config, data_dir=data_dir, station=station)
    with operator_errors(), bootstrap.open_stores(settings) as stores:
        deliveries = delivery_desk(stores).listing(state, limit)
    rows = [{"id": d.id, "event": d.event.value, "url": d.url, "state": d.state.value,
             "attempts": d.attempts, "max_attempts": d.max_attempts,
             "created_at": d.created_at.isoformat(),
             "next_attempt_at": d.next_attempt_at.isoformat(), "last_error": d.last_error,
             "correlation_id": d.correlation_id} for d in deliveries]  # fmt: skip
    if as_json:
        out.print_json(json.dumps(rows))
        return
    if not deliveries:
        out.print("no webhook deliveries", highlight=False)
    for d in deliveries:
        why = f"  {d.last_error}" if d.last_error else ""
        out.print(f"{d.created_at.isoformat()[:19]} {d.event.value:<12} {d.state.value:<9} "
                  f"{d.attempts}/{d.max_attempts} {d.url}{why}",
                  highlight=False, soft_wrap=True)  # fmt: skip


@webhooks_app.command("retry")
def retry_delivery(
    delivery_id: Annotated[str, typer.Argument(help="The dead delivery's id ('webhooks list').")],
    station: StationOpt = None,
    config: ConfigOpt = None,
    data_dir: DataDirOpt = None,
) -> None:
    """Send a dead delivery again: pending once more, its attempts from nothing."""
    settings = settings_from(config, data_dir=data_dir, station=station)
    with operator_errors(), bootstrap.open_stores(settings) as stores:
        delivery = delivery_desk(stores).retry(delivery_id, shell_user())
    out.print(f"delivery {delivery.id} to {delivery.url} is pending again: the webhooks "
              "role posts it within a second", highlight=False, soft_wrap=True)  # fmt: skip
