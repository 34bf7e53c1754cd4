"""Reading the performance dashboard's counts back, and the paper forms staff record as
received outside the service.

A period's events live in two tables: days already rolled up in daily_event_counts, and
the last EVENTS_KEEP_DAYS days as they happened in journey_events (data/events.py). Each
breakdown is one query over the daily totals (the (form_id, kind, day) index), and the
recent events are read once for all of them, counted per UTC day as the roll-up will count
them, so a period straddling the roll-up adds up the same before and after it.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

from sqlalchemy import ColumnElement, Engine, delete, func, literal_column, select

from forms_service.clock import utcnow
from forms_service.data.database import Sessions
from forms_service.data.events import (
    COUNTING,
    DAILY,
    DIMENSIONS,
    EVENTS,
    ONE_DAY,
    WEEKLY,
    utc_day,
)
from forms_service.data.models import PaperVolume

Day = datetime.date
# What a breakdown can be grouped by: the event's dimensions, and "day" (UTC).
GROUPABLE = ("day", "form_id", "channel", "language", "kind", "page", "question", "detail", "value")


@dataclass(frozen=True)
class EventScope:
    """Which events to count: of these forms (None: every form), between two UTC days
    (both included), in one channel and one language (None: all)."""

    form_ids: tuple[str, ...] | None
    start: Day
    end: Day
    channel: str | None = None
    language: str | None = None


@dataclass(frozen=True)
class Counted:
    """One group of a breakdown: its values of the grouped columns, the events in it, and
    the journeys: distinct journeys of each UTC day (and each value of every dimension),
    added up. So a journey spanning two days counts on each, as the roll-up keeps no
    journey ids; a journey has one form version, channel and language, so for a page's
    journeys this is the journeys shown it each day."""

    key: tuple
    events: int
    journeys: int


def _midnight(day: Day) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(), datetime.UTC)


class Performance:
    sessions: Sessions
    engine: Engine

    def event_counts(
        self, scope: EventScope, kinds: Sequence[str], by: Sequence[str]
    ) -> list[Counted]:
        """The events of `kinds` in `scope`, grouped by the columns `by` (see GROUPABLE)."""
        return self.event_breakdowns(scope, {"only": (kinds, by)})["only"]

    def event_breakdowns(
        self, scope: EventScope, breakdowns: Mapping[str, tuple[Sequence[str], Sequence[str]]]
    ) -> dict[str, list[Counted]]:
        """Several breakdowns of `scope` at once: name -> (kinds, columns to group by).

        One query a breakdown over the daily totals, and ONE over the recent events for
        them all (counted per day at the roll-up's own grain, then added up here: a few
        thousand rows a day), all in one transaction, so that a roll-up running meanwhile
        neither loses nor doubles a day."""
        for _kinds, by in breakdowns.values():
            unknown = set(by) - set(GROUPABLE)
            if unknown:
                raise ValueError(f"cannot group events by {sorted(unknown)}")
        dialect = self.engine.dialect.name
        options = {"isolation_level": "REPEATABLE READ"} if dialect == "postgresql" else {}
        all_kinds = sorted({kind for kinds, _ in breakdowns.values() for kind in kinds})
        found: dict[str, dict[tuple, list[int]]] = {name: {} for name in breakdowns}
        with self.sessions() as db:
            connection = db.connection(execution_options=options)
            through = connection.execute(select(COUNTING.c.counted_through)).scalar()
            weeks, days, recent = _split(scope, _day(through))
            for name, (kinds, by) in breakdowns.items():
                totals = found[name]
                queries = [_rolled_up(DAILY, "day", part, kinds, by) for part in days]
                if weeks is not None:
                    queries.append(_rolled_up(WEEKLY, "week", weeks, kinds, by))
                width = len(by)
                for query in queries:
                    for row in connection.execute(query):
                        _add(totals, _key(by, row[:width]), row[width], row[width + 1])
            if recent is not None:
                result = connection.execute(_recent(recent, all_kinds, dialect))
                fields = list(result.keys())
                where = {
                    name: [fields.index(c) for c in by] for name, (_, by) in breakdowns.items()
                }
                kind, events_at = fields.index("kind"), fields.index("events")
                for row in result:
                    for name, (kinds, by) in breakdowns.items():
                        if row[kind] in kinds:
                            key = _key(by, [row[i] for i in where[name]])
                            _add(found[name], key, row[events_at], row[events_at + 1])
        return {
            name: [Counted(key, events, journeys) for key, (events, journeys) in totals.items()]
            for name, totals in found.items()
        }

    # -- paper forms received outside the service --------------------------------------

    def record_paper_volume(
        self, form_id: str, received_on: Day, count: int, recorded_by: str
    ) -> None:
        """Record `count` paper forms of `form_id` received on a day outside the service."""
        if count < 1:
            raise ValueError("a paper volume counts at least one form")
        with self.sessions.begin() as db:
            db.add(
                PaperVolume(
                    form_id=form_id,
                    received_on=received_on,
                    count=count,
                    recorded_at=utcnow(),
                    recorded_by=recorded_by,
                )
            )

    def paper_volumes(self, form_id: str | None, start: Day, end: Day) -> list[PaperVolume]:
        """The volumes recorded as received between two days (included), newest first."""
        query = select(PaperVolume).where(
            PaperVolume.received_on >= start, PaperVolume.received_on <= end
        )
        if form_id is not None:
            query = query.where(PaperVolume.form_id == form_id)
        query = query.order_by(PaperVolume.received_on.desc(), PaperVolume.id.desc())
        with self.sessions() as db:
            return list(db.scalars(query))

    def paper_outside(
        self, form_id: str | None, start: Day, end: Day, form_ids: Sequence[str] | None = None
    ) -> int:
        """How many paper forms were received outside the service between two days
        (included): of one form, or of every form (of `form_ids` when given)."""
        query = select(func.coalesce(func.sum(PaperVolume.count), 0)).where(
            PaperVolume.received_on >= start, PaperVolume.received_on <= end
        )
        if form_id is not None:
            query = query.where(PaperVolume.form_id == form_id)
        elif form_ids is not None:
            query = query.where(PaperVolume.form_id.in_(list(form_ids)))
        with self.sessions.connect() as connection:
            return int(connection.scalar(query) or 0)

    def paper_outside_by_form(
        self, form_ids: Sequence[str] | None, start: Day, end: Day
    ) -> dict[str, int]:
        """paper_outside of each form (of `form_ids`; None: every form) that had any."""
        query = select(PaperVolume.form_id, func.sum(PaperVolume.count)).where(
            PaperVolume.received_on >= start, PaperVolume.received_on <= end
        )
        if form_ids is not None:
            query = query.where(PaperVolume.form_id.in_(list(form_ids)))
        query = query.group_by(PaperVolume.form_id)
        with self.sessions.connect() as connection:
            return {form_id: int(count) for form_id, count in connection.execute(query)}

    def delete_paper_volume(self, volume_id: int) -> bool:
        """Delete a recorded volume (a mistake); False if there was none."""
        with self.sessions.begin() as db:
            gone = db.execute(delete(PaperVolume).where(PaperVolume.id == volume_id))
            return bool(gone.rowcount)


def _where(table, scope: EventScope, kinds: Sequence[str]) -> list[ColumnElement]:
    where: list[ColumnElement] = [table.c.kind.in_(list(kinds))]
    if scope.form_ids is not None:
        if len(scope.form_ids) == 1:
            where.append(table.c.form_id == scope.form_ids[0])
        else:
            where.append(table.c.form_id.in_(list(scope.form_ids)))
    if scope.channel is not None:
        where.append(table.c.channel == scope.channel)
    if scope.language is not None:
        where.append(table.c.language == scope.language)
    return where


def _day(value) -> Day | None:
    if value is None or isinstance(value, Day):
        return value
    return datetime.date.fromisoformat(str(value)[:10])


def _split(
    scope: EventScope, through: Day | None
) -> tuple[EventScope | None, list[EventScope], EventScope | None]:
    """Where a period's counts are: the days counted by `through` read from whole weeks of
    weekly counts and the days around them from daily counts, and the days after it from
    the events themselves. Returns (weeks, days, recent); before any day was counted
    (`through` None) only the events are read."""
    if through is None:
        return None, [], scope
    last = min(scope.end, through)
    counted = replace(scope, end=last) if last >= scope.start else None
    first_recent = max(scope.start, through + ONE_DAY)
    recent = replace(scope, start=first_recent) if first_recent <= scope.end else None
    if counted is None:
        return None, [], recent
    monday = counted.start + datetime.timedelta(days=-counted.start.weekday() % 7)
    sunday_after = counted.end + ONE_DAY
    last_sunday = sunday_after - datetime.timedelta(days=sunday_after.weekday() + 1)
    if last_sunday - monday < datetime.timedelta(days=6):
        return None, [counted], recent  # not one whole week: days only
    weeks = replace(counted, start=monday, end=last_sunday)
    days = []
    if monday > counted.start:
        days.append(replace(counted, end=monday - ONE_DAY))
    if last_sunday < counted.end:
        days.append(replace(counted, start=last_sunday + ONE_DAY))
    return weeks, days, recent


def _rolled_up(table, column: str, scope: EventScope, kinds: Sequence[str], by: Sequence[str]):
    """Counted events of `kinds` in `scope`, grouped by `by` (journeys as the counting
    counted them). From weekly counts, the "day" of a group is its week's Monday."""
    where = _where(table, scope, kinds) + [
        table.c[column] >= scope.start,
        table.c[column] <= scope.end,
    ]
    columns = [(table.c[column] if name == "day" else table.c[name]).label(name) for name in by]
    return (
        select(
            *columns,
            func.sum(table.c.events).label("events"),
            func.sum(table.c.journeys).label("journeys"),
        )
        .where(*where)
        .group_by(*columns)
    )


def _recent(scope: EventScope, kinds: Sequence[str], dialect: str):
    """The recent events of `kinds` counted exactly as the roll-up will count them: by UTC
    day and every dimension, with the distinct journeys of each group."""
    table = EVENTS
    where = _where(table, scope, kinds) + [
        table.c.at >= _midnight(scope.start),
        table.c.at < _midnight(scope.end + datetime.timedelta(days=1)),
    ]
    day = utc_day(table.c.at, dialect)
    dimensions = [table.c[name] for name in DIMENSIONS]
    day_key = literal_column("day") if dialect == "sqlite" else day
    return (
        select(
            day.label("day"),
            *dimensions,
            func.count().label("events"),
            func.count(table.c.journey.distinct()).label("journeys"),
        )
        .where(*where)
        .group_by(day_key, *dimensions)
    )


def _key(by: Sequence[str], cells: Sequence) -> tuple:
    """A group's key: its cells in `by` order, a day as a date (SQLite gives text)."""
    if "day" not in by:
        return tuple(cells)
    return tuple(
        _day(cell) if name == "day" else cell for name, cell in zip(by, cells, strict=True)
    )


def _add(totals: dict[tuple, list[int]], key: tuple, events, journeys) -> None:
    counts = totals.setdefault(key, [0, 0])
    counts[0] += int(events or 0)
    counts[1] += int(journeys or 0)
