"""``onair --help`` lists every command by its own words, though it imports none of them."""

from __future__ import annotations

import inspect
from typing import Any

import pytest
import typer
from rich.text import Text

from onair.cli import StationCommands, app


@pytest.mark.parametrize("name", sorted(StationCommands.deferred))
def test_the_help_line_is_the_first_paragraph_of_the_commands_own_help(name: str) -> None:
    group = typer.main.get_command(app)
    assert isinstance(group, StationCommands)
    command = group.load(name)
    assert command.name == name
    first = inspect.cleandoc(command.help or "").split("\n\n")[0].replace("\n", " ")
    assert StationCommands.deferred[name].summary == first


@pytest.mark.parametrize("name", sorted(StationCommands.deferred))
def test_a_command_has_only_its_own_options(name: str) -> None:
    group = typer.main.get_command(app)
    assert isinstance(group, StationCommands)
    names = {param.name for param in group.load(name).params}
    assert not names & {"install_completion", "show_completion"}  # onair has no completion


def _commands(command: Any) -> list[Any]:
    """``command`` and every command under it, the deferred ones loaded."""
    if isinstance(command, StationCommands):
        subs = [command.load(name) for name in sorted(command.deferred)]
        subs += [c for name, c in command.commands.items() if name not in command.deferred]
    else:
        subs = list(getattr(command, "commands", {}).values())
    return [command, *(c for sub in subs for c in _commands(sub))]


def test_no_option_help_is_swallowed_as_rich_markup() -> None:
    # Typer draws help through Rich: "[never]" or "[env ONAIR_DATA_DIR, ...]" would be read
    # as a style tag and vanish from the screen.
    lost = []
    for command in _commands(typer.main.get_command(app)):
        for param in command.params:
            text = getattr(param, "help", None) or ""
            if Text.from_markup(text).plain != text:
                lost.append(f"{command.name} {param.name}: {text}")
    assert lost == []
