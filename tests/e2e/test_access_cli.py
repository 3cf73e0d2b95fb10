"""``onair user`` and ``onair token`` as an admin runs them: secrets shown once, all ledgered."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from tests.e2e.cli import onair

pytestmark = pytest.mark.e2e


def test_users_are_added_listed_given_passwords_and_removed(tmp_path: Path) -> None:
    data = ("--data-dir", str(tmp_path / "d"))
    made = onair("user", "add", "ann", "--role", "operator", *data)
    assert made.returncode == 0, made.stderr
    lines = made.stdout.splitlines()
    assert lines[0] == "user ann (operator) added to station demo"
    assert lines[1].startswith("password: ")
    assert len(lines[1]) > len("password: ") + 16
    given = onair("user", "add", "bob", "--role", "admin", "--password-stdin", *data,
                  input_text="correct horse battery staple\n")  # fmt: skip
    assert given.returncode == 0, given.stderr
    assert "password" not in given.stdout  # it was given: nothing to show

    again = onair("user", "add", "ann", "--role", "viewer", *data)
    assert (again.returncode, again.stderr.strip()) == (
        1, "error: station demo already has a user 'ann'"
    )  # fmt: skip
    short = onair("user", "add", "cy", "--role", "viewer", "--password-stdin", *data,
                  input_text="short\n")  # fmt: skip
    assert short.stderr.strip() == "error: a password needs at least 12 characters"
    bad_role = onair("user", "add", "cy", "--role", "boss", *data)
    assert bad_role.returncode == 2

    listed = json.loads(onair("user", "list", "--json", *data).stdout)
    assert [(u["name"], u["role"]) for u in listed] == [("ann", "operator"), ("bob", "admin")]
    assert onair("user", "passwd", "ann", *data).stdout.splitlines()[1].startswith("password: ")
    assert onair("user", "remove", "ann", *data).returncode == 0
    gone = onair("user", "remove", "ann", *data)
    assert (gone.returncode, gone.stderr.strip()) == (1, "error: station demo has no user 'ann'")

    today = date.today().isoformat()
    log = onair("audit", "log", "--from", today, "--to", today, "--json", *data)
    actions = [e["body"] for e in json.loads(log.stdout)]
    assert [a["action"] for a in actions] == [
        "access.user_add", "access.user_add", "access.user_passwd", "access.user_remove",
    ]  # fmt: skip
    assert all(a["who"].startswith("shell:") for a in actions)


def test_a_token_is_shown_once_listed_without_itself_and_revoked(tmp_path: Path) -> None:
    data = ("--data-dir", str(tmp_path / "d"))
    made = onair("token", "create", "--name", "cart-wall", "--role", "operator",
                 "--expires", "90d", *data)  # fmt: skip
    assert made.returncode == 0, made.stderr
    token = made.stdout.splitlines()[-1]
    assert token.startswith("onair_")
    listed = onair("token", "list", "--json", *data)
    assert token not in listed.stdout
    (row,) = json.loads(listed.stdout)
    assert (row["name"], row["role"], row["live"]) == ("cart-wall", "operator", True)
    assert token.split("_")[1] == row["prefix"]
    assert row["expires_at"] is not None

    assert onair("token", "revoke", "cart-wall", *data).stdout.startswith("revoked 1 token: ")
    (row,) = json.loads(onair("token", "list", "--json", *data).stdout)
    assert row["live"] is False
    again = onair("token", "revoke", "cart-wall", *data)
    assert again.stderr.strip() == "error: station demo has no live token 'cart-wall'"
    forever = onair("token", "create", "--name", "x", "--role", "viewer", "--expires", "soon",
                    *data)  # fmt: skip
    assert forever.stderr.strip() == (
        "error: expiry 'soon' must be a number and h, d or w, such as 90d"
    )
