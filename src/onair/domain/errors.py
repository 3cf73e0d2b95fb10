"""Errors the model raises; the CLI and API turn each into one clear line."""

from __future__ import annotations

__all__ = ["DomainError", "InvalidEnvelope"]


class DomainError(Exception):
    """Base of every error a station's model raises on bad input or state."""


class InvalidEnvelope(DomainError):
    """A bus message that is not a well-formed onair envelope."""
