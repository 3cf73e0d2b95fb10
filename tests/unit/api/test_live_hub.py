"""The live hub's numbering, replay and bounded queues, without a server."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime

from onair.api.live.hub import LiveClient, LiveHub

NOW = datetime(2027, 3, 1, 14, 0, tzinfo=UTC)


def _drain(client: LiveClient) -> list[dict[str, object]]:
    """What the client's writer would send now, in order."""
    sent = []
    while client._pending:
        sent.append(json.loads(asyncio.run(client.next()) or "null"))
    return sent


def test_a_client_resuming_within_the_buffer_gets_exactly_what_it_missed() -> None:
    hub = LiveHub(replay=3)
    for n in range(5):
        hub.publish("now_playing", {"n": n}, NOW)
    hub.publish("meters", {"peak": [-3.0, -3.1]}, NOW, transient=True)  # seq 6, never replayed
    resumed = _drain(hub.join(3, hub.session, {}))
    assert [(m["type"], m["seq"]) for m in resumed] == [("hello", 6), ("now_playing", 4),
                                                        ("now_playing", 5)]  # fmt: skip
    # The buffer keeps 3, 4 and 5: resuming after 1 would miss 2, so it gets a snapshot of
    # the latest of each kind instead.
    fresh = _drain(hub.join(1, hub.session, {}))
    assert [m["type"] for m in fresh] == ["hello", "snapshot"]
    assert fresh[1]["data"]["now_playing"] == {"n": 4}  # type: ignore[index]
    assert fresh[1]["data"]["meters"] == {"peak": [-3.0, -3.1]}  # type: ignore[index]
    assert [m["type"] for m in _drain(hub.join(2, "another run", {}))] == ["hello", "snapshot"]
    assert [m["type"] for m in _drain(hub.join(99, hub.session, {}))] == ["hello", "snapshot"]


def test_a_full_queue_drops_its_client_and_no_other() -> None:
    hub = LiveHub(replay=1, client_queue=20)
    slow, fast = hub.join(None, None, {}), hub.join(None, None, {})
    for n in range(30):
        hub.publish("error", {"n": n}, NOW)
        fast._pending.clear()  # the fast one writes everything as it comes
    assert slow.dropped is not None
    assert slow.dropped.startswith("too slow: 20 messages waiting")
    assert not slow._pending  # its queue let go at once
    assert hub.clients() == 1
    assert fast.dropped is None


def test_a_client_behind_gets_only_the_latest_meters_and_what_it_asked_for() -> None:
    hub = LiveHub(replay=1)
    studio = hub.join(None, None, {})
    widget = hub.join(None, None, {}, frozenset({"now_playing"}))
    for n in range(3):
        hub.publish("meters", {"n": n}, NOW, transient=True)
    hub.publish("now_playing", {"title": "x"}, NOW)
    hub.publish("meters", {"n": 3}, NOW, transient=True)
    sent = [(m["type"], m["data"]) for m in _drain(studio)][2:]  # after hello and snapshot
    # Readings 0 to 2 were each superseded while waiting; the writer sends the latest only.
    assert sent == [("now_playing", {"title": "x"}), ("meters", {"n": 3})]
    assert [m["type"] for m in _drain(widget)] == ["hello", "snapshot", "now_playing"]
