"""The API's side of access: who may serve beyond loopback, the local operator's token,
and what an operator may insert.
"""

from __future__ import annotations

import asyncio
import ipaddress
import os
import tempfile
from pathlib import Path

from onair.api.state import InsertRefusal
from onair.bootstrap.adapters import StartupError
from onair.bootstrap.playout import playout_rules
from onair.bootstrap.stores import Stores
from onair.domain.access import AccessRefused, Role
from onair.storage.repositories.playout_library import SqlPlayoutLibrary

__all__ = ["LOCAL_OPERATOR", "check_open_serving", "insert_refusal", "local_operator_token"]

LOCAL_OPERATOR = "local-operator"


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_open_serving(stores: Stores) -> None:
    """Refuse to serve beyond loopback while no one could log in to run the station."""
    host = stores.settings.host
    if is_loopback(host) or stores.access().has_admin():
        return
    raise StartupError(
        f"station {stores.station} has no admin user, so it serves on loopback only"
        f" (not --host {host}): add one with 'onair user add NAME --role admin'"
    )


def local_operator_token(stores: Stores) -> Path:
    """The operator token this machine's ``onair playout`` commands use, kept in the data dir.

    The file is readable by the station's own user only; a token already there that
    still works is kept, so several processes on one data dir share it.
    """
    path = stores.settings.operator_token_file
    access = stores.access()
    try:
        access.token_principal(path.read_text().strip())
        return path
    except (OSError, AccessRefused):
        pass
    if any(t.name == LOCAL_OPERATOR and t.revoked_at is None for t in access.tokens()):
        access.revoke_token(LOCAL_OPERATOR, "onair serve")
    text, _ = access.create_token(LOCAL_OPERATOR, Role.OPERATOR, None, "onair serve")
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor, partial = tempfile.mkstemp(dir=path.parent, prefix=".operator.token.")
    try:
        with os.fdopen(descriptor, "w") as file:  # mkstemp made it 0600
            file.write(text + "\n")
        Path(partial).replace(path)
    except BaseException:
        Path(partial).unlink(missing_ok=True)
        raise
    return path


def insert_refusal(stores: Stores) -> InsertRefusal:
    """Why an asset may not be inserted now, as the lineup judges it at air time: unknown
    (422), without audio or without usage rights in the station's territory today (409)."""
    library = SqlPlayoutLibrary(stores.engine)

    def judge(asset_id: str) -> tuple[int, str] | None:
        found = library.playables(stores.station, [asset_id])
        if not found:
            return 422, f"asset {asset_id!r} is not in the station's library"
        if asset_id not in library.sounds(stores.station, [asset_id]):
            return 409, f"asset {asset_id!r} has no audio yet"
        rules = playout_rules(stores.settings, stores.program())
        day = stores.now().date()
        if not any(r.allows(rules.use, rules.territory, day) for r in found[0].rights):
            return 409, (f"asset {asset_id!r} has no usage rights for {rules.use.value} in"
                         f" {rules.territory} on {day}")  # fmt: skip
        return None

    async def refusal(asset_id: str) -> tuple[int, str] | None:
        return await asyncio.to_thread(judge, asset_id)

    return refusal
