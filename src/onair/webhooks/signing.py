"""The signature a receiver checks: HMAC-SHA256 of ``timestamp.body`` with the shared secret.

The timestamp is signed with the body, so a receiver that refuses an old
timestamp (five minutes is usual) refuses a replayed request too.
"""

from __future__ import annotations

import hashlib
import hmac

__all__ = ["SIGNATURE", "TIMESTAMP", "sign"]

SIGNATURE = "X-Onair-Signature"
TIMESTAMP = "X-Onair-Timestamp"


def sign(secret: str, timestamp: int, body: bytes) -> str:
    """The ``X-Onair-Signature`` value: ``sha256=<hex>``."""
    digest = hmac.new(secret.encode(), str(timestamp).encode() + b"." + body, hashlib.sha256)
    return "sha256=" + digest.hexdigest()
