"""Handled bus events per consumer, so a redelivery after a restart is skipped."""

from __future__ import annotations

import asyncio

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Engine

from onair.storage.tables import ProcessedEvent, utc_now

__all__ = ["DatabaseSeenEvents"]


class DatabaseSeenEvents:
    """The bus's ``SeenEvents`` kept in the ``processed_events`` table."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def _seen(self, consumer: str, event_id: str) -> bool:
        query = sa.select(sa.literal(1)).where(
            ProcessedEvent.consumer == consumer, ProcessedEvent.event_id == event_id
        )
        with self.engine.connect() as conn:
            return conn.execute(query).first() is not None

    def _remember(self, consumer: str, event_id: str) -> None:
        values = {"consumer": consumer, "event_id": event_id, "processed_at": utc_now()}
        insert = pg_insert if self.engine.dialect.name == "postgresql" else sqlite_insert
        statement = insert(ProcessedEvent).values(**values).on_conflict_do_nothing()
        with self.engine.begin() as conn:
            conn.execute(statement)

    async def seen(self, consumer: str, event_id: str) -> bool:
        return await asyncio.to_thread(self._seen, consumer, event_id)

    async def remember(self, consumer: str, event_id: str) -> None:
        await asyncio.to_thread(self._remember, consumer, event_id)
