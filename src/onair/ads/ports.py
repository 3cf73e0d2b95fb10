"""What traffic needs from the outside: its own books, the schedule's breaks, the library."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import date, datetime
from typing import Protocol

from onair.domain.schedule import Playable
from onair.domain.traffic import Advertiser, DayLog, Order, SpotBreak

__all__ = ["SpotBreaks", "TrafficLibrary", "TrafficStore"]


class TrafficStore(Protocol):
    """Advertisers, orders and the traffic log of each day."""

    def book(
        self, station: str, advertisers: Sequence[Advertiser], orders: Sequence[Order], source: str
    ) -> list[str]:
        """Store ``advertisers`` and ``orders`` in one transaction (an order of a number
        already booked is replaced); returns the numbers of the orders replaced."""
        ...

    def advertisers(self, station: str) -> list[Advertiser]: ...

    def orders(self, station: str) -> list[Order]:
        """Every order booked, by number."""
        ...

    def order(self, station: str, order_id: str) -> Order | None: ...

    def save_logs(self, station: str, logs: Sequence[DayLog]) -> None:
        """Store each day's log in place of the one before, in one transaction."""
        ...

    def logs(self, station: str, first: date, last: date) -> list[DayLog]:
        """The stored logs of the days ``first`` to ``last``, in day order."""
        ...

    def locked_days(self, station: str, first: date, last: date) -> set[date]:
        """The days from ``first`` to ``last`` whose log is locked."""
        ...

    def lock(self, station: str, day: date, *, locked: bool) -> bool:
        """Lock or unlock a day's log; False when the day has none."""
        ...


class SpotBreaks(Protocol):
    """The stored schedule's planned spot breaks."""

    def breaks(
        self, station: str, start: datetime, end: datetime, categories: Collection[str]
    ) -> list[SpotBreak]:
        """The planned items of ``categories`` starting in ``[start, end)``, in air order."""
        ...


class TrafficLibrary(Protocol):
    """The library as traffic reads it: copy, promos, fill and bookends with their lengths."""

    def playables(self, station: str, ids: Collection[str]) -> list[Playable]: ...

    def of_kinds(self, station: str, kinds: Collection[str]) -> list[Playable]:
        """Every asset of the station of one of ``kinds``."""
        ...
