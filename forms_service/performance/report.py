"""The figures of one period, for one form or all of them, as plain data: what the
dashboard draws, the CSV downloads and GET /api/v1/performance returns. Built by
`build_report` (kpis.py formulas over data/performance.py counts); nothing here knows about
Flask or SQL.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

Day = datetime.date


@dataclass(frozen=True)
class Filters:
    """What the service owner chose: a form (None: all forms), a period of whole UTC days
    (start and end included), a channel and a language (None: all)."""

    form_id: str | None
    start: Day
    end: Day
    channel: str | None = None
    language: str | None = None

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1


@dataclass(frozen=True)
class Rate:
    """A share: `part` of `whole`. `value` is None when there is nothing to divide by (no
    journeys started): the dashboard says "no data", never 0% or 100%."""

    part: float
    whole: float

    @property
    def value(self) -> float | None:
        return self.part / self.whole if self.whole else None


@dataclass(frozen=True)
class Cost:
    """Cost per transaction for one channel or overall: the configured yearly cost for the
    period (yearly * days / 365) over the transactions completed in it. `per_transaction`
    is None when the cost is not set ("not set") or nothing was completed."""

    channel: str | None  # None: all channels
    cost_for_period: float | None  # None: not set in the definition
    transactions: int

    @property
    def per_transaction(self) -> float | None:
        if self.cost_for_period is None or not self.transactions:
            return None
        return self.cost_for_period / self.transactions


@dataclass(frozen=True)
class FunnelStep:
    page_id: str  # or CHECK_ANSWERS_PAGE, or "submitted"
    title: str  # the page's title (or its first question's label) in the chosen language
    reached: int  # journeys that were shown the page


@dataclass(frozen=True)
class Funnel:
    """One route through the form (a sequence of pages the runner can take), in order."""

    name: str  # "Route 1: ...": what distinguishes it, for people
    steps: tuple[FunnelStep, ...]


@dataclass(frozen=True)
class ErrorCount:
    page_id: str
    question_id: str
    question: str  # the question's label, for people
    kind: str  # required, invalid, too_long, ... (question_types ERROR_KINDS and finer)
    count: int


@dataclass(frozen=True)
class TurnaroundWeek:
    week_start: Day  # a Monday
    decided: int
    median_working_days: float | None
    within_target: Rate  # decided within sla_working_days (whole 0 when no target)


@dataclass(frozen=True)
class Report:
    filters: Filters
    form_title: str  # "All forms" when filters.form_id is None
    started: int
    submitted: int
    exits: int  # journeys that reached an exit page ("you cannot use this service")
    completion: Rate  # submitted / started
    completion_with_exits: Rate  # (submitted + exits) / started, as GDS counts it
    transactions: dict[str, int]  # completed in the service by channel: online, assisted, paper
    paper_outside: int  # paper forms recorded as received outside the service
    digital_take_up: Rate  # online / (all transactions + paper_outside)
    ratings: dict[int, int]  # 5 very satisfied ... 1 very dissatisfied -> how many
    satisfaction: Rate  # (5 + 4) / all ratings
    costs: tuple[Cost, ...]  # one per channel, then overall (channel None)
    saved: int  # saved for later
    resumed: int
    median_minutes: float | None  # time to complete, start to submission
    p90_minutes: float | None
    funnels: tuple[Funnel, ...]
    errors: tuple[ErrorCount, ...]  # most first
    sla_working_days: int | None  # the form's target (None: all forms, or none set)
    turnaround: tuple[TurnaroundWeek, ...]  # week by week, oldest first
    turnaround_median: float | None  # over the whole period
    turnaround_within: Rate
    notes: tuple[str, ...] = field(default=())  # caveats for people ("costs not set")


@dataclass(frozen=True)
class Table:
    """One set of figures as rows, for people and machines alike: the data table beside a
    chart, and its CSV download (performance/tables.py makes them from a Report)."""

    id: str  # used in URLs: "summary", "channels", "satisfaction", "funnel-1", "errors"...
    caption: str
    headers: tuple[str, ...]
    rows: tuple[tuple[str | int | float | None, ...], ...]
