"""A realistic made-up history for the performance dashboard (`forms-service demo-data`), so
it has something to show in development and `make bench` can time it at volume. No Flask,
no SQL: `plan_form` reads a loaded definition, `make_history` plays journeys through it and
returns the rows data/demo_history.py writes.

Each journey walks one of the form's real routes (the journeys `forms-service
test-journeys` finds with journey/routes_cover.py: every branch and exit page), page by
page: it is shown each page, sometimes gets validation errors on the page's real questions
(error kinds the question can give: "required" only if it is required, "too_late" only if
it has `not_after`...), sometimes gives up (more often on pages with more questions, and
after an error), sometimes saves for later and comes back, and reaches an exit page or
check your answers and submits. Journeys start on weekdays more than at weekends and in the
day more than at night; most are online, some assisted, a few paper; some are in Welsh
where the form has it. Some submitters rate the service (a few with a comment), most
submissions are decided within the form's sla_working_days, and paper forms received
outside the service are recorded weekly.

Events of days older than EVENTS_KEEP_DAYS are returned already counted by day, the way
Store.roll_up_events counts them (events and distinct journeys per day and dimensions);
the recent ones as they happened. The same seed gives the same history for the same `now`.
"""

from __future__ import annotations

import bisect
import datetime
import functools
import itertools
import math
import random
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from forms_service.definitions.model import Form, Question
from forms_service.journey.routes_cover import cover
from forms_service.performance.events import (
    ASSISTED,
    CHECK_ANSWERS_PAGE,
    DECIDED,
    EXIT_REACHED,
    FEEDBACK,
    LATE,
    ONLINE,
    PAGE_SAVED,
    PAGE_SHOWN,
    PAPER,
    RESUMED,
    SAVED,
    STARTED,
    SUBMITTED,
    VALIDATION_ERROR,
    WITHIN,
)
from forms_service.question_types import question_type
from forms_service.question_types.base import LIMIT_KINDS
from forms_service.working_days import add_working_days

UTC = datetime.UTC
DAY = 86400.0
CHANNEL_SHARES = {ONLINE: 0.86, ASSISTED: 0.10, PAPER: 0.04}
WELSH_SHARE = 0.09  # of journeys on a form that has Welsh
EXIT_SHARE = 0.08  # of journeys that take a route ending at an exit page (all of them)
# Journeys starting at each hour of the day (UTC), and on each day of the week (Monday 0).
HOUR_WEIGHTS = (
    1, 1, 0.5, 0.5, 0.5, 1, 2, 4, 7, 10, 11, 11, 10, 10, 10, 9, 8, 7, 7, 8, 8, 6, 4, 2,
)  # fmt: skip
WEEKDAY_WEIGHTS = (1.0, 1.0, 0.95, 0.95, 0.85, 0.45, 0.4)
RATING_SHARES = {5: 0.42, 4: 0.33, 3: 0.11, 2: 0.08, 1: 0.06}
RATINGS_BEST_FIRST = list(RATING_SHARES)
RATING_CUM = list(itertools.accumulate(RATING_SHARES.values()))
FEEDBACK_SHARE = 0.14  # of online submissions
COMMENT_SHARE = 0.3  # of feedback
WITHIN_SLA_SHARE = 0.82
COMMENTS = {
    "en": {
        5: ["Quick and easy to use.", "Much easier than the paper form, thank you."],
        4: ["Clear questions. The progress saving was useful.", "Good, but it took a while."],
        3: ["It was fine but took longer than I expected.", "Some questions were not clear."],
        2: [
            "The page asking for dates was confusing.",
            "Please call me back on 07700 900123, I need help with my application.",
        ],
        1: [
            "I could not find how to change an answer.\nI had to start again.",
            "Nobody replied. Email me at jo.bloggs@example.com",
        ],
    },
    "cy": {
        5: ["Roedd yn gyflym ac yn hawdd."],
        4: ["Cwestiynau clir."],
        3: ["Roedd yn iawn."],
        2: ["Roedd y dudalen dyddiadau yn ddryslyd."],
        1: ["Doeddwn i ddim yn gallu newid fy ateb."],
    },
}


@dataclass(frozen=True)
class Route:
    pages: tuple[str, ...]  # the page ids shown, in order (an exit page last, if any)
    exit_page: str | None
    weight: float


@dataclass(frozen=True)
class FormPlan:
    """What a history needs of a form: its routes and the errors each page can give."""

    form_id: str
    version: int
    welsh: bool
    save_and_return: bool
    sla_working_days: int | None
    routes: tuple[Route, ...]
    # page id -> (question id, the error kinds it can give), for the page's questions
    questions: dict[str, tuple[tuple[str, tuple[str, ...]], ...]]


def error_kinds(question: Question) -> tuple[str, ...]:
    """The validation errors a question can give, from its type and settings."""
    qtype = question_type(question)
    if not qtype.takes_answer:
        return ()
    kinds = [] if question.optional else ["required"]
    if qtype.reads_a_value or question.setting("pattern") is not None:
        kinds.append("invalid")
    for key, kind in LIMIT_KINDS.items():
        if question.setting(key) is not None and kind not in kinds:
            kinds.append(kind)
    if qtype.always_limited and "too_long" not in kinds:
        kinds.append("too_long")  # every text has a most (its own or the service's)
    return tuple(kinds)


def plan_form(form: Form, today: datetime.date) -> FormPlan:
    """The form's routes (every branch and exit page, from routes_cover) and questions."""
    seen: dict[tuple[str, ...], str | None] = {}
    for journey in cover(form, today).journeys:
        pages: list[str] = []
        for step in journey.steps:
            if not pages or pages[-1] != step.page.id:
                pages.append(step.page.id)
        seen.setdefault(tuple(pages), journey.exit_page)
    if not seen:  # nothing found: the pages in order, to the first exit page
        pages = [page.id for page in form.pages if not page.is_exit]
        seen[tuple(pages)] = None
    completes = [pages for pages, exit_page in seen.items() if exit_page is None]
    exits = [(pages, exit_page) for pages, exit_page in seen.items() if exit_page is not None]
    routes: list[Route] = []
    complete_share = 1.0 - (EXIT_SHARE if exits else 0.0)
    for n, pages in enumerate(completes):
        # The first route found is the usual one; the others are branches fewer take.
        weight = complete_share * (0.6 if n == 0 else 0.4 / max(1, len(completes) - 1))
        routes.append(Route(pages, None, weight if len(completes) > 1 else complete_share))
    for pages, exit_page in exits:
        routes.append(Route(pages, exit_page, EXIT_SHARE / len(exits)))
    questions = {
        page.id: tuple(
            (question.id, kinds) for question in page.questions if (kinds := error_kinds(question))
        )
        for page, _ in form.every_page()
    }
    return FormPlan(
        form_id=form.id,
        version=form.version,
        welsh="cy" in form.languages,
        save_and_return=form.save_and_return,
        sla_working_days=form.sla_working_days,
        routes=tuple(routes),
        questions=questions,
    )


@dataclass
class History:
    events: list[dict[str, Any]] = field(default_factory=list)  # recent: as they happened
    daily: list[dict[str, Any]] = field(default_factory=list)  # older: counted by day
    comments: list[dict[str, Any]] = field(default_factory=list)
    paper: list[dict[str, Any]] = field(default_factory=list)
    counts: Counter = field(default_factory=Counter)  # events of each kind, all days


class _Walk:
    """A route made ready for fast sampling: cumulative hazards of giving up and of an
    error page by page (a journey's next drop-off or error is one draw and a bisect, not
    a draw per page), cumulative seconds, and each page's questions by how often they err."""

    def __init__(self, plan: FormPlan, route: Route):
        self.pages = route.pages
        self.exit_page = route.exit_page
        # The pages answered (an exit page is shown, never answered).
        self.length = len(route.pages) - (1 if route.exit_page else 0)
        self.drop = [0.0]
        self.errors = [0.0]
        self.seconds = [0.0]
        # each page's questions, and the cumulative chances of an error on each
        self.questions: list[tuple[list[tuple[str, tuple[str, ...]]], list[float]]] = []
        for page in route.pages[: self.length]:
            questions = plan.questions.get(page, ())
            chances = [0.06 if "invalid" in kinds else 0.025 for _, kinds in questions]
            self.drop.append(self.drop[-1] - math.log(1 - (0.006 + 0.004 * len(questions))))
            self.errors.append(self.errors[-1] + sum(chances))
            self.seconds.append(self.seconds[-1] + 20 + 30 * len(questions))
            self.questions.append((list(questions), list(itertools.accumulate(chances))))
        # Where each page was met before on the route (a repeat's page for its next item):
        # a run of pages from `start` counts a journey at a page only at its first showing
        # in the run.
        last: dict[str, int] = {}
        self.before: list[int] = []
        for index, page in enumerate(route.pages):
            self.before.append(last.get(page, -1))
            last[page] = index

    def next_point(self, hazards: list[float], after: float, scale: float, rng: random.Random):
        """(the page index, the hazard reached) of the next event after hazard `after`, or
        None when the route ends first."""
        target = after + rng.expovariate(1.0) / scale
        index = bisect.bisect_right(hazards, target) - 1
        return (index, target) if index < self.length else None


def make_history(
    plans: Sequence[FormPlan],
    *,
    journeys: int,
    days: int,
    seed: int,
    now: datetime.datetime,
    keep_days: int,
) -> History:
    """`journeys` journeys over the `days` days up to `now` on these forms."""
    rng = random.Random(seed)  # noqa: S311  made-up data, the same for the same seed
    today = now.date()
    first_day = today - datetime.timedelta(days=days - 1)
    epoch = datetime.datetime.combine(first_day, datetime.time(), tzinfo=UTC).timestamp()
    cutoff = datetime.datetime.combine(
        today - datetime.timedelta(days=max(keep_days, 1) - 1), datetime.time(), tzinfo=UTC
    ).timestamp()
    # More journeys on weekdays, a slow growth over the period, a little noise day to day.
    day_weights = [
        WEEKDAY_WEIGHTS[(first_day + datetime.timedelta(days=n)).weekday()]
        * (0.85 + 0.3 * n / days)
        * rng.uniform(0.85, 1.15)
        for n in range(days)
    ]
    form_weights = [rng.uniform(0.6, 1.4) for _ in plans]
    maker = _Maker(rng, epoch, cutoff, now.timestamp())
    walks = [[_Walk(plan, route) for route in plan.routes] for plan in plans]
    route_weights = [[route.weight for route in plan.routes] for plan in plans]
    channels = list(CHANNEL_SHARES)
    channel_cum = list(itertools.accumulate(CHANNEL_SHARES.values()))
    route_cums = [list(itertools.accumulate(weights)) for weights in route_weights]
    day_cum = list(itertools.accumulate(day_weights))
    hour_cum = list(itertools.accumulate(HOUR_WEIGHTS))
    form_cum = list(itertools.accumulate(form_weights))
    for _ in range(journeys):
        n = _pick(rng, form_cum)
        plan = plans[n]
        day = _pick(rng, day_cum)
        hour = _pick(rng, hour_cum)
        start = min(epoch + day * DAY + hour * 3600 + rng.uniform(0, 3600), maker.end - 60)
        channel = channels[_pick(rng, channel_cum)]
        language = "cy" if plan.welsh and rng.random() < WELSH_SHARE else "en"
        route = _pick(rng, route_cums[n])
        maker.journey(plan, walks[n][route], (plan.form_id, plan.version, channel, language), start)
    return maker.finish(first_day, plans)


class _Maker:
    """Plays journeys and keeps what happened: raw events after the cutoff, counts by day
    before it (the pages walked as runs of pages, added up per day at the end)."""

    def __init__(self, rng: random.Random, epoch: float, cutoff: float, end: float):
        self.rng, self.epoch, self.cutoff, self.end = rng, epoch, cutoff, end
        self.history = History()
        self.daily: dict[tuple, list[int]] = {}
        # (day, dims, walk, shown 0 / saved 1, first page of the runs) -> how many runs
        # start (+1) and stop (-1) at each page index
        self.runs: dict[tuple, list[int]] = {}
        self.raw_walks: list[tuple] = []
        self.journey_id = ""
        self.seen: set[tuple] = set()

    def journey(self, plan: FormPlan, walk: _Walk, dims: tuple, start: float) -> None:
        rng = self.rng
        self.journey_id = f"{rng.getrandbits(128):032x}"
        self.seen = set()
        channel = dims[2]
        care = 1.0 if channel == ONLINE else 0.35  # staff make fewer mistakes, stay
        speed = rng.lognormvariate(0, 0.35)
        self.event(start, dims, STARTED)
        position, t, hazard_drop, hazard_error = 0, start, 0.0, 0.0
        resumed = False
        while True:
            # Errors on the way, each page's run of them after the last.
            delay = 0.0
            errors: list[int] = []
            found = walk.next_point(walk.errors, hazard_error, care, rng)
            while found is not None:
                errors.append(found[0])
                hazard_error = found[1]
                found = walk.next_point(walk.errors, hazard_error, care, rng)
            drop = None
            if channel != PAPER:
                found = walk.next_point(walk.drop, hazard_drop, care, rng)
                if found is not None:
                    drop, hazard_drop = found
                for index in sorted(set(errors)):
                    if drop is not None and index >= drop:
                        break
                    if rng.random() < 0.04 * care:  # an error made them give up
                        drop = index
                        break
            stop = walk.length if drop is None else drop
            for index in errors:
                if index > stop:
                    continue
                questions, chances = walk.questions[index]
                question, kinds = questions[_pick(rng, chances)]
                kind = "required" if "required" in kinds and rng.random() < 0.4 else None
                at = t + speed * (walk.seconds[index + 1] - walk.seconds[position]) + delay
                delay += rng.uniform(15, 90)
                self.event(at, dims, VALIDATION_ERROR, walk.pages[index], question,
                           kind or rng.choice(kinds))  # fmt: skip
            finished = t + speed * (walk.seconds[stop] - walk.seconds[position]) + delay
            if drop is None:
                shown_to = len(walk.pages) if walk.exit_page else walk.length
                self.run(t, speed, dims, walk, position, shown_to, walk.length)
                t = finished
                break
            self.run(t, speed, dims, walk, position, drop + 1, drop)
            t = finished
            if resumed or not (plan.save_and_return and rng.random() < 0.3):
                return  # gave up
            self.event(t, dims, SAVED, walk.pages[drop])
            if rng.random() < 0.45:
                return  # saved, never came back
            # Back on a later day, at the page they saved on.
            t = (t // DAY + rng.randint(1, 3)) * DAY + rng.uniform(8, 21) * 3600
            self.event(t, dims, RESUMED)
            position, resumed = drop, True
            hazard_error = walk.errors[position]
        if walk.exit_page:
            self.event(t, dims, EXIT_REACHED, walk.exit_page)
            return
        self.event(t, dims, PAGE_SHOWN, CHECK_ANSWERS_PAGE)
        t += rng.uniform(40, 240)
        if channel != PAPER and rng.random() < 0.04 * care:
            return  # left at check your answers
        self.event(t, dims, SUBMITTED, value=max(1, round((t - start) / 60)))
        if channel == ONLINE and rng.random() < FEEDBACK_SHARE:
            rating = RATINGS_BEST_FIRST[_pick(rng, RATING_CUM)]
            at = t + rng.uniform(30, 300)
            if self.event(at, dims, FEEDBACK, value=rating) and rng.random() < COMMENT_SHARE:
                self.history.comments.append(
                    {
                        "at": _moment(at),
                        "form_id": dims[0],
                        "channel": channel,
                        "language": dims[3],
                        "rating": rating,
                        "comment": rng.choice(COMMENTS[dims[3]][rating]),
                    }
                )
        if rng.random() < 0.97:
            at, detail, taken = _decision(rng, plan, t)
            self.event(at, dims, DECIDED, detail=detail, value=taken)

    def event(self, at: float, dims: tuple, kind: str, page=None, question=None, detail=None,
              value=None) -> bool:  # fmt: skip
        """One event of the journey; False if it has not happened yet."""
        if at > self.end:
            return False
        self.history.counts[kind] += 1
        if at >= self.cutoff:
            self.history.events.append(
                _raw(_moment(at), self.journey_id, dims, kind, page, question, detail, value)
            )
            return True
        key = (int((at - self.epoch) // DAY), dims, kind, page, question, detail, value)
        total = self.daily.get(key)
        if total is None:
            self.daily[key] = [1, 1]
        else:
            total[0] += 1
            if key not in self.seen:
                total[1] += 1
        self.seen.add(key)
        return True

    def run(self, t: float, speed: float, dims: tuple, walk: _Walk, start: int, shown_to: int,
            saved_to: int) -> None:  # fmt: skip
        """Pages start..shown_to-1 shown and start..saved_to-1 saved, from time t on."""
        if t >= self.cutoff:
            for index in range(start, shown_to):
                at = t + speed * (walk.seconds[index] - walk.seconds[start])
                if at > self.end:
                    return
                page = walk.pages[index]
                self.event(at, dims, PAGE_SHOWN, page)
                if index < saved_to:
                    at = t + speed * (walk.seconds[index + 1] - walk.seconds[start])
                    if at <= self.end:
                        self.event(at, dims, PAGE_SAVED, page)
            return
        first_day = int((t - self.epoch) // DAY)
        # A page is shown at seconds[i] and saved at seconds[i + 1] (from seconds[start], at
        # the journey's speed): a run that goes past midnight is counted on each day.
        for which, (stop, offset) in enumerate(((shown_to, 0), (saved_to, 1))):
            index, day = start, first_day
            while index < stop:
                if self.epoch + day * DAY >= self.cutoff:  # the rest happened recently
                    for late in range(index, stop):
                        at = t + speed * (walk.seconds[late + offset] - walk.seconds[start])
                        self.event(at, dims, (PAGE_SHOWN, PAGE_SAVED)[which], walk.pages[late])
                    break
                midnight = self.epoch + (day + 1) * DAY
                limit = walk.seconds[start] + (midnight - t) / speed
                upto = min(max(bisect.bisect_left(walk.seconds, limit) - offset, index), stop)
                if upto > index:
                    self.history.counts[(PAGE_SHOWN, PAGE_SAVED)[which]] += upto - index
                    key = (day, dims, id(walk), which, index)
                    runs = self.runs.get(key)
                    if runs is None:
                        runs = self.runs[key] = [0] * (len(walk.pages) + 1)
                        self.raw_walks.append((key, walk))
                    runs[index] += 1
                    runs[upto] -= 1
                index, day = upto, day + 1

    def finish(self, first_day: datetime.date, plans: Sequence[FormPlan]) -> History:
        history = self.history
        for key, walk in self.raw_walks:
            day, dims, _, which, start = key
            kind = (PAGE_SHOWN, PAGE_SAVED)[which]
            running = 0
            for index, difference in enumerate(self.runs[key][: len(walk.pages)]):
                running += difference
                if not running:
                    continue
                page = walk.pages[index]
                total = self.daily.setdefault((day, dims, kind, page, None, None, None), [0, 0])
                total[0] += running
                if walk.before[index] < start:
                    total[1] += running
        for (day, dims, kind, page, question, detail, value), (
            events,
            journeys,
        ) in self.daily.items():
            history.daily.append(
                {
                    "day": first_day + datetime.timedelta(days=day),
                    **_event(dims, kind, page, question, detail, value),
                    "events": events,
                    "journeys": journeys,
                }
            )
        last = datetime.datetime.fromtimestamp(self.end, UTC).date()
        history.paper = _paper_volumes(self.rng, plans, first_day, last)
        return history


def _raw(at, journey, dims, kind, page, question, detail, value) -> dict[str, Any]:
    return {"at": at, "journey": journey, **_event(dims, kind, page, question, detail, value)}


def _event(dims, kind, page, question, detail, value) -> dict[str, Any]:
    """An event's dimensions and what it says, as raw events and daily counts both hold."""
    form_id, version, channel, language = dims
    return {
        "form_id": form_id,
        "form_version": version,
        "channel": channel,
        "language": language,
        "kind": kind,
        "page": page,
        "question": question,
        "detail": detail,
        "value": value,
    }


def _pick(rng: random.Random, cumulative: list[float]) -> int:
    """An index drawn by cumulative weights (what random.choices does, without its lists)."""
    return min(bisect.bisect(cumulative, rng.random() * cumulative[-1]), len(cumulative) - 1)


@functools.cache
def _working_days_after(day: datetime.date, count: int) -> datetime.date:
    return add_working_days(day, count)


def _moment(timestamp: float) -> datetime.datetime:
    return datetime.datetime.fromtimestamp(timestamp, UTC).replace(microsecond=0)


def _decision(rng: random.Random, plan: FormPlan, submitted: float) -> tuple[float, Any, int]:
    """The decision on a submission: working days taken, within the form's SLA or late."""
    sla = plan.sla_working_days
    if sla is None:
        taken, detail = rng.randint(1, 15), None
    elif rng.random() < WITHIN_SLA_SHARE:
        taken, detail = rng.randint(1, sla), WITHIN
    else:
        taken, detail = sla + rng.randint(1, 6), LATE
    day = _working_days_after(_moment(submitted).date(), taken)
    at = datetime.datetime.combine(day, datetime.time(9), tzinfo=UTC).timestamp()
    return at + rng.uniform(0, 8 * 3600), detail, taken


def _paper_volumes(
    rng: random.Random, plans: Sequence[FormPlan], first: datetime.date, last: datetime.date
) -> list[dict[str, Any]]:
    """Paper forms received outside the service, recorded each Monday for the week before."""
    rows = []
    day = first + datetime.timedelta(days=(7 - first.weekday()) % 7)
    while day <= last:
        for plan in plans:
            rows.append(
                {
                    "form_id": plan.form_id,
                    "received_on": day,
                    "count": rng.randint(3, 30),
                    "recorded_at": datetime.datetime.combine(day, datetime.time(10), tzinfo=UTC),
                    "recorded_by": "demo-data",
                }
            )
        day += datetime.timedelta(days=7)
    return rows
