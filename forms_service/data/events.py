"""Journey events for the performance dashboard: written as the journey runs, each whole
UTC day counted into daily (and weekly) counts once it has ended, and the events deleted
after EVENTS_KEEP_DAYS (forms_service/performance/events.py says what each kind holds;
none holds personal data). Also each draft's random journey id.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    Date,
    cast,
    delete,
    func,
    insert,
    literal_column,
    select,
)
from sqlalchemy import update as update_

from forms_service.clock import as_utc
from forms_service.data.database import Sessions
from forms_service.data.models import (
    DailyEventCount,
    Draft,
    EventCounting,
    JourneyEvent,
    WeeklyEventCount,
)

EVENTS = JourneyEvent.__table__
DAILY = DailyEventCount.__table__
WEEKLY = WeeklyEventCount.__table__
COUNTING = EventCounting.__table__
ONE_DAY = datetime.timedelta(days=1)
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


def week_of(column: Any, dialect: str) -> ColumnElement:
    """The Monday of a date column's week."""
    if dialect == "postgresql":
        return cast(func.date_trunc("week", column), Date)
    return func.date(column, "weekday 0", "-6 days")


def _midnight(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(), datetime.UTC)


def _date(value: Any) -> datetime.date:
    if isinstance(value, datetime.date):
        return value
    return datetime.date.fromisoformat(str(value)[:10])


def _count_days(
    connection: Connection, dialect: str, first: datetime.date, today: datetime.date
) -> None:
    """The events of the UTC days first..today-1 into daily_event_counts: per day and
    every dimension, how many and how many different journeys."""
    day = utc_day(EVENTS.c.at, dialect).label("day")
    dims = [EVENTS.c[name] for name in DIMENSIONS]
    counted = (
        select(day, *dims, func.count().label("events"), func.count(EVENTS.c.journey.distinct()))
        .where(EVENTS.c.at >= _midnight(first), EVENTS.c.at < _midnight(today))
        .group_by(literal_column("day") if dialect == "sqlite" else day, *dims)
    )
    connection.execute(
        insert(DAILY).from_select(["day", *DIMENSIONS, "events", "journeys"], counted)
    )


def _rebuild_weeks(
    connection: Connection, dialect: str, first: datetime.date, last: datetime.date
) -> None:
    """weekly_event_counts of the weeks holding first..last, again from the daily counts."""
    monday = first - datetime.timedelta(days=first.weekday())
    week = week_of(DAILY.c.day, dialect).label("week")
    dims = [DAILY.c[name] for name in DIMENSIONS]
    connection.execute(delete(WEEKLY).where(WEEKLY.c.week >= monday))
    weeks = (
        select(week, *dims, func.sum(DAILY.c.events), func.sum(DAILY.c.journeys))
        .where(DAILY.c.day >= monday)
        .group_by(literal_column("week") if dialect == "sqlite" else week, *dims)
    )
    connection.execute(
        insert(WEEKLY).from_select(["week", *DIMENSIONS, "events", "journeys"], weeks)
    )


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
        """Count the whole UTC days before `before` (a UTC midnight) that are not counted
        yet, then delete the events before it (they live on as counts). Returns how many
        events were deleted. The daily purge calls it with EVENTS_KEEP_DAYS ago."""
        self.count_closed_days(as_utc(before).date())
        with self.sessions.connect_write() as connection:
            return connection.execute(delete(EVENTS).where(EVENTS.c.at < before)).rowcount

    def count_closed_days(self, today: datetime.date) -> datetime.date | None:
        """Count into daily_event_counts every whole UTC day before `today` whose events
        are not counted yet (each day once, in one transaction with the mark of how far
        counting has gone), and rebuild the weekly counts of those weeks. Returns the last
        day counted. Cheap when there is nothing new: the dashboard calls it each time."""
        last = today - datetime.timedelta(days=1)
        with self.sessions.connect() as connection:  # the usual case: nothing new, no write
            through = connection.execute(select(COUNTING.c.counted_through)).scalar()
        if through is not None and _date(through) >= last:
            return _date(through)
        with self.sessions.connect_write() as connection:
            dialect = connection.dialect.name
            mark = connection.execute(select(COUNTING).with_for_update()).first()
            through = mark.counted_through if mark is not None else None
            if through is not None and _date(through) >= last:
                return _date(through)
            first = _date(through) + ONE_DAY if through is not None else None
            if first is None:
                oldest = connection.execute(
                    select(func.min(EVENTS.c.at)).where(EVENTS.c.at < _midnight(today))
                ).scalar()
                first = as_utc(oldest).date() if oldest is not None else last
            _count_days(connection, dialect, first, today)
            oldest_day = connection.execute(select(func.min(DAILY.c.day))).scalar()
            if through is None and oldest_day is not None:
                first = min(first, _date(oldest_day))  # days written before any counting
            _rebuild_weeks(connection, dialect, first, last)
            if mark is None:
                connection.execute(insert(COUNTING).values(id=1, counted_through=last))
            else:
                connection.execute(update_(COUNTING).values(counted_through=last))
            return last

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
