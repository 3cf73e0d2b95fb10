"""Handled bus events per consumer, so a redelivery after a restart is skipped."""

from __future__ import annotations

import asyncio
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from onair.storage.repositories.dialect_insert import insert_for
from onair.storage.tables import ProcessedEvent, utc_now

__all__ = ["DatabaseSeenEvents", "ProcessedEvents"]


class ProcessedEvents:
    """The ``processed_events`` table, inside the caller's transaction.

    Mark an event in the same transaction as the handler's writes: if the
    handler fails and the transaction rolls back, the mark goes with it and the
    redelivery is handled again.
    """

    def __init__(self, session: Session) -> None:
        self.session = session

    def mark_if_new(self, consumer: str, event_id: str) -> bool:
        """Record the event as handled by ``consumer``; False if it already was.

        One ``INSERT ... ON CONFLICT DO NOTHING``: of two concurrent callers with
        the same event, exactly one gets True, on SQLite and on PostgreSQL.
        """
        statement = (
            insert_for(self.session, ProcessedEvent)
            .values(consumer=consumer, event_id=event_id, processed_at=utc_now())
            .on_conflict_do_nothing()
            .returning(ProcessedEvent.event_id)
        )
        return self.session.execute(statement).first() is not None

    def is_processed(self, consumer: str, event_id: str) -> bool:
        """Whether ``consumer`` has handled the event (and that was committed)."""
        return self.session.get(ProcessedEvent, (consumer, event_id)) is not None

    def prune(self, older_than: datetime) -> int:
        """Forget events handled before ``older_than``; the number forgotten.

        Safe once no redelivery can be that old (past the bus's retention).
        """
        statement = sa.delete(ProcessedEvent).where(ProcessedEvent.processed_at < older_than)
        return self.session.connection().execute(statement).rowcount


class DatabaseSeenEvents:
    """The bus's ``SeenEvents`` kept in the ``processed_events`` table."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def _seen(self, consumer: str, event_id: str) -> bool:
        with Session(self.engine) as session:
            return ProcessedEvents(session).is_processed(consumer, event_id)

    def _remember(self, consumer: str, event_id: str) -> None:
        with Session(self.engine) as session, session.begin():
            ProcessedEvents(session).mark_if_new(consumer, event_id)

    async def seen(self, consumer: str, event_id: str) -> bool:
        return await asyncio.to_thread(self._seen, consumer, event_id)

    async def remember(self, consumer: str, event_id: str) -> None:
        await asyncio.to_thread(self._remember, consumer, event_id)
