"""What the dashboard draws of a Report: one chart per set of figures, each with a title
and a sentence saying what it shows with the key figures, in the reader's language
(gettext comes in; no Flask). The data table of the same figures goes beside each chart.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from babel.dates import format_date
from babel.numbers import format_decimal
from markupsafe import Markup

from forms_service.performance.charts import (
    DARK_BLUE,
    GREEN,
    RED,
    Bar,
    Column,
    bar_chart,
    column_chart,
)
from forms_service.performance.events import ASSISTED, ONLINE, PAPER, RATINGS
from forms_service.performance.report import ErrorCount, Funnel, Rate, Report

Gettext = Callable[[str], str]
TOP_ERRORS = 10  # the errors chart shows the questions with most; the table has them all


@dataclass(frozen=True)
class Numbers:
    """Numbers written the way the reader's language writes them."""

    locale: str

    def count(self, number: float) -> str:
        return format_decimal(number, format="#,##0.#", locale=self.locale)

    def share(self, part: float, whole: float) -> str:
        return self.percent(part / whole if whole else None)

    def percent(self, value: float | None) -> str:
        if value is None:
            return "–"
        return format_decimal(value * 100, format="#,##0.#", locale=self.locale) + "%"

    def rate(self, rate: Rate) -> str:
        return self.percent(rate.value)

    def money(self, amount: float | None) -> str | None:
        return None if amount is None else "£" + format_decimal(amount, "#,##0.00", self.locale)

    def week(self, day) -> str:
        return format_date(day, "d MMM", locale=self.locale)


def funnel_chart(funnel: Funnel, index: int, _: Gettext, n: Numbers) -> Markup:
    first = funnel.steps[0].reached if funnel.steps else 0
    bars = [
        Bar(step.title, step.reached, f"{n.count(step.reached)} ({n.share(step.reached, first)})")
        for step in funnel.steps
    ]
    if funnel.steps and first:
        last = funnel.steps[-1]
        desc = _(
            "%(first)s journeys reached the first page; %(last)s (%(share)s) reached "
            "“%(page)s”, the last step."
        ) % {
            "first": n.count(first),
            "last": n.count(last.reached),
            "share": n.share(last.reached, first),
            "page": last.title,
        }
    else:
        desc = _("No journeys took this route in the period.")
    return bar_chart(
        f"chart-funnel-{index}",
        _("Journeys reaching each page: %(route)s") % {"route": funnel.name},
        desc,
        bars,
        empty=_("No data"),
    )


def errors_by_question(errors: tuple[ErrorCount, ...]) -> list[tuple[str, int]]:
    """Validation errors added up by question (all kinds), most first."""
    totals: dict[tuple[str, str], int] = {}
    labels: dict[tuple[str, str], str] = {}
    for error in errors:
        key = (error.page_id, error.question_id)
        totals[key] = totals.get(key, 0) + error.count
        labels.setdefault(key, error.question)
    ranked = sorted(totals, key=lambda key: (-totals[key], labels[key]))
    return [(labels[key], totals[key]) for key in ranked]


def errors_chart(report: Report, _: Gettext, n: Numbers) -> Markup:
    ranked = errors_by_question(report.errors)
    total = sum(count for _label, count in ranked)
    shown = ranked[:TOP_ERRORS]
    if shown:
        desc = _(
            "%(total)s validation errors in the period. Most were on “%(question)s” (%(count)s)."
        ) % {"total": n.count(total), "question": shown[0][0], "count": n.count(shown[0][1])}
    else:
        desc = _("No validation errors in the period.")
    return bar_chart(
        "chart-errors",
        _("Validation errors by question, the %(count)s with most") % {"count": len(shown) or ""},
        desc,
        [
            Bar(label, count, f"{n.count(count)} ({n.share(count, total)})")
            for label, count in shown
        ],
        empty=_("No validation errors"),
        colour=RED,
    )


def ratings_chart(report: Report, _: Gettext, n: Numbers) -> Markup:
    total = sum(report.ratings.values())
    bars = [
        Bar(_(label), report.ratings.get(rating, 0), _rated(report, rating, total, n))
        for rating, label in RATINGS.items()
    ]
    if total:
        desc = _(
            "%(share)s of the %(count)s people who rated the service were satisfied or very "
            "satisfied."
        ) % {"share": n.rate(report.satisfaction), "count": n.count(total)}
    else:
        desc = _("Nobody rated the service in the period.")
    return bar_chart(
        "chart-satisfaction",
        _("How people rated the service"),
        desc,
        bars if total else [],
        empty=_("No ratings"),
        colour=GREEN,
    )


def _rated(report: Report, rating: int, total: int, n: Numbers) -> str:
    count = report.ratings.get(rating, 0)
    return f"{n.count(count)} ({n.share(count, total)})"


def channels_chart(report: Report, _: Gettext, n: Numbers) -> Markup:
    rows = [
        (_("Online"), report.transactions.get(ONLINE, 0)),
        (_("Assisted digital"), report.transactions.get(ASSISTED, 0)),
        (_("Paper, keyed into the service"), report.transactions.get(PAPER, 0)),
        (_("Paper, received outside the service"), report.paper_outside),
    ]
    total = sum(count for _label, count in rows)
    if total:
        desc = _(
            "%(total)s transactions completed; %(online)s online, a digital take-up of %(share)s."
        ) % {
            "total": n.count(total),
            "online": n.count(rows[0][1]),
            "share": n.rate(report.digital_take_up),
        }
    else:
        desc = _("No transactions were completed in the period.")
    return bar_chart(
        "chart-channels",
        _("Completed transactions by channel"),
        desc,
        [Bar(label, count, f"{n.count(count)} ({n.share(count, total)})") for label, count in rows]
        if total
        else [],
        empty=_("No transactions"),
        colour=DARK_BLUE,
    )


def turnaround_chart(report: Report, _: Gettext, n: Numbers) -> Markup:
    columns = [
        Column(
            n.week(week.week_start),
            week.median_working_days,
            "–" if week.median_working_days is None else n.count(week.median_working_days),
        )
        for week in report.turnaround
    ]
    target = report.sla_working_days
    values = {
        "median": "–" if report.turnaround_median is None else n.count(report.turnaround_median),
        "share": n.rate(report.turnaround_within),
        "target": target,
    }
    if report.turnaround_median is None:
        desc = _("No decisions were made in the period.")
    elif target is not None:
        desc = (
            _(
                "Over the period a decision took a median of %(median)s working days; "
                "%(share)s were decided within the target of %(target)s working days."
            )
            % values
        )
    else:
        desc = _("Over the period a decision took a median of %(median)s working days.") % values
    return column_chart(
        "chart-turnaround",
        _("Median working days from submission to decision, week by week"),
        desc,
        columns,
        empty=_("No decisions"),
        target=target,
        target_text=_("Target: %(days)s working days") % {"days": target} if target else "",
    )


def charts(report: Report, _: Gettext, n: Numbers) -> dict[str, Markup]:
    """Every chart of the report, by the id of the table it sits beside."""
    drawn = {f"funnel-{i}": funnel_chart(f, i, _, n) for i, f in enumerate(report.funnels, 1)}
    drawn["errors"] = errors_chart(report, _, n)
    drawn["satisfaction"] = ratings_chart(report, _, n)
    drawn["turnaround"] = turnaround_chart(report, _, n)
    drawn["channels"] = channels_chart(report, _, n)
    return drawn
