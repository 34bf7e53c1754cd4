"""Reading the performance dashboard's counts back, and the paper forms staff record as
received outside the service.

A period's events live in two tables: days already rolled up in daily_event_counts, and
the last EVENTS_KEEP_DAYS days as they happened in journey_events (data/events.py). Each
breakdown is ONE query: a UNION ALL of the two, the raw events counted per UTC day like the
roll-up counts them, summed by what the breakdown needs. Both halves use the (form_id, day)
and (form_id, at) indexes (or the day/at ones for all forms).
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import ColumnElement, delete, func, literal_column, select, union_all

from forms_service.clock import utcnow
from forms_service.data.database import Sessions
from forms_service.data.events import DAILY, EVENTS, utc_day
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
    the journeys: distinct journeys per UTC day, summed over the days (a journey spanning
    two days counts on each, as the roll-up keeps no journey ids)."""

    key: tuple
    events: int
    journeys: int


def _midnight(day: Day) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(), datetime.UTC)


class Performance:
    sessions: Sessions

    def event_counts(
        self, scope: EventScope, kinds: Sequence[str], by: Sequence[str]
    ) -> list[Counted]:
        """The events of `kinds` in `scope`, grouped by the columns `by` (see GROUPABLE)."""
        unknown = set(by) - set(GROUPABLE)
        if unknown:
            raise ValueError(f"cannot group events by {sorted(unknown)}")
        with self.sessions.connect() as connection:
            dialect = connection.dialect.name
            rolled = self._rolled_up(scope, kinds, by)
            recent = self._recent(scope, kinds, by, dialect)
            both = union_all(rolled, recent).subquery()
            columns = [both.c[name] for name in by]
            query = select(*columns, func.sum(both.c.events), func.sum(both.c.journeys)).group_by(
                *columns
            )
            return [
                Counted(
                    tuple(_day(v) if n == "day" else v for n, v in zip(by, row[:-2], strict=True)),
                    int(row[-2] or 0),
                    int(row[-1] or 0),
                )
                for row in connection.execute(query)
            ]

    @staticmethod
    def _rolled_up(scope: EventScope, kinds: Sequence[str], by: Sequence[str]):
        table = DAILY
        where = _where(table, scope, kinds) + [table.c.day >= scope.start, table.c.day <= scope.end]
        columns = [table.c[name].label(name) for name in by]
        return (
            select(
                *columns,
                func.sum(table.c.events).label("events"),
                func.sum(table.c.journeys).label("journeys"),
            )
            .where(*where)
            .group_by(*columns)
        )

    @staticmethod
    def _recent(scope: EventScope, kinds: Sequence[str], by: Sequence[str], dialect: str):
        table = EVENTS
        where = _where(table, scope, kinds) + [
            table.c.at >= _midnight(scope.start),
            table.c.at < _midnight(scope.end + datetime.timedelta(days=1)),
        ]
        day = utc_day(table.c.at, dialect)
        # Journeys are distinct per day, as the roll-up counts them: group by the day too,
        # then the union's outer query sums the days.
        inner = select(
            day.label("day"),
            *[table.c[name].label(name) for name in by if name != "day"],
            func.count().label("events"),
            func.count(table.c.journey.distinct()).label("journeys"),
        ).where(*where)
        day_key = literal_column("day") if dialect == "sqlite" else day
        inner = inner.group_by(day_key, *[table.c[name] for name in by if name != "day"])
        per_day = inner.subquery()
        columns = [per_day.c[name].label(name) for name in by]
        return select(
            *columns,
            func.sum(per_day.c.events).label("events"),
            func.sum(per_day.c.journeys).label("journeys"),
        ).group_by(*columns)

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
