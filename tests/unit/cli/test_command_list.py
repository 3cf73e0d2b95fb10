"""``onair --help`` lists every command by its own words, though it imports none of them."""

from __future__ import annotations

import inspect

import pytest
import typer

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
