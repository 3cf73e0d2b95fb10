"""Webhooks in the station file: what it accepts, and the one line it refuses the rest with."""

from __future__ import annotations

import hashlib
import hmac

import pytest

from onair.domain.programming import InvalidProgram
from onair.domain.webhooks import WebhookEvent
from onair.webhooks import sign
from tests.unit.scheduler.factory import program


def test_a_station_file_lists_its_webhooks_with_the_secret_named_not_written() -> None:
    hooks = program(webhooks=[
        {"url": "https://example.org/onair", "secret_env": "ONAIR_WEBHOOK_SECRET"},
        {"url": "http://10.0.0.5:8080/hook", "secret_env": "LOG_SECRET",
         "events": ["now_playing", "as_run", "failover", "action"], "attempts": 3},
    ]).webhooks  # fmt: skip
    assert hooks[0].events == (WebhookEvent.NOW_PLAYING,)  # now-playing unless it asks for more
    assert (hooks[0].timeout_s, hooks[0].attempts) == (5.0, 10)
    assert len(hooks[1].events) == 4
    assert program().webhooks == ()


@pytest.mark.parametrize(
    ("hook", "says"),
    [
        ({"url": "ftp://x", "secret_env": "S"}, "url"),
        ({"url": "https://x", "secret_env": "s3cr3t value"}, "must name an environment variable"),
        ({"url": "https://x"}, "secret_env"),
        ({"url": "https://x", "secret_env": "S", "events": ["weather"]}, "events"),
        ({"url": "https://x", "secret_env": "S", "secret": "hunter2"}, "secret"),
    ],
)
def test_a_webhook_the_station_cannot_use_is_refused_naming_why(
    hook: dict[str, object], says: str
) -> None:
    with pytest.raises(InvalidProgram) as refused:
        program(webhooks=[hook])
    assert says in str(refused.value)


def test_the_signature_covers_the_timestamp_and_the_body() -> None:
    body = b'{"event":"now_playing"}'
    signed = sign("k", 1_800_000_000, body)
    expected = hmac.new(b"k", b"1800000000." + body, hashlib.sha256).hexdigest()
    assert signed == f"sha256={expected}"
    assert sign("k", 1_800_000_001, body) != signed  # a replay with a new timestamp fails
    assert sign("k", 1_800_000_000, body + b" ") != signed
