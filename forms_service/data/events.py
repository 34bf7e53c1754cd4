"""Journey events for the performance dashboard: written as the journey runs, rolled up
into daily counts after EVENTS_KEEP_DAYS and deleted (forms_service/performance/events.py
says what each kind holds; none holds personal data). Also each draft's random journey id.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from typing import Any

from sqlalchemy import ColumnElement, Date, cast, delete, func, insert, literal_column, select
from sqlalchemy import update as update_

from forms_service.data.database import Sessions
from forms_service.data.models import DailyEventCount, Draft, JourneyEvent

EVENTS = JourneyEvent.__table__
DAILY = DailyEventCount.__table__
INSERT_EVENTS = insert(EVENTS)
# The columns an event is counted by, besides its day (everything but the journey).
DIMENSIONS = (
    "form_id",
    "form_version",
    "channel",
    "language",
    "kind",
    "page",
    "question",
    "detail",
    "value",
)
EVENT_KEYS = ("at", "journey", *DIMENSIONS)


def utc_day(column: Any, dialect: str) -> ColumnElement:
    """The UTC calendar day of a timestamp column, on SQLite (stored as UTC text) and on
    PostgreSQL (timestamptz, whatever the connection's time zone)."""
    if dialect == "postgresql":
        return cast(func.timezone("UTC", column), Date)
    return func.date(column)


class Events:
    sessions: Sessions

    def record_events(self, events: Sequence[dict[str, Any]]) -> None:
        """Write events (dicts with EVENT_KEYS; missing ones are None) in one statement."""
        if not events:
            return
        rows = [{key: event.get(key) for key in EVENT_KEYS} for event in events]
        with self.sessions.connect_write() as connection:
            connection.execute(INSERT_EVENTS, rows)

    def roll_up_events(self, before: datetime.datetime) -> int:
        """Count the events before `before` (a UTC midnight: whole days only) into
        daily_event_counts and delete them, in one transaction. Returns how many went."""
        with self.sessions.connect_write() as connection:
            dialect = connection.dialect.name
            day = utc_day(EVENTS.c.at, dialect).label("day")
            dims = [EVENTS.c[name] for name in DIMENSIONS]
            counted = (
                select(
                    day,
                    *dims,
                    func.count().label("events"),
                    func.count(EVENTS.c.journey.distinct()).label("journeys"),
                )
                .where(EVENTS.c.at < before)
                .group_by(literal_column("day") if dialect == "sqlite" else day, *dims)
            )
            connection.execute(
                insert(DAILY).from_select(["day", *DIMENSIONS, "events", "journeys"], counted)
            )
            return connection.execute(delete(EVENTS).where(EVENTS.c.at < before)).rowcount

    def set_draft_journey(self, draft_id: int, journey: str) -> None:
        """Give a draft its journey id (once: an id it has already is kept)."""
        with self.sessions.begin() as db:
            db.execute(
                update_(Draft)
                .where(Draft.id == draft_id, Draft.journey.is_(None))
                .values(journey=journey)
            )

    def draft_journey(self, draft_id: int) -> str | None:
        with self.sessions() as db:
            return db.scalar(select(Draft.journey).where(Draft.id == draft_id))
