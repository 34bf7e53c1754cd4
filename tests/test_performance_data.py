"""The dashboard's counts read both daily_event_counts (days rolled up) and journey_events
(recent days) as one, on SQLite and on PostgreSQL (the PostgreSQL pass runs this file too),
and build_report turns them into the figures a service owner sees."""

import dataclasses
import datetime

import pytest

from forms_service.data.performance import EventScope
from forms_service.performance.report import Filters, build_report

D = datetime.date
FORM = "prison-visit-booking"
DAY1, DAY2, DAY3 = D(2026, 11, 10), D(2026, 11, 11), D(2026, 11, 12)


def at(day: D, hour: int, minute: int = 0) -> datetime.datetime:
    return datetime.datetime(day.year, day.month, day.day, hour, minute, tzinfo=datetime.UTC)


def event(when, kind, journey=None, *, form=FORM, channel="online", language="en", **what):
    return {
        "at": when,
        "form_id": form,
        "form_version": 1,
        "channel": channel,
        "language": language,
        "journey": journey,
        "kind": kind,
        **what,
    }


HISTORY = [
    # Journey a starts late on day 1 and submits on day 2: on both days' page counts.
    event(at(DAY1, 23, 50), "started", "a"),
    event(at(DAY1, 23, 51), "page_shown", "a", page="prisoner"),
    event(at(DAY2, 0, 5), "page_shown", "a", page="prisoner"),
    event(at(DAY2, 0, 6), "page_shown", "a", page="check-your-answers"),
    event(at(DAY2, 0, 9), "submitted", "a", value=19),
    event(at(DAY2, 9), "feedback", None, value=5),
    # Journey c: assisted, in Welsh, on day 1.
    event(at(DAY1, 10), "started", "c", channel="assisted", language="cy"),
    event(at(DAY1, 10, 1), "page_shown", "c", channel="assisted", language="cy", page="prisoner"),
    event(at(DAY1, 10, 30), "submitted", "c", channel="assisted", language="cy", value=30),
    # Journey b on day 3 (not rolled up): the page twice, an error, then an exit page.
    event(at(DAY3, 8), "started", "b"),
    event(at(DAY3, 8, 1), "page_shown", "b", page="prisoner"),
    event(
        at(DAY3, 8, 2),
        "validation_error",
        "b",
        page="prisoner",
        question="prisoner_number",
        detail="invalid",
    ),
    event(at(DAY3, 8, 3), "page_shown", "b", page="prisoner"),
    event(at(DAY3, 8, 4), "exit_reached", "b", page="prison-unavailable"),
    event(at(DAY3, 9), "feedback", None, value=2),
    # Decisions: 2 working days (within 3) on day 2; 5 (late) on day 3.
    event(at(DAY2, 15), "decided", None, detail="within", value=2),
    event(at(DAY3, 15), "decided", None, detail="late", value=5),
    # Not counted: another form, and the day before the period.
    event(at(DAY2, 12), "started", "x", form="another-form"),
    event(at(D(2026, 11, 9), 12), "started", "y"),
]


@pytest.fixture
def store(app):
    store = app.extensions["store"]
    store.record_events(HISTORY)
    # Days 1 and 2 (and the day before) become daily totals; day 3 stays as it happened.
    assert store.roll_up_events(at(DAY3, 0)) == 12
    return store


def counts(store, kinds, by, start=DAY1, end=DAY3, forms=(FORM,), **filters):
    rows = store.event_counts(EventScope(forms, start, end, **filters), kinds, by)
    return {row.key: (row.events, row.journeys) for row in rows}


def test_counts_straddle_rolled_up_days_and_recent_events(store):
    assert counts(store, ["started", "exit_reached"], ["kind"]) == {
        ("started",): (3, 3),
        ("exit_reached",): (1, 1),
    }


def test_journeys_are_distinct_per_day_so_a_journey_over_midnight_counts_on_each(store):
    found = counts(store, ["page_shown"], ["page"])
    # prisoner: a on day 1, a on day 2, c on day 1, b twice on day 3 -> 5 events; journeys
    # a (day 1) + a (day 2) + c + b (once, though shown twice) = 4.
    assert found[("prisoner",)] == (5, 4)
    assert found[("check-your-answers",)] == (1, 1)


def test_counts_by_day_and_value(store):
    assert counts(store, ["decided"], ["day", "detail", "value"]) == {
        (DAY2, "within", 2): (1, 0),
        (DAY3, "late", 5): (1, 0),
    }


def test_filters_by_period_channel_language_and_form(store):
    assert counts(store, ["started"], ["kind"], start=DAY2) == {("started",): (1, 1)}
    assert counts(store, ["started"], ["kind"], channel="assisted") == {("started",): (1, 1)}
    assert counts(store, ["submitted"], ["value"], language="cy") == {(30,): (1, 1)}
    assert counts(store, ["started"], ["form_id"], start=DAY2, end=DAY2, forms=None) == {
        ("another-form",): (1, 1)
    }
    assert counts(store, ["started"], ["kind"], start=D(2026, 11, 9), end=D(2026, 11, 9)) == {
        ("started",): (1, 1)
    }


def test_grouping_by_an_unknown_column_is_refused(store):
    with pytest.raises(ValueError):
        counts(store, ["started"], ["journey"])


def test_paper_volumes(app):
    store = app.extensions["store"]
    store.record_paper_volume(FORM, DAY1, 40, "performance@example.com")
    store.record_paper_volume(FORM, DAY3, 2, "performance@example.com")
    store.record_paper_volume("another-form", DAY2, 7, "performance@example.com")
    assert store.paper_outside(FORM, DAY1, DAY3) == 42
    assert store.paper_outside(FORM, DAY2, DAY3) == 2
    assert store.paper_outside(None, DAY1, DAY3) == 49
    assert store.paper_outside_by_form(None, DAY1, DAY2) == {FORM: 40, "another-form": 7}
    volumes = store.paper_volumes(FORM, DAY1, DAY3)
    assert [(v.received_on, v.count) for v in volumes] == [(DAY3, 2), (DAY1, 40)]
    assert len(store.paper_volumes(None, DAY1, DAY3)) == 3
    assert store.delete_paper_volume(volumes[0].id) is True
    assert store.delete_paper_volume(volumes[0].id) is False
    assert store.paper_outside(FORM, DAY1, DAY3) == 40
    with pytest.raises(ValueError):
        store.record_paper_volume(FORM, DAY1, 0, "performance@example.com")


def test_the_report_of_one_form(app, store):
    store.record_paper_volume(FORM, DAY2, 1, "performance@example.com")
    forms = app.extensions["forms"]
    report = build_report(store, forms, Filters(FORM, DAY1, DAY3))
    assert (report.started, report.submitted, report.exits) == (3, 2, 1)
    assert report.completion.value == pytest.approx(2 / 3)
    assert report.completion_with_exits.value == 1
    assert report.transactions == {"online": 1, "assisted": 1, "paper": 0}
    assert report.paper_outside == 1
    assert (report.digital_take_up.part, report.digital_take_up.whole) == (1, 3)
    assert report.ratings == {5: 1, 4: 0, 3: 0, 2: 1, 1: 0}
    assert report.satisfaction.value == 0.5
    assert (report.median_minutes, report.p90_minutes) == (19, 30)  # nearest rank of 2
    assert report.sla_working_days == 3
    assert report.turnaround_median == 2  # nearest rank of 2 and 5
    assert (report.turnaround_within.part, report.turnaround_within.whole) == (1, 2)
    (week,) = report.turnaround  # 10 to 12 November 2026: one week from Monday 9th
    assert (week.week_start, week.decided) == (D(2026, 11, 9), 2)
    (error,) = report.errors
    assert (error.page_id, error.question_id, error.question, error.kind, error.count) == (
        "prisoner",
        "prisoner_number",
        "Prison number",
        "invalid",
        1,
    )
    assert error.page_title == "Who are you visiting?"
    assert report.funnels, "prison visits have a route"
    for funnel in report.funnels:
        first, *_, check, last = funnel.steps
        assert (first.page_id, first.title, first.reached) == (
            "prisoner",
            "Who are you visiting?",
            4,
        )
        assert (check.title, check.reached) == ("Check your answers", 1)
        assert (last.page_id, last.title, last.reached) == ("submitted", "Submitted", 2)
    # No costs_per_year in the definition: not set.
    assert report.costs[-1].per_transaction is None
    assert any("not set" in note for note in report.notes)


def test_filters_apply_to_every_figure_and_paper_outside_has_no_language(app, store):
    store.record_paper_volume(FORM, DAY2, 5, "performance@example.com")
    forms = app.extensions["forms"]
    welsh = build_report(store, forms, Filters(FORM, DAY1, DAY3, language="cy"))
    assert (welsh.started, welsh.submitted, welsh.paper_outside) == (1, 1, 0)
    assert welsh.transactions == {"online": 0, "assisted": 1, "paper": 0}
    paper = build_report(store, forms, Filters(FORM, DAY1, DAY3, channel="paper"))
    assert (paper.started, paper.paper_outside, paper.digital_take_up.value) == (0, 5, 0)
    online = build_report(store, forms, Filters(FORM, DAY1, DAY3, channel="online"))
    assert (online.paper_outside, online.digital_take_up.value) == (0, 1)


def test_the_report_of_all_forms_has_totals_but_no_funnels(app, store):
    forms = app.extensions["forms"]
    report = build_report(store, forms, Filters(None, DAY1, DAY3))
    assert report.form_title == "All forms"
    # another-form is not a loaded form: only the forms given count.
    assert (report.started, report.submitted) == (3, 2)
    assert report.funnels == () and report.errors == ()
    # Only prison visits set a target, so the forms do not share one.
    assert report.sla_working_days is None
    assert report.turnaround_within.whole == 2  # each decision against its own form's target


def test_costs_follow_the_channel_filter_and_not_a_language(app, store):
    # 365 days a year: £3,650 a year online is £30 over days 1 to 3; assisted £7,300 is £60.
    prison = dataclasses.replace(
        app.extensions["forms"][FORM], costs_per_year={"online": 3650, "assisted": 7300}
    )
    forms = {FORM: prison}
    report = build_report(store, forms, Filters(FORM, DAY1, DAY3))
    online, assisted, paper, overall = report.costs
    assert (online.per_transaction, assisted.per_transaction) == (30, 60)
    assert overall.per_transaction == 45  # (30 + 60) / 2
    # Online only: the online cost over online transactions, not every channel's cost.
    only_online = build_report(store, forms, Filters(FORM, DAY1, DAY3, channel="online"))
    assert only_online.costs[-1].per_transaction == 30
    # A channel's cost is for every language: not divided by one language's transactions.
    welsh = build_report(store, forms, Filters(FORM, DAY1, DAY3, language="cy"))
    assert welsh.costs[-1].per_transaction is None
    assert any("all languages" in note for note in welsh.notes)


def test_ended_days_are_counted_once_and_their_events_not_read_again(app):
    store = app.extensions["store"]
    store.record_events(HISTORY)
    # Days up to day 2 counted (the events stay, EVENTS_KEEP_DAYS): nothing read twice.
    assert store.count_closed_days(DAY3) == DAY2
    assert store.count_closed_days(DAY3) == DAY2  # nothing new: no second count
    assert counts(store, ["started", "exit_reached"], ["kind"]) == {
        ("started",): (3, 3),
        ("exit_reached",): (1, 1),
    }
    assert counts(store, ["page_shown"], ["page"])[("prisoner",)] == (5, 4)
    # The purge deletes only what is counted; the counts do not change.
    assert store.roll_up_events(at(DAY3, 0)) == 12
    assert counts(store, ["page_shown"], ["page"])[("prisoner",)] == (5, 4)


def test_whole_weeks_are_read_from_weekly_counts_with_the_same_result(app):
    store = app.extensions["store"]
    monday = D(2026, 10, 5)
    history = [
        event(at(monday + datetime.timedelta(days=n), 12), "started", f"j{n}",
              channel=("online", "paper")[n % 2])
        for n in range(0, 40, 3)
    ]  # fmt: skip
    store.record_events(history)
    store.count_closed_days(D(2026, 12, 1))
    every = {
        (start, end)
        for start in (monday, monday + datetime.timedelta(days=2))
        for end in (D(2026, 11, 1), D(2026, 11, 3), D(2026, 11, 8), D(2026, 11, 20))
    }
    for start, end in every:
        expected = sum(1 for e in history if start <= e["at"].date() <= end)
        paper = sum(
            1 for e in history if start <= e["at"].date() <= end and e["channel"] == "paper"
        )
        assert counts(store, ["started"], ["kind"], start=start, end=end) == {
            ("started",): (expected, expected)
        }, (start, end)
        assert counts(store, ["started"], ["kind"], start=start, end=end, channel="paper") == {
            ("started",): (paper, paper)
        }
    # By day from whole weeks: each week's groups on its Monday.
    by_day = counts(store, ["started"], ["day"], start=monday, end=D(2026, 10, 18))
    assert by_day == {(monday,): (3, 3), (D(2026, 10, 12),): (2, 2)}
