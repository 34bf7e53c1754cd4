"""Every figure of a Report as tables: the data table beside each chart (for screen readers
and for copying) and each table's CSV download. No Flask here: words go through the
`gettext` given.

Numbers stay numbers (percentages rounded to one decimal place, pounds to pence) so a
spreadsheet can sum them; a figure with nothing to divide by says "No data", a cost that
is not in the definition "Not set".
"""

from __future__ import annotations

from collections.abc import Callable

from forms_service.exports import BOM, csv_line
from forms_service.performance import events
from forms_service.performance.report import Cost, Rate, Report, Table

Cell = str | int | float | None


def report_tables(report: Report, gettext: Callable[[str], str]) -> list[Table]:
    """The report's tables, in the order the dashboard shows them: summary, channels,
    satisfaction, costs, one per funnel (funnel-1...), errors, time-to-complete,
    turnaround. A report of all forms has no funnel or errors tables."""
    words = _Words(gettext)
    tables = [
        _summary(report, words),
        _channels(report, words),
        _satisfaction(report, words),
        _costs(report, words),
        *_funnels(report, words),
    ]
    if report.filters.form_id is not None:
        tables.append(_errors(report, words))
    tables += [_time_to_complete(report, words), _turnaround(report, words)]
    return tables


def table_csv(table: Table) -> str:
    """A table as CSV for people's spreadsheets: a byte order mark (so Excel reads UTF-8),
    the headers, then the rows, CRLF line ends, and no cell a spreadsheet would run as a
    formula (exports.safe_cell)."""
    lines = [csv_line(table.headers)]
    lines += [csv_line(_text(cell) for cell in row) for row in table.rows]
    return BOM + "".join(lines)


def _text(cell: Cell) -> str:
    if cell is None:
        return ""
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return str(cell)


class _Words:
    """The tables' own words, through gettext (literal strings, so extraction finds them)."""

    def __init__(self, gettext: Callable[[str], str]):
        self.gettext = gettext
        self.no_data = gettext("No data")
        self.not_set = gettext("Not set")

    def percent(self, rate: Rate) -> Cell:
        value = rate.value
        return self.no_data if value is None else round(value * 100, 1)

    def number(self, value: float | None) -> Cell:
        return self.no_data if value is None else value

    def pounds(self, value: float | None, not_set: bool) -> Cell:
        if value is None:
            return self.not_set if not_set else self.no_data
        return round(value, 2)

    def channel(self, channel: str | None) -> str:
        gettext = self.gettext
        return {
            events.ONLINE: gettext("Online"),
            events.ASSISTED: gettext("Assisted digital"),
            events.PAPER: gettext("Paper"),
            None: gettext("All channels"),
        }[channel]

    def rating(self, rating: int) -> str:
        gettext = self.gettext
        return {
            5: gettext("Very satisfied"),
            4: gettext("Satisfied"),
            3: gettext("Neither satisfied or dissatisfied"),
            2: gettext("Dissatisfied"),
            1: gettext("Very dissatisfied"),
        }[rating]

    def error_kind(self, kind: str) -> str:
        gettext = self.gettext
        known = {
            "required": gettext("Not answered"),
            "invalid": gettext("Not in the right format"),
            "too_long": gettext("Too long"),
            "too_short": gettext("Too short"),
            "too_small": gettext("Too small"),
            "too_large": gettext("Too large"),
            "too_early": gettext("Too early"),
            "too_late": gettext("Too late"),
            "too_few": gettext("Too few"),
            "too_many": gettext("Too many"),
            "mismatch": gettext("Does not match"),
        }
        return known.get(kind, kind)


def _summary(report: Report, words: _Words) -> Table:
    _ = words.gettext
    overall = report.costs[-1] if report.costs else Cost(None, None, 0)
    ratings = sum(report.ratings.values())
    decided = sum(week.decided for week in report.turnaround)
    rows: list[tuple[Cell, ...]] = [
        (_("Journeys started"), report.started, None),
        (_("Journeys submitted"), report.submitted, report.started),
        (_("Journeys that reached an exit page"), report.exits, report.started),
        (_("Completion rate (%)"), words.percent(report.completion), report.started),
        (
            _("Completion rate counting exit pages (%)"),
            words.percent(report.completion_with_exits),
            report.started,
        ),
        (
            _("Digital take-up (%)"),
            words.percent(report.digital_take_up),
            report.digital_take_up.whole,
        ),
        (_("User satisfaction (%)"), words.percent(report.satisfaction), ratings),
        (
            _("Cost per transaction (£)"),
            words.pounds(overall.per_transaction, overall.cost_for_period is None),
            overall.transactions,
        ),
        (_("Saved for later"), report.saved, None),
        (_("Resumed"), report.resumed, None),
        (
            _("Median time to complete (minutes)"),
            words.number(report.median_minutes),
            report.submitted,
        ),
        (
            _("Median working days to a decision"),
            words.number(report.turnaround_median),
            decided,
        ),
        (
            _("Decided within target (%)"),
            words.percent(report.turnaround_within),
            report.turnaround_within.whole,
        ),
    ]
    return Table(
        "summary",
        _("Summary"),
        (_("Figure"), _("Value"), _("Out of")),
        tuple(rows),
    )


def _channels(report: Report, words: _Words) -> Table:
    _ = words.gettext
    whole = report.digital_take_up.whole

    def share(count: int) -> Cell:
        return words.percent(Rate(count, whole))

    rows: list[tuple[Cell, ...]] = [
        (words.channel(channel), report.transactions.get(channel, 0), share(count))
        for channel, count in ((c, report.transactions.get(c, 0)) for c in events.CHANNELS)
    ]
    rows.append(
        (_("Paper received outside the service"), report.paper_outside, share(report.paper_outside))
    )
    rows.append((_("All transactions"), whole, share(whole)))
    return Table(
        "channels",
        _("Transactions by channel"),
        (_("Channel"), _("Transactions"), _("Share of all transactions (%)")),
        tuple(rows),
    )


def _satisfaction(report: Report, words: _Words) -> Table:
    _ = words.gettext
    total = sum(report.ratings.values())
    rows: list[tuple[Cell, ...]] = [
        (
            words.rating(rating),
            report.ratings.get(rating, 0),
            words.percent(Rate(report.ratings.get(rating, 0), total)),
        )
        for rating in sorted(events.RATINGS, reverse=True)
    ]
    rows.append((_("All ratings"), total, words.percent(Rate(total, total))))
    return Table(
        "satisfaction",
        _("User satisfaction"),
        (_("Rating"), _("Responses"), _("Share of responses (%)")),
        tuple(rows),
    )


def _costs(report: Report, words: _Words) -> Table:
    _ = words.gettext
    rows = tuple(
        (
            words.channel(cost.channel),
            words.pounds(cost.cost_for_period, True),
            cost.transactions,
            words.pounds(cost.per_transaction, cost.cost_for_period is None),
        )
        for cost in report.costs
    )
    return Table(
        "costs",
        _("Cost per transaction"),
        (
            _("Channel"),
            _("Cost for the period (£)"),
            _("Transactions"),
            _("Cost per transaction (£)"),
        ),
        rows,
    )


def _funnels(report: Report, words: _Words) -> list[Table]:
    """Each route's pages: journeys that reached each, as a share of journeys started, and
    how many fewer than the step before (the first step: than started). Blank where more
    journeys reached a page than the step before: another route joins this one there (page
    counts are of every journey, whatever its route), or a page shown on two days counts on
    each; a negative "drop" would mislead."""
    _ = words.gettext
    tables = []
    for number, funnel in enumerate(report.funnels, start=1):
        rows = []
        previous = report.started
        for step in funnel.steps:
            rows.append(
                (
                    step.title,
                    step.reached,
                    words.percent(Rate(step.reached, report.started)),
                    previous - step.reached if step.reached <= previous else None,
                )
            )
            previous = step.reached
        tables.append(
            Table(
                f"funnel-{number}",
                funnel.name,
                (
                    _("Page"),
                    _("Journeys that reached it"),
                    _("Share of journeys started (%)"),
                    _("Dropped since the previous step"),
                ),
                tuple(rows),
            )
        )
    return tables


def _errors(report: Report, words: _Words) -> Table:
    _ = words.gettext
    titles = {step.page_id: step.title for funnel in report.funnels for step in funnel.steps}
    rows = tuple(
        (
            error.page_title or titles.get(error.page_id, error.page_id),
            error.question,
            words.error_kind(error.kind),
            error.count,
        )
        for error in report.errors
    )
    return Table(
        "errors",
        _("Validation errors by question"),
        (_("Page"), _("Question"), _("Error"), _("Errors shown")),
        rows,
    )


def _time_to_complete(report: Report, words: _Words) -> Table:
    _ = words.gettext
    return Table(
        "time-to-complete",
        _("Time to complete, from start to submission"),
        (_("Measure"), _("Minutes")),
        (
            (_("Median"), words.number(report.median_minutes)),
            (_("90th percentile"), words.number(report.p90_minutes)),
        ),
    )


def _turnaround(report: Report, words: _Words) -> Table:
    _ = words.gettext
    rows = tuple(
        (
            week.week_start.isoformat(),
            week.decided,
            words.number(week.median_working_days),
            week.within_target.part if week.within_target.whole else words.no_data,
            words.percent(week.within_target),
        )
        for week in report.turnaround
    )
    if report.sla_working_days is not None:
        caption = _("Turnaround: decisions within %(days)s working days, week by week") % {
            "days": report.sla_working_days
        }
    else:
        caption = _("Turnaround: decisions week by week")
    return Table(
        "turnaround",
        caption,
        (
            _("Week starting"),
            _("Decided"),
            _("Median working days"),
            _("Decided within target"),
            _("Share within target (%)"),
        ),
        rows,
    )
