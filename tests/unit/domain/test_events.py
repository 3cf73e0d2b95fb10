from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone

import pytest

from onair.domain import Correlation, Envelope, InvalidEnvelope, is_command, new_envelope


def test_new_envelope_is_stamped_in_utc_with_a_ulid() -> None:
    env = new_envelope("playout.item_started", "demo", {"asset_id": "a1"})
    assert len(env.id) == 26
    assert env.time.tzinfo is not None
    assert env.time.utcoffset() == timedelta(0)
    assert env.subject == "onair.demo.playout.item_started"


def test_local_time_is_normalised_to_utc() -> None:
    berlin = timezone(timedelta(hours=1))
    env = new_envelope("schedule.published", "demo", time=datetime(2026, 1, 1, 1, 0, tzinfo=berlin))
    assert env.time == datetime(2026, 1, 1, 0, 0, tzinfo=UTC)
    assert env.time.utcoffset() == timedelta(0)


def test_round_trip_keeps_every_field() -> None:
    env = new_envelope(
        "agents.segment_ready",
        "kxyz-fm",
        {"duration_s": 7.25},
        correlation=Correlation(show_id="morning", hour="2026-11-24T07", asset_id="A", extra="x"),
        traceparent="00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
    )
    back = Envelope.from_json(env.to_json())
    assert back == env
    assert back.correlation.as_log_fields()["extra"] == "x"


@pytest.mark.parametrize(
    ("raw", "where"),
    [
        (b"not json", "envelope"),
        (b'{"id": "x", "type": "a.b", "time": "2026-01-01T00:00:00Z", "station": "s"}', "id"),
        (
            b'{"id": "01JD0000000000000000000000", "type": "Playout", '
            b'"time": "2026-01-01T00:00:00Z", "station": "s"}',
            "type",
        ),
        (
            b'{"id": "01JD0000000000000000000000", "type": "a.b", '
            b'"time": "2026-01-01T00:00:00", "station": "s"}',
            "time",
        ),
        (b'{"id": "01JD0000000000000000000000", "type": "a.b", "station": "s"}', "time"),
    ],
)
def test_malformed_messages_are_rejected_with_the_field(raw: bytes, where: str) -> None:
    with pytest.raises(InvalidEnvelope, match=where):
        Envelope.from_json(raw)


def test_unknown_top_level_fields_are_rejected() -> None:
    env = new_envelope("a.b_happened", "demo")
    raw = env.model_dump(mode="json") | {"surprise": 1}
    with pytest.raises(InvalidEnvelope, match="surprise"):
        Envelope.from_json(json.dumps(raw))


def test_commands_are_imperative_and_events_past_tense() -> None:
    assert is_command("playout.skip")
    assert is_command("playout.insert_next")
    assert is_command("scheduler.rebuild_hour")
    assert not is_command("playout.item_started")
    assert not is_command("ingest.asset_ingested")
