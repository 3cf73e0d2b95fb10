"""Passwords kept as argon2id hashes (RFC 9106), never as themselves."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

__all__ = ["Passwords"]


class Passwords:
    """Hash and check passwords with argon2id at the library's recommended parameters."""

    def __init__(self, hasher: PasswordHasher | None = None) -> None:
        self._hasher = hasher or PasswordHasher()
        # Checked against when the name is unknown, so a wrong name costs what a wrong
        # password costs and the timing does not tell which names exist.
        self._decoy = self._hasher.hash("not a password anyone has")

    def hash(self, password: str) -> str:
        return self._hasher.hash(password)

    def matches(self, stored: str | None, password: str) -> bool:
        try:
            return self._hasher.verify(stored or self._decoy, password) and stored is not None
        except (VerificationError, InvalidHashError):
            return False

    def outdated(self, stored: str) -> bool:
        """Whether ``stored`` was hashed with weaker parameters than today's."""
        return self._hasher.check_needs_rehash(stored)
