"""The figures of one period, for one form or all of them, as plain data: what the
dashboard draws, the CSV downloads and GET /api/v1/performance returns. Built by
`build_report` (kpis.py formulas over data/performance.py counts); nothing here knows about
Flask or SQL.
"""

from __future__ import annotations

import datetime
import textwrap
from collections import defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from operator import itemgetter
from typing import TYPE_CHECKING, Any

from forms_service.clock import utcnow
from forms_service.performance import events

if TYPE_CHECKING:
    from forms_service.data.performance import Counted
    from forms_service.definitions.model import Form, Page, Text

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
    page_title: str = ""  # the page's name for people (page_title), "" when not known


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


# -- building a report ---------------------------------------------------------------------

# Below the dataclasses: kpis.py builds Rate and Cost.
from forms_service.data.performance import EventScope  # noqa: E402
from forms_service.performance import kpis  # noqa: E402
from forms_service.performance.routes import form_routes  # noqa: E402

MAX_FUNNELS = 6  # routes shown for one form: the ones most journeys took
SUBMITTED_STEP = "submitted"
# Kinds counted per page (and question and error kind), and kinds counted by value.
_PAGE_KINDS = (
    events.STARTED,
    events.PAGE_SHOWN,
    events.VALIDATION_ERROR,
    events.SAVED,
    events.RESUMED,
    events.EXIT_REACHED,
)
_VALUE_KINDS = (events.SUBMITTED, events.FEEDBACK)


# Events reach the database up to EVENTS_BATCH_SECONDS after they happen: a UTC day is
# counted once it has been over a few minutes.
SETTLE = datetime.timedelta(minutes=5)


def settled_day() -> datetime.date:
    """The first UTC day not yet over (with SETTLE's margin): days before it are counted."""
    return (utcnow() - SETTLE).date()


def build_report(
    store: Any,
    forms: Mapping[str, Form],
    filters: Filters,
    *,
    gettext: Callable[[str], str] = lambda s: s,
) -> Report:
    """The figures of `filters`'s period for one form (filters.form_id) or for every form
    in `forms` (form_id None: no funnels, no errors by question), from a few queries.
    Days that have ended are counted first if they are not yet (once a day, a write).

    `forms` is app.extensions["forms"], or the forms an API token may see. Paper forms
    received outside the service count only with no channel filter (or "paper") and no
    language filter: nobody knows the language of a posted form.
    """
    store.count_closed_days(settled_day())  # yesterday's events, once, as a day's counts
    form = forms[filters.form_id] if filters.form_id is not None else None
    form_ids = (filters.form_id,) if form is not None else tuple(forms)
    scope = EventScope(form_ids, filters.start, filters.end, filters.channel, filters.language)
    notes: list[str] = []

    counted = store.event_breakdowns(
        scope,
        {
            # All forms show no page or question: their totals only, far fewer groups.
            "pages": (_PAGE_KINDS, ("kind", "page", "question", "detail") if form else ("kind",)),
            "values": (_VALUE_KINDS, ("form_id", "kind", "channel", "value")),
            "decided": ((events.DECIDED,), ("day", "detail", "value")),
        },
    )
    by_page, by_value, decided = counted["pages"], counted["values"], counted["decided"]
    totals: dict[str, int] = {}
    journeys: dict[str, int] = {}
    shown: dict[str, int] = {}
    errors: dict[tuple[str, str, str], int] = {}
    for row in by_page:
        kind, page, question, detail = (*row.key, None, None, None)[:4]
        totals[kind] = totals.get(kind, 0) + row.events
        journeys[kind] = journeys.get(kind, 0) + row.journeys
        if kind == events.PAGE_SHOWN and page:
            shown[page] = shown.get(page, 0) + row.journeys
        elif kind == events.VALIDATION_ERROR and page and question:
            key = (page, question, detail or "")
            errors[key] = errors.get(key, 0) + row.events

    submitted_by_form: dict[str, dict[str, int]] = {}
    minutes: dict[int, int] = {}
    ratings = {rating: 0 for rating in events.RATINGS}
    for row in by_value:
        form_id, kind, channel, value = row.key
        if kind == events.SUBMITTED:
            per_channel = submitted_by_form.setdefault(form_id, {})
            per_channel[channel] = per_channel.get(channel, 0) + row.events
            if value is not None and value >= 0:
                minutes[value] = minutes.get(value, 0) + row.events
        elif value in ratings:
            ratings[value] += row.events

    paper_counts = filters.channel in (None, events.PAPER) and filters.language is None
    outside_by_form: dict[str, int] = {}
    if paper_counts:
        outside_by_form = store.paper_outside_by_form(form_ids, filters.start, filters.end)
    paper_outside = sum(outside_by_form.values())

    transactions = {channel: 0 for channel in events.CHANNELS}
    for per_channel in submitted_by_form.values():
        for channel, count in per_channel.items():
            transactions[channel] = transactions.get(channel, 0) + count
    submitted = sum(transactions.values())
    started = journeys.get(events.STARTED, 0)
    exits = journeys.get(events.EXIT_REACHED, 0)

    costs = _costs(forms, form_ids, submitted_by_form, outside_by_form, filters)
    if filters.language is not None:
        notes.append(
            gettext(
                "Cost per transaction is shown for all languages only: "
                "the cost of a channel is not split by language."
            )
        )
    elif costs[-1].cost_for_period is None:
        notes.append(
            gettext("Cost per transaction is not set for every channel that had transactions.")
        )

    slas = {forms[f].sla_working_days for f in form_ids if f in forms}
    sla = slas.pop() if len(slas) == 1 else None
    weeks, turnaround_median, turnaround_within = _turnaround(decided, filters)

    funnels: tuple[Funnel, ...] = ()
    error_counts: tuple[ErrorCount, ...] = ()
    if form is not None:
        funnels, more = _funnels(form, shown, submitted, gettext)
        if more:
            notes.append(
                gettext(
                    "The form has more routes than these %(shown)s, the ones most journeys took."
                )
                % {"shown": len(funnels)}
            )
        error_counts = _errors(form, errors)
    if filters.days > 1 and started:
        notes.append(
            gettext("A journey in progress on 2 days counts once on each day in page counts.")
        )

    return Report(
        filters=filters,
        form_title=_text(form.title, form) if form is not None else gettext("All forms"),
        started=started,
        submitted=submitted,
        exits=exits,
        completion=kpis.completion(started, submitted),
        completion_with_exits=kpis.completion_with_exits(started, submitted, exits),
        transactions=transactions,
        paper_outside=paper_outside,
        digital_take_up=kpis.digital_take_up(transactions, paper_outside),
        ratings=ratings,
        satisfaction=kpis.satisfaction(ratings),
        costs=costs,
        saved=totals.get(events.SAVED, 0),
        resumed=totals.get(events.RESUMED, 0),
        median_minutes=kpis.median(minutes),
        p90_minutes=kpis.p90(minutes),
        funnels=funnels,
        errors=error_counts,
        sla_working_days=sla,
        turnaround=weeks,
        turnaround_median=turnaround_median,
        turnaround_within=turnaround_within,
        notes=tuple(notes),
    )


def _costs(
    forms: Mapping[str, Form],
    form_ids: tuple[str, ...],
    submitted: Mapping[str, Mapping[str, int]],
    outside: Mapping[str, int],
    filters: Filters,
) -> tuple[Cost, ...]:
    """Each form's costs (kpis.costs_per_transaction), added up channel by channel. Paper
    forms received outside the service are paper transactions: the paper channel's cost
    pays for handling them too. With a channel filter only that channel's cost counts;
    with a language filter no cost is known (a channel's cost is for every language)."""
    per_form = []
    for form_id in form_ids:
        form = forms.get(form_id)
        done = dict(submitted.get(form_id, {}))
        done[events.PAPER] = done.get(events.PAPER, 0) + outside.get(form_id, 0)
        yearly = dict(form.costs_per_year) if form is not None else {}
        if filters.language is not None:
            yearly = {}
        elif filters.channel is not None:
            yearly = {c: v for c, v in yearly.items() if c == filters.channel}
        per_form.append(kpis.costs_per_transaction(yearly, done, filters.days))
    return kpis.add_costs(per_form)


def _turnaround(
    decided: list[Counted], filters: Filters
) -> tuple[tuple[TurnaroundWeek, ...], float | None, Rate]:
    """Week by week (every week of the period, Monday first), and over the whole period:
    decisions, the median working days taken, and the share within the target."""
    weeks: dict[Day, tuple[dict[int, int], list[int]]] = {}
    week = kpis.week_start(filters.start)
    while week <= filters.end:
        weeks[week] = ({}, [0, 0])  # working days -> decisions; [within, with a target]
        week += datetime.timedelta(days=7)
    everything: dict[int, int] = {}
    within = [0, 0]
    for row in decided:
        day, detail, value = row.key
        histogram, target = weeks.setdefault(kpis.week_start(day), ({}, [0, 0]))
        if value is not None:
            histogram[value] = histogram.get(value, 0) + row.events
            everything[value] = everything.get(value, 0) + row.events
        if detail in (events.WITHIN, events.LATE):
            for counts in (target, within):
                counts[1] += row.events
                counts[0] += row.events if detail == events.WITHIN else 0
    result = tuple(
        TurnaroundWeek(
            week_start=start,
            decided=sum(histogram.values()),
            median_working_days=kpis.median(histogram),
            within_target=Rate(*target),
        )
        for start, (histogram, target) in sorted(weeks.items())
    )
    return result, kpis.median(everything), Rate(*within)


_ROUTES: dict[tuple[str, int, int], tuple[tuple[str, ...], ...]] = {}


def _routes(form: Form) -> tuple[tuple[str, ...], ...]:
    """form_routes, once per loaded definition (up to thousands of routes: not per view)."""
    key = (form.id, form.version, id(form))
    if key not in _ROUTES:
        _ROUTES[key] = form_routes(form)
    return _ROUTES[key]


def _funnels(
    form: Form, shown: Mapping[str, int], submitted: int, gettext: Callable[[str], str]
) -> tuple[tuple[Funnel, ...], bool]:
    """The routes most journeys took (at most MAX_FUNNELS), each in route order then check
    your answers and "Submitted"; and whether the form has more routes than that.

    A route's weight is the journeys that reached its least-reached page (roughly how many
    took it), then all its pages' journeys added up."""
    routes = list(_routes(form))
    counts = defaultdict(int, shown)

    def weight(number: int) -> tuple[int, int, int]:
        route = routes[number]
        if not route:
            return (0, 0, number)
        reached = itemgetter(*route)(counts) if len(route) > 1 else (counts[route[0]],)
        return (-min(reached), -sum(reached), number)

    # In the order of the definition, for a stable display.
    chosen = [routes[n] for n in sorted(sorted(range(len(routes)), key=weight)[:MAX_FUNNELS])]
    common = set.intersection(*(set(r) for r in routes)) if routes else set()
    funnels = []
    for number, route in enumerate(chosen, start=1):
        steps = [FunnelStep(page, page_title(form, page), shown.get(page, 0)) for page in route]
        if form.check_answers:
            steps.append(
                FunnelStep(
                    events.CHECK_ANSWERS_PAGE,
                    gettext("Check your answers"),
                    shown.get(events.CHECK_ANSWERS_PAGE, 0),
                )
            )
        steps.append(FunnelStep(SUBMITTED_STEP, gettext("Submitted"), submitted))
        own = [page_title(form, page) for page in route if page not in common]
        if len(chosen) == 1 or not own:
            name = gettext("Route %(number)s") % {"number": number}
        else:
            name = gettext("Route %(number)s: through %(pages)s") % {
                "number": number,
                "pages": ", ".join(own[:3]) + (", …" if len(own) > 3 else ""),
            }
        funnels.append(Funnel(name, tuple(steps)))
    return tuple(funnels), len(routes) > len(chosen)


def _errors(form: Form, errors: Mapping[tuple[str, str, str], int]) -> tuple[ErrorCount, ...]:
    """Validation errors by page, question and kind, most first."""
    found = []
    labels: dict[str, str] = {}
    titles: dict[str, str] = {}
    for (page, question_id, kind), count in errors.items():
        if question_id not in labels:
            question = form.question(question_id)
            labels[question_id] = (
                _text(question.label, form) if question and question.label else question_id
            )
        if page not in titles:
            titles[page] = page_title(form, page)
        found.append(ErrorCount(page, question_id, labels[question_id], kind, count, titles[page]))
    found.sort(key=lambda e: (-e.count, e.page_id, e.question_id, e.kind))
    return tuple(found)


def page_title(form: Form, page_id: str) -> str:
    """A page's name for people, in the form's first language: its title, else its first
    question's label, else the start of its body, else its id."""
    page: Page | None = form.page(page_id)
    if page is None:
        return page_id
    if page.title is not None:
        return _text(page.title, form)
    for question in page.questions:
        if question.label is not None:
            return _text(question.label, form)
    if page.is_repeat and page.item_name is not None:
        return _text(page.item_name, form)
    if page.body is not None:
        return textwrap.shorten(_text(page.body, form), 80, placeholder="…") or page_id
    return page_id


def _text(text: Text, form: Form) -> str:
    """A definition's text in the form's first language, on one line (placeholders kept)."""
    return " ".join(text.pick(form.default_language).split())
