"""The poster over httpx: one client for every receiver, a timeout per request."""

from __future__ import annotations

from collections.abc import Mapping

import httpx

from onair.webhooks.ports import PostFailed

__all__ = ["HttpPoster"]


class HttpPoster:
    def __init__(self) -> None:
        # No redirects: a receiver that moved says so in its config, not by a 30x.
        self._client = httpx.AsyncClient(follow_redirects=False, trust_env=False)

    async def post(self, url: str, body: bytes, headers: Mapping[str, str],
                   timeout_s: float) -> int:  # fmt: skip
        try:
            response = await self._client.post(url, content=body, headers=dict(headers),
                                               timeout=timeout_s)  # fmt: skip
        except httpx.TimeoutException:
            raise PostFailed(f"no answer within {timeout_s:g} s") from None
        except httpx.HTTPError as exc:
            raise PostFailed(f"{type(exc).__name__}: {exc}"[:300]) from None
        return response.status_code

    async def close(self) -> None:
        await self._client.aclose()
