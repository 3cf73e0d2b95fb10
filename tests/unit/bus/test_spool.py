from __future__ import annotations

from pathlib import Path

import pytest

from onair.bus.spool import Spool, SpoolFull


def test_replay_keeps_what_was_appended_while_it_ran(tmp_path: Path) -> None:
    spool = Spool(tmp_path)
    for n in range(3):
        spool.append("onair.demo.playout.item_started", f'{{"n": {n}}}'.encode())
    held = spool.pending()  # the replayer's snapshot
    spool.append("onair.demo.playout.item_started", b'{"n": 3}')  # published meanwhile
    spool.drop(len(held))
    assert spool.pending() == [("onair.demo.playout.item_started", b'{"n": 3}')]
    spool.drop(1)
    assert not spool


def test_a_torn_last_line_is_not_replayed(tmp_path: Path) -> None:
    spool = Spool(tmp_path)
    spool.append("onair.demo.a.b", b"{}")
    with spool.path.open("ab") as fh:
        fh.write(b'onair.demo.a.b\t{"half')  # the process died mid-append
    assert spool.pending() == [("onair.demo.a.b", b"{}")]


def test_full_spool_refuses(tmp_path: Path) -> None:
    spool = Spool(tmp_path, max_bytes=40)
    spool.append("s", b"x" * 20)
    with pytest.raises(SpoolFull, match="full"):
        spool.append("s", b"x" * 20)
    assert len(spool) == 1


def test_an_append_after_a_crash_is_not_glued_to_the_torn_line(tmp_path: Path) -> None:
    Spool(tmp_path).append("onair.demo.a.b", b"{}")
    with (tmp_path / "pending.spool").open("ab") as fh:
        fh.write(b'onair.demo.a.b\t{"half')  # the process died mid-append
    after_restart = Spool(tmp_path)
    after_restart.append("onair.demo.a.b", b'{"n": 2}')
    assert after_restart.pending() == [("onair.demo.a.b", b"{}"), ("onair.demo.a.b", b'{"n": 2}')]
    assert len(after_restart) == 2
