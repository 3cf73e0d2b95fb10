"""Live updates over one WebSocket: the bus's events fanned out to the studio and scripts.

``messages`` says what each bus event becomes on the wire, ``replay`` keeps what a
reconnecting client missed, ``hub`` fans every message out through bounded per-client
queues, ``feed`` follows the station's bus into the hub, and ``endpoint`` is the
WebSocket route (credentials, Origin, resuming).
"""

__all__: list[str] = []
