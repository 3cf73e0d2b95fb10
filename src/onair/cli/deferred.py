"""Commands imported when they run, so ``onair --help`` lists them without loading a station.

Each command module pulls in what it runs (the database layer, the audio
stack, the agents), which costs a second or more; a trigger or a help screen
should not pay for the rest. :class:`DeferredGroup` lists every command by a
one-line summary and imports a command's module only when that command runs.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any, ClassVar, NamedTuple

import typer
from typer.core import TyperCommand, TyperGroup

if TYPE_CHECKING:
    from typer import _click  # typer's own copy of click, which its groups are built on

__all__ = ["Deferred", "DeferredGroup"]


class Deferred(NamedTuple):
    """A command not yet imported: where it lives, and the line ``--help`` shows for it."""

    target: str  # "module:attribute", a typer.Typer or a command function
    summary: str  # the first paragraph of the command's own help


class _Summary(TyperCommand):
    """A deferred command as the help screen lists it; it is never run."""


class DeferredGroup(TyperGroup):
    """A command group whose :attr:`deferred` commands are imported when they are resolved."""

    deferred: ClassVar[dict[str, Deferred]] = {}

    def __init__(self, **attrs: Any) -> None:
        super().__init__(**attrs)
        for name, entry in self.deferred.items():
            self.commands.setdefault(name, _Summary(name, help=entry.summary))

    def resolve_command(
        self, ctx: _click.Context, args: list[str]
    ) -> tuple[str | None, _click.Command | None, list[str]]:
        name, command, rest = super().resolve_command(ctx, args)
        if name is not None and isinstance(command, _Summary):
            command = self.load(name)
        return name, command, rest

    def load(self, name: str) -> _click.Command:
        """Import the command ``name`` and put it in the group in place of its summary."""
        module, _, attribute = self.deferred[name].target.partition(":")
        found = getattr(importlib.import_module(module), attribute)
        command: _click.Command
        if isinstance(found, typer.Typer):
            command = typer.main.get_group(found)  # a group even when it holds one command
        else:
            single = typer.Typer(add_completion=False)
            single.command(name)(found)
            command = typer.main.get_command(single)
        command.name = name
        self.commands[name] = command
        return command
