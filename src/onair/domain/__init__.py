"""The pure model of a station: no I/O, no frameworks, stdlib and pydantic only."""

from onair.domain.errors import DomainError, InvalidEnvelope
from onair.domain.events import Correlation, Envelope, is_command, new_envelope
from onair.domain.rights import WORLDWIDE, UsageRights, Use
from onair.domain.tags import TrackTags, VocalGender

__all__ = [
    "WORLDWIDE",
    "Correlation",
    "DomainError",
    "Envelope",
    "InvalidEnvelope",
    "TrackTags",
    "UsageRights",
    "Use",
    "VocalGender",
    "is_command",
    "new_envelope",
]
