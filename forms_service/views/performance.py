"""The performance dashboard in the staff area: for a service owner (the `performance`
role) or an administrator, the figures of every form or one form over a period, as KPIs,
charts with their data tables beside them and CSV downloads; and the paper forms a team
received outside the service, which count towards digital take-up.

The figures are counts of journey events (no personal data): looking at them is not
audited; recording or deleting a paper volume is.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, urlencode

from babel.dates import format_date
from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    g,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import get_locale, gettext

from forms_service.clock import utcnow
from forms_service.definitions.model import Form
from forms_service.exports import BOM, csv_line
from forms_service.performance import dashboard
from forms_service.performance.events import ASSISTED, ONLINE, PAPER
from forms_service.performance.report import Filters, build_report
from forms_service.performance.tables import report_tables, table_csv
from forms_service.question_types.base import N_
from forms_service.question_types.values import InvalidValue, parse_date
from forms_service.roles import ADMIN, PERFORMANCE
from forms_service.views.common import missing_parts_message, store
from forms_service.views.staff_access import audit, staff_actor, staff_required, tell

bp = Blueprint("performance", __name__, url_prefix="/staff/performance")

ALL = "all"  # the "form" in a CSV's URL for the figures of every form
MONTH = "month"  # the calendar month before this one: what monthly reports cover
PERIODS = {
    "7": N_("Last 7 days"),
    "30": N_("Last 30 days"),
    "90": N_("Last 90 days"),
    MONTH: N_("Last calendar month"),
    "custom": N_("Custom"),
}
DEFAULT_PERIOD = "30"
CHANNELS = {
    "": N_("All"),
    ONLINE: N_("Online"),
    ASSISTED: N_("Assisted digital"),
    PAPER: N_("Paper"),
}
LANGUAGES = {"": N_("All"), "en": N_("English"), "cy": N_("Welsh")}
LONGEST_PERIOD = 366  # days: a custom period of more would be a slow, unreadable chart
ALL_FIGURES = "all-figures"  # the CSV of every table, one after another
MOST_PAPER = 1_000_000  # a number of paper forms above this is a typing mistake


@dataclass
class Choice:
    """What the filter form shows: the chosen values, as typed, and what is wrong."""

    period: str
    channel: str
    language: str
    dates: dict[str, dict[str, str]]
    errors: list[dict[str, Any]]

    def error_for(self, name: str) -> dict[str, Any] | None:
        return next((e for e in self.errors if e["field"] == name), None)

    def query(self) -> dict[str, str]:
        """The filters as URL parameters, for links that keep them (CSV downloads)."""
        args = {"period": self.period, "channel": self.channel, "language": self.language}
        if self.period == "custom":
            for name, parts in self.dates.items():
                args.update({f"{name}-{part}": value for part, value in parts.items()})
        return {key: value for key, value in args.items() if value}


def read_filters(
    args: Any, form_id: str | None, today: datetime.date
) -> tuple[Filters | None, Choice]:
    """The filters asked for in the query string; None (and errors) when the custom
    dates are not a period the dashboard can show."""
    period = args.get("period", DEFAULT_PERIOD)
    if period not in PERIODS:
        period = DEFAULT_PERIOD
    channel = args.get("channel", "")
    language = args.get("language", "")
    choice = Choice(
        period=period,
        channel=channel if channel in CHANNELS else "",
        language=language if language in LANGUAGES else "",
        dates={
            name: {part: args.get(f"{name}-{part}", "").strip()[:10] for part in PARTS}
            for name in ("start", "end")
        },
        errors=[],
    )
    if period == "custom":
        start = _date(choice, "start", gettext("Start date"), today)
        end = _date(choice, "end", gettext("End date"), today)
        if start and end and end < start:
            _error(choice, "end", gettext("End date must be the same as or after the start date"))
        elif start and end and (end - start).days + 1 > LONGEST_PERIOD:
            _error(
                choice,
                "end",
                gettext("The period must be %(days)d days or fewer") % {"days": LONGEST_PERIOD},
            )
        if choice.errors:
            return None, choice
    elif period == MONTH:
        end = today.replace(day=1) - datetime.timedelta(days=1)
        start = end.replace(day=1)
    else:
        end = today
        start = today - datetime.timedelta(days=int(period) - 1)
    return Filters(
        form_id=form_id,
        start=start,
        end=end,
        channel=choice.channel or None,
        language=choice.language or None,
    ), choice


PARTS = ("day", "month", "year")
FILTER_KEYS = {
    "period",
    "channel",
    "language",
    *(f"{name}-{part}" for name in ("start", "end") for part in PARTS),
}


def _date(choice: Choice, name: str, label: str, today: datetime.date) -> datetime.date | None:
    """A custom period's start or end, from its GOV.UK date input; None with an error."""
    try:
        day = parse_date(*(choice.dates[name][part] for part in PARTS))
    except InvalidValue as problem:
        if problem.kind == "required":
            _error(choice, name, gettext("Enter the %(label)s") % {"label": label.lower()})
        elif problem.kind.startswith("missing_"):
            _error(choice, name, missing_parts_message(problem.kind, label), problem.parts)
        elif problem.kind == "year_not_4_digits":
            text = gettext("The year of the %(label)s must include 4 numbers") % {
                "label": label.lower()
            }
            _error(choice, name, text, problem.parts)
        else:
            text = gettext("%(label)s must be a real date") % {"label": label}
            _error(choice, name, text, problem.parts)
        return None
    if day > today:
        _error(choice, name, gettext("%(label)s must be today or in the past") % {"label": label})
        return None
    return day


def _error(choice: Choice, name: str, text: str, parts: tuple[str, ...] = ()) -> None:
    first = parts[0] if parts else "day"
    choice.errors.append({"text": text, "href": f"#{name}-{first}", "field": name, "parts": parts})


def loaded_forms() -> dict[str, Form]:
    return current_app.extensions["forms"]


def form_or_404(form_id: str) -> Form:
    form = loaded_forms().get(form_id)
    if form is None:
        abort(404)
    return form


def language() -> str:
    return str(get_locale() or "en")


def form_titles() -> list[tuple[str, str]]:
    """Every loaded form's (id, title), by title, in the page's language."""
    titles = [(form.id, form.title.pick(language())) for form in loaded_forms().values()]
    return sorted(titles, key=lambda pair: pair[1].lower())


@bp.get("/")
@staff_required(PERFORMANCE, ADMIN)
def index():
    chosen = request.args.get("form", "")
    if chosen:  # the filter form's form select, without JavaScript: on to its page
        form_or_404(chosen)
        args = [(k, v) for k, v in request.args.items(multi=True) if k != "form"]
        url = url_for("performance.form_dashboard", form_id=chosen)
        return redirect(f"{url}?{urlencode(args)}" if args else url)
    return _dashboard(None)


@bp.get("/<form_id>")
@staff_required(PERFORMANCE, ADMIN)
def form_dashboard(form_id: str):
    return _dashboard(form_or_404(form_id))


def _dashboard(form: Form | None):
    today = utcnow().date()
    filters, choice = read_filters(request.args, form.id if form else None, today)
    title = form.title.pick(language()) if form else gettext("All forms")
    context: dict[str, Any] = {
        "journey": None,
        "form": None,  # the layout's form: the staff pages are not a form's journey
        "dashboard_form": form,
        "dashboard_title": title,
        "choice": choice,
        "errors": choice.errors,
        "periods": {key: gettext(text) for key, text in PERIODS.items()},
        "channels": {key: gettext(text) for key, text in CHANNELS.items()},
        "languages": {key: gettext(text) for key, text in LANGUAGES.items()},
        "form_titles": form_titles(),
        "report": None,
    }
    if filters is not None:
        report = build_report(store(), loaded_forms(), filters, gettext=gettext)
        numbers = dashboard.Numbers(language())
        context.update(
            report=report,
            filters=filters,
            numbers=numbers,
            tables={table.id: table for table in report_tables(report, gettext)},
            charts=dashboard.charts(report, gettext, numbers),
            csv_url=lambda table_id: csv_url(form, table_id, choice),
            paper=store().paper_volumes(form.id, filters.start, filters.end) if form else [],
        )
    return render_template("staff/performance.html", **context)


def csv_url(form: Form | None, table_id: str, choice: Choice) -> str:
    url = url_for("performance.csv", form_id=form.id if form else ALL, table_id=table_id)
    query = choice.query()
    return f"{url}?{urlencode(query)}" if query else url


@bp.get("/<form_id>/<table_id>.csv")
@staff_required(PERFORMANCE, ADMIN)
def csv(form_id: str, table_id: str):
    form = None if form_id == ALL else form_or_404(form_id)
    filters, _choice = read_filters(request.args, form.id if form else None, utcnow().date())
    if filters is None:
        abort(400)
    report = build_report(store(), loaded_forms(), filters, gettext=gettext)
    tables = report_tables(report, gettext)
    if table_id == ALL_FIGURES:
        # Each table under its caption, a blank line between: one file to open in a
        # spreadsheet (one byte order mark, at the start).
        body = BOM + "\r\n".join(
            csv_line([t.caption]) + table_csv(t).removeprefix(BOM) for t in tables
        )
    else:
        table = next((t for t in tables if t.id == table_id), None)
        if table is None:
            abort(404)
        body = table_csv(table)
    name = f"performance-{form_id}-{table_id}-{filters.start}-to-{filters.end}.csv"
    return Response(
        body,
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@bp.post("/<form_id>/paper")
@staff_required(PERFORMANCE, ADMIN)
def record_paper(form_id: str):
    form = form_or_404(form_id)
    today = utcnow().date()
    errors: list[dict[str, Any]] = []
    parts = {part: request.form.get(f"received-{part}", "").strip()[:10] for part in PARTS}
    received = None
    try:
        received = parse_date(*(parts[p] for p in PARTS))
    except InvalidValue as problem:
        if problem.kind == "required":
            text = gettext("Enter the date the paper forms were received")
        else:
            text = gettext("Date received must be a real date")
        errors.append(
            {"text": text, "href": f"#received-{(problem.parts or PARTS)[0]}", "field": "received"}
        )
    if received is not None and received > today:
        errors.append(
            {
                "text": gettext("Date received must be today or in the past"),
                "href": "#received-day",
                "field": "received",
            }
        )
        received = None
    typed = request.form.get("count", "").strip()[:20]
    count = None
    if not typed:
        errors.append(
            {"text": gettext("Enter the number of paper forms"), "href": "#count", "field": "count"}
        )
    elif not typed.replace(",", "").isdigit():
        errors.append(
            {
                "text": gettext("Number of paper forms must be a whole number"),
                "href": "#count",
                "field": "count",
            }
        )
    else:
        count = int(typed.replace(",", ""))
        if not 1 <= count <= MOST_PAPER:
            errors.append(
                {
                    "text": gettext("Number of paper forms must be between 1 and %(most)s")
                    % {"most": f"{MOST_PAPER:,}"},
                    "href": "#count",
                    "field": "count",
                }
            )
    if errors:
        return render_template(
            "staff/performance_paper.html",
            journey=None,
            form=None,
            dashboard_form=form,
            dashboard_title=form.title.pick(language()),
            errors=errors,
            parts=parts,
            typed=typed,
            kept_filters=request.form.get("filters", "")[:500],
            back=_back_url(form),
        ), 400
    store().record_paper_volume(form.id, received, count, staff_actor(g.staff))
    audit("paper_volume_recorded", form.id, received_on=received.isoformat(), count=count)
    tell(
        gettext("Recorded %(count)s paper forms received on %(day)s")
        % {"count": f"{count:,}", "day": format_date(received, "long", locale=language())}
    )
    return redirect(_back_url(form) + "#paper", code=303)


@bp.post("/<form_id>/paper/<int:volume_id>/delete")
@staff_required(PERFORMANCE, ADMIN)
def delete_paper(form_id: str, volume_id: int):
    form = form_or_404(form_id)
    recorded = store().paper_volumes(form.id, datetime.date.min, datetime.date.max)
    if volume_id not in {volume.id for volume in recorded}:
        abort(404)  # another form's, or deleted already (by someone else, a second click)
    if not store().delete_paper_volume(volume_id):
        abort(404)
    audit("paper_volume_deleted", form.id, volume=volume_id)
    tell(gettext("Paper forms deleted"))
    return redirect(_back_url(form) + "#paper", code=303)


def _back_url(form: Form) -> str:
    """The form's dashboard with the filters it was posted from (kept in a hidden field)."""
    url = url_for("performance.form_dashboard", form_id=form.id)
    kept = [
        (key, value)
        for key, value in parse_qsl(request.form.get("filters", "")[:500])
        if key in FILTER_KEYS
    ]
    return f"{url}?{urlencode(kept)}" if kept else url
