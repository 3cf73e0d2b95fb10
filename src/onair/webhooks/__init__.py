"""The webhooks service: the station's events posted, signed, to the receivers it names."""

from onair.webhooks.desk import WebhookDesk
from onair.webhooks.ports import Outbox, Poster, PostFailed
from onair.webhooks.signing import sign

__all__ = ["Outbox", "PostFailed", "Poster", "WebhookDesk", "sign"]
