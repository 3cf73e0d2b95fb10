"""HTTP calls held to one deadline: every try, every wait between tries, the whole answer.

httpx's timeouts bound each network operation, so a server that trickles its
answer, or a run of retries with their waits, can outlast any of them. Here a
call has a deadline on the monotonic clock: ``post_json`` reads the whole
answer by it, and ``retry_within`` tries again after a ``Transient`` failure
only while the attempts last and a try still fits before it.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import TracebackType
from typing import Any, Self, TypeVar

import httpx
from tenacity import (
    RetryCallState,
    Retrying,
    retry_if_exception_type,
    stop_after_attempt,
    stop_any,
    wait_exponential,
    wait_random,
)
from tenacity.stop import stop_base

__all__ = ["Backoff", "BearerClient", "RetriesSpent", "Transient", "post_json", "retry_within"]

T = TypeVar("T")


class BearerClient:
    """An HTTP client that sends the provider's key as a bearer token, closed with its owner.

    The LLM and speech clients both talk to an OpenAI-compatible provider this way.
    """

    def __init__(self, api_key: str | None) -> None:
        headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
        self._client = httpx.Client(headers=headers, follow_redirects=False)

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        self._client.close()


_MIN_TRY_S = 0.05  # no try is started with less than this left before the deadline


class Transient(Exception):
    """A failure worth another try: the connection, a rate limit, a server error."""

    def __init__(self, reason: str, retry_after_s: float = 0.0) -> None:
        super().__init__(reason)
        self.retry_after_s = retry_after_s


class RetriesSpent(Exception):
    """Every try the attempts and the deadline allowed failed; ``last`` is the last failure."""

    def __init__(self, last: Transient, tries: int) -> None:
        super().__init__(str(last))
        self.last = last
        self.tries = tries


@dataclass(frozen=True)
class Backoff:
    """The wait before another try: ``initial_s`` doubling up to ``max_s``, plus up to
    ``jitter_s`` at random; a server's Retry-After instead when that is longer."""

    initial_s: float
    max_s: float
    jitter_s: float = 0.0


def retry_within(
    attempt: Callable[[], T],
    *,
    deadline: float,
    attempts: int,
    backoff: Backoff,
    on_retry: Callable[[int, Transient], None] | None = None,
) -> T:
    """What ``attempt`` returns, tried again on ``Transient`` while the attempts last and
    the next try (after its wait) still starts before ``deadline`` (``time.monotonic()``).

    Raises ``RetriesSpent`` with the last failure when no try succeeded; any
    other exception from ``attempt`` passes through at once.
    """
    tries = 0

    def counted() -> T:
        nonlocal tries
        tries += 1
        return attempt()

    def note(state: RetryCallState) -> None:
        failure = state.outcome.exception() if state.outcome else None
        if on_retry is not None and isinstance(failure, Transient):
            on_retry(state.attempt_number, failure)

    retrying = Retrying(
        stop=stop_any(stop_after_attempt(attempts), _PastDeadline(deadline)),
        wait=_Wait(backoff),
        retry=retry_if_exception_type(Transient),
        before_sleep=note,
        reraise=True,
    )
    try:
        return retrying(counted)
    except Transient as last:
        raise RetriesSpent(last, tries) from last


def post_json(
    client: httpx.Client, url: str, body: Mapping[str, Any], deadline: float
) -> httpx.Response:
    """The answer to ``body`` POSTed as JSON to ``url``, read whole by ``deadline``.

    Raises ``httpx.TimeoutException`` when the deadline comes first (no
    answer, or one still trickling in); any other ``httpx.HTTPError`` passes
    through as httpx raised it.
    """
    remaining = deadline - time.monotonic()
    if remaining <= 0:
        raise httpx.TimeoutException("the deadline passed before the request was sent")
    with client.stream("POST", url, json=body, timeout=httpx.Timeout(remaining)) as answer:
        raw = bytearray()
        for chunk in answer.iter_raw():
            raw += chunk
            if time.monotonic() > deadline:
                raise httpx.ReadTimeout("the answer was still coming in at the deadline")
        return httpx.Response(
            answer.status_code, headers=answer.headers, content=bytes(raw), request=answer.request
        )


class _PastDeadline(stop_base):
    """Stops retrying when the next try would start too close to the deadline."""

    def __init__(self, deadline: float) -> None:
        self._deadline = deadline

    def __call__(self, state: RetryCallState) -> bool:
        return time.monotonic() + state.upcoming_sleep + _MIN_TRY_S >= self._deadline


class _Wait:
    def __init__(self, backoff: Backoff) -> None:
        self._exponential = wait_exponential(multiplier=backoff.initial_s, max=backoff.max_s)
        self._jitter = wait_random(0, backoff.jitter_s)

    def __call__(self, state: RetryCallState) -> float:
        failure = state.outcome.exception() if state.outcome else None
        retry_after = failure.retry_after_s if isinstance(failure, Transient) else 0.0
        return max(self._exponential(state) + self._jitter(state), retry_after)
