"""Writing a made-up performance history in bulk (`forms-service demo-data`,
performance/demo.py): journey events, daily counts, satisfaction comments and paper
volumes, with Core executemany so 100,000 journeys take seconds. Never used by the service
itself; the command refuses to run in production.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from sqlalchemy import Engine, delete, insert, select

from forms_service.data.database import Sessions
from forms_service.data.events import COUNTING, DAILY, DIMENSIONS, EVENT_KEYS, EVENTS, WEEKLY
from forms_service.data.models import FeedbackComment, PaperVolume

PAPER = PaperVolume.__table__
BATCH = 20_000
HISTORY = (EVENTS, DAILY, WEEKLY, COUNTING, FeedbackComment.__table__, PAPER)


def _batches(rows: Sequence[dict[str, Any]]) -> Iterable[Sequence[dict[str, Any]]]:
    for start in range(0, len(rows), BATCH):
        yield rows[start : start + BATCH]


class DemoHistory:
    sessions: Sessions
    engine: Engine
    count_closed_days: Callable[[datetime.date], datetime.date | None]  # data/events.py

    def has_performance_history(self) -> bool:
        """Whether any journey event, daily count, satisfaction comment or paper volume is
        stored."""
        with self.sessions.connect() as connection:
            return any(
                connection.execute(select(table.c.id).limit(1)).first() is not None
                for table in HISTORY
            )

    def delete_performance_history(self) -> None:
        """Delete every journey event, daily and weekly count (and how far counting went),
        satisfaction comment and paper volume."""
        with self.sessions.connect_write() as connection:
            for table in HISTORY:
                connection.execute(delete(table))

    def write_performance_history(
        self,
        events: Sequence[dict[str, Any]],
        daily: Sequence[dict[str, Any]],
        comments: Sequence[dict[str, Any]],
        paper: Sequence[dict[str, Any]],
        counted_until: datetime.date,
    ) -> None:
        """Write a made-up history in one transaction: raw events (EVENT_KEYS), daily counts
        (day, DIMENSIONS, events, journeys), comments (at, form_id, channel, language,
        rating, comment: sealed like any other) and paper volumes (PaperVolume's columns)."""
        with self.sessions.begin() as db:
            connection = db.connection()
            for rows in _batches([{k: e.get(k) for k in EVENT_KEYS} for e in events]):
                connection.execute(insert(EVENTS), rows)
            keys = ("day", *DIMENSIONS, "events", "journeys")
            for rows in _batches([{k: d.get(k) for k in keys} for d in daily]):
                connection.execute(insert(DAILY), rows)
            if paper:
                connection.execute(insert(PAPER), list(paper))
            db.add_all(FeedbackComment(**comment) for comment in comments)
        # The days written as daily counts are counted: the weeks are built from them, and
        # the recent days' events counted as every other day's are.
        self.count_closed_days(counted_until)
        self._settle(HISTORY)

    def _settle(self, tables: Sequence[Any]) -> None:
        """Refresh the planner's statistics (and, on PostgreSQL, the visibility map that
        index-only scans need) for tables just filled in bulk: months of history would
        have had them from autovacuum long ago."""
        engine = self.engine
        if engine.dialect.name == "postgresql":
            with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
                for table in (*tables, WEEKLY):
                    connection.exec_driver_sql(f"VACUUM ANALYZE {table.name}")
        else:
            with engine.begin() as connection:
                connection.exec_driver_sql("ANALYZE")
