"""``onair user`` and ``onair token``: who may use the station's API, and as what.

A password or a token is printed once, when it is made, and never again: only
its hash is kept. Each change is an operator action in the compliance ledger,
by the shell's user (``shell:NAME``).
"""

from __future__ import annotations

import getpass
import json
import secrets
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from onair import bootstrap
from onair.cli.console import out
from onair.cli.errors import operator_errors
from onair.cli.options import ConfigOpt, DataDirOpt, JsonOpt, StationOpt
from onair.cli.stores import settings_from
from onair.domain.access import AccessError, Role, parse_expiry

if TYPE_CHECKING:
    from onair.access import Access

__all__ = ["shell_user", "token_app", "user_app"]

user_app = typer.Typer(help="The station's users: who logs in, with which role.",
                       no_args_is_help=True)  # fmt: skip
token_app = typer.Typer(help="API tokens for scripts: made, listed, revoked.",
                        no_args_is_help=True)  # fmt: skip

RoleOpt = Annotated[Role, typer.Option("--role", help="What they may do at the station.")]
NameArg = Annotated[str, typer.Argument(help="The user's name (lowercase, as they log in).")]
StdinOpt = Annotated[
    bool,
    typer.Option("--password-stdin", help="Read the password from stdin, not make one."),
]


def shell_user() -> str:
    """Who a command's changes are recorded as: the login on this machine."""
    return f"shell:{getpass.getuser()}"


@contextmanager
def _access(config: Path | None, data_dir: Path | None,
            station: str | None = None) -> Iterator[Access]:  # fmt: skip
    settings = settings_from(config, data_dir=data_dir, station=station)
    with operator_errors(), bootstrap.open_stores(settings) as stores:
        yield stores.access()


def _password(from_stdin: bool) -> tuple[str, bool]:
    """The password given on stdin, or a new one; and whether it was made here."""
    if not from_stdin:
        return secrets.token_urlsafe(15), True
    given = sys.stdin.readline().rstrip("\r\n")
    if not given:
        raise AccessError("--password-stdin read no password: pipe one line into the command")
    return given, False


def _say(line: str) -> None:
    out.print(line, highlight=False, soft_wrap=True)


@user_app.command("add")
def add_user(
    name: NameArg,
    role: RoleOpt,
    station: StationOpt = None,
    password_stdin: StdinOpt = False,
    config: ConfigOpt = None,
    data_dir: DataDirOpt = None,
) -> None:
    """Add a user with a role; prints a new password once (or takes one on stdin)."""
    with _access(config, data_dir, station) as access:
        password, made = _password(password_stdin)
        access.add_user(name, role, password, shell_user())
        _say(f"user {name} ({role.value}) added to station {access.station}")
        if made:
            _say(f"password: {password}")
            _say("(shown this once; change it with 'onair user passwd')")


@user_app.command("list")
def list_users(
    station: StationOpt = None,
    as_json: JsonOpt = False,
    config: ConfigOpt = None,
    data_dir: DataDirOpt = None,
) -> None:
    """The station's users and their roles."""
    with _access(config, data_dir, station) as access:
        users = access.users()
    rows = [{"name": u.name, "role": u.role.value, "created_at": u.created_at.isoformat()}
            for u in users]  # fmt: skip
    if as_json:
        out.print_json(json.dumps(rows))
        return
    if not rows:
        _say("no users yet: add one with 'onair user add NAME --role admin'")
    for row in rows:
        _say(f"{row['name']:<24} {row['role']:<17} added {row['created_at'][:16]}")


@user_app.command("remove")
def remove_user(
    name: NameArg, station: StationOpt = None, config: ConfigOpt = None,
    data_dir: DataDirOpt = None,
) -> None:  # fmt: skip
    """Remove a user; their browser sessions end at once."""
    with _access(config, data_dir, station) as access:
        access.remove_user(name, shell_user())
    _say(f"user {name} removed")


@user_app.command("passwd")
def set_password(
    name: NameArg,
    station: StationOpt = None,
    password_stdin: StdinOpt = False,
    config: ConfigOpt = None,
    data_dir: DataDirOpt = None,
) -> None:
    """Give a user a new password (printed once, or taken on stdin); their sessions end."""
    with _access(config, data_dir, station) as access:
        password, made = _password(password_stdin)
        access.set_password(name, password, shell_user())
    _say(f"user {name}: password changed, their sessions ended")
    if made:
        _say(f"password: {password}")


@token_app.command("create")
def create_token(
    name: Annotated[str, typer.Option("--name", help="What the token is for (a script's name).")],
    role: RoleOpt,
    expires: Annotated[
        str | None,
        typer.Option("--expires", help="Lifetime such as 90d, 12h or 4w (default: never)."),
    ] = None,
    station: StationOpt = None,
    config: ConfigOpt = None,
    data_dir: DataDirOpt = None,
) -> None:
    """Make an API token; it is printed this once (keep it in a secret store)."""
    with _access(config, data_dir, station) as access:
        lasts = parse_expiry(expires) if expires else None
        text, token = access.create_token(name, role, lasts, shell_user())
    until = f"until {_when(token.expires_at)}" if token.expires_at else "with no expiry"
    _say(f"token {name} ({role.value}, prefix {token.prefix}) {until}; shown this once:")
    _say(text)


@token_app.command("list")
def list_tokens(
    station: StationOpt = None,
    as_json: JsonOpt = False,
    config: ConfigOpt = None,
    data_dir: DataDirOpt = None,
) -> None:
    """The station's tokens, live or not (never the tokens themselves)."""
    with _access(config, data_dir, station) as access:
        tokens, now = access.tokens(), access.now()
    rows = [
        {"name": t.name, "prefix": t.prefix, "role": t.role.value, "created_by": t.created_by,
         "created_at": t.created_at.isoformat(), "expires_at": _iso(t.expires_at),
         "revoked_at": _iso(t.revoked_at), "live": t.usable_at(now)}
        for t in tokens
    ]  # fmt: skip
    if as_json:
        out.print_json(json.dumps(rows))
        return
    if not rows:
        _say("no tokens yet: make one with 'onair token create --name NAME --role viewer'")
    for t in tokens:
        state = ("revoked" if t.revoked_at else "expired") if not t.usable_at(now) else "live"
        until = f"until {_when(t.expires_at)}" if t.expires_at else "no expiry"
        _say(f"{t.name:<24} {t.prefix}  {t.role.value:<17} {state:<8} {until}")


@token_app.command("revoke")
def revoke_token(
    name: Annotated[str, typer.Argument(help="The token's name, or its prefix.")],
    station: StationOpt = None,
    config: ConfigOpt = None,
    data_dir: DataDirOpt = None,
) -> None:
    """Revoke the live tokens of that name (or prefix): they are refused from now on."""
    with _access(config, data_dir, station) as access:
        prefixes = access.revoke_token(name, shell_user())
    _say(f"revoked {len(prefixes)} token{'s' if len(prefixes) > 1 else ''}: {', '.join(prefixes)}")


def _iso(instant: datetime | None) -> str | None:
    return instant.isoformat() if instant else None


def _when(instant: datetime | None) -> str:
    return instant.strftime("%Y-%m-%d %H:%M UTC") if instant else ""
