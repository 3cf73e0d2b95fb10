"""The live hub's numbering, replay and bounded queues, without a server."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from onair.api.live.hub import LiveClient, LiveHub

NOW = datetime(2027, 3, 1, 14, 0, tzinfo=UTC)


def _drain(client: LiveClient) -> list[dict[str, object]]:
    return [json.loads(text) for text in list(client._pending)]


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
