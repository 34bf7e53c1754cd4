"""`forms-service demo-data`: a made-up performance history that is consistent (no more
submitted than started, each route's funnel never rising, plausible shares), counted by day
the way Store.roll_up_events counts, deterministic, refused in production, one-line errors.

Runs on SQLite and, in the PostgreSQL pass, on PostgreSQL (TEST_DATABASE_URL).
"""

from __future__ import annotations

import datetime
from collections import Counter

import pytest
from click.testing import CliRunner
from flask.cli import ScriptInfo
from sqlalchemy import text

from forms_service.cli import cli, one_line
from forms_service.definitions.loader import load_definitions
from forms_service.performance.demo import make_history, plan_form
from forms_service.performance.events import CHECK_ANSWERS_PAGE, LATE, WITHIN
from forms_service.question_types.base import ERROR_KINDS
from tests.conftest import FORMS_DIR

PRISON = "prison-visit-booking"
NOW = datetime.datetime(2026, 11, 30, 15, 30, tzinfo=datetime.UTC)


@pytest.fixture(scope="module")
def plans():
    """Every real form's plan (finding the routes takes seconds: once for the module)."""
    forms, _ = load_definitions([FORMS_DIR])
    return [plan_form(form, NOW.date()) for form in forms.values()]


ONE_DAY = datetime.timedelta(days=1)


def demo(app, *args: str):
    return CliRunner().invoke(
        cli, ["demo-data", *args], obj=ScriptInfo(create_app=lambda: app), prog_name="forms-service"
    )


def rows(store, sql: str):
    with store.engine.connect() as connection:
        return connection.execute(text(sql)).all()


def journeys_by(store, where: str) -> int:
    """Journeys with a kind of event: the days counted and the events of the days after."""
    [(through,)] = rows(store, "SELECT counted_through FROM event_counting")
    after = f"'{datetime.date.fromisoformat(str(through)) + datetime.timedelta(days=1)}'"
    old = rows(store, f"SELECT COALESCE(SUM(journeys), 0) FROM daily_event_counts WHERE {where}")
    new = rows(
        store,
        f"SELECT COUNT(DISTINCT journey) FROM journey_events WHERE {where} AND at >= {after}",
    )
    return old[0][0] + new[0][0]


def every_journey(store, where: str) -> int:
    """Journeys with a kind of event, from the events as they happened."""
    return rows(store, f"SELECT COUNT(DISTINCT journey) FROM journey_events WHERE {where}")[0][0]


def test_a_history_is_consistent_and_plausible(make_app):
    # Every event kept as it happened (no day older than EVENTS_KEEP_DAYS), so each count of
    # journeys below is exact, from the events (a sum of daily counts counts a journey
    # once a day).
    app = make_app(EVENTS_KEEP_DAYS=31)
    store = app.extensions["store"]
    result = demo(app, "--journeys", "3000", "--days", "30", "--forms", PRISON)
    assert result.exit_code == 0, result.output
    assert "3000 journeys over 30 days on 1 form(s)" in result.output
    form = app.extensions["forms"][PRISON]
    started = every_journey(store, "kind = 'started'")
    submitted = every_journey(store, "kind = 'submitted'")
    exits = every_journey(store, "kind = 'exit_reached'")
    assert started == 3000
    assert 0.5 < submitted / started < 0.9 and 0 < exits < 0.15 * started
    online = every_journey(store, "kind = 'started' AND channel = 'online'")
    paper = every_journey(store, "kind = 'started' AND channel = 'paper'")
    assert 0.8 < online / started < 0.92 and 0 < paper < 0.08 * started
    welsh = every_journey(store, "kind = 'started' AND language = 'cy'")
    assert 0.04 < welsh / started < 0.15  # the prison visit form is bilingual
    # Each route's funnel: along the pages every complete route passes, never rising.
    plan = plan_form(form, NOW.date())
    complete = [route.pages for route in plan.routes if route.exit_page is None]
    common = [page for page in complete[0] if all(page in pages for pages in complete)]
    common = list(dict.fromkeys(common))  # a repeat's pages: where first met
    reached = [every_journey(store, f"kind = 'page_shown' AND page = '{p}'") for p in common]
    reached.append(every_journey(store, f"kind = 'page_shown' AND page = '{CHECK_ANSWERS_PAGE}'"))
    assert reached == sorted(reached, reverse=True) and reached[0] <= started
    assert reached[-1] >= submitted
    # Errors name real questions of their page, with kinds those questions can give.
    questions = {(page.id, q.id) for page, _ in form.every_page() for q in page.questions}
    errors = rows(
        store,
        "SELECT page, question, detail FROM daily_event_counts WHERE kind = 'validation_error'"
        " UNION SELECT page, question, detail FROM journey_events"
        " WHERE kind = 'validation_error'",
    )
    assert errors and all((p, q) in questions and d in ERROR_KINDS for p, q, d in errors)
    # Decisions against the form's 3 working days; ratings 1..5; some comments; paper.
    decided = rows(
        store,
        "SELECT detail, value FROM daily_event_counts WHERE kind = 'decided'"
        " UNION ALL SELECT detail, value FROM journey_events WHERE kind = 'decided'",
    )
    sla = form.sla_working_days
    assert all((d == WITHIN and v <= sla) or (d == LATE and v > sla) for d, v in decided)
    shares = Counter(d for d, _ in decided)
    assert shares[WITHIN] > shares[LATE] > 0
    ratings = rows(
        store,
        "SELECT DISTINCT value FROM daily_event_counts WHERE kind = 'feedback'"
        " UNION SELECT DISTINCT value FROM journey_events WHERE kind = 'feedback'",
    )
    assert {r for (r,) in ratings} <= {1, 2, 3, 4, 5}
    comments, total = store.feedback_comments(PRISON, NOW.date() - datetime.timedelta(days=400),
                                              datetime.date.today(), 5, 0)  # fmt: skip
    assert total > 0 and all(c.comment for c in comments)
    assert rows(store, "SELECT COUNT(*) FROM paper_volumes")[0][0] >= 4


def test_only_the_last_events_keep_days_are_kept_as_they_happened(app):
    assert demo(app, "--journeys", "300", "--days", "10", "--forms", PRISON).exit_code == 0
    store = app.extensions["store"]
    first_raw = rows(store, "SELECT MIN(at) FROM journey_events")[0][0]
    days = [str(d) for (d,) in rows(store, "SELECT DISTINCT day FROM daily_event_counts")]
    # 10 days, the last 2 (EVENTS_KEEP_DAYS) as they happened; yesterday, over, is counted
    # too (today is not), as the dashboard would count it.
    assert len(days) == 9 and max(days) == str(datetime.date.today() - ONE_DAY)
    assert str(first_raw)[:10] == max(days)


def test_counted_by_day_as_the_roll_up_counts(app, plans):
    """The same journeys, once written raw and rolled up by the store, once counted by the
    generator: the same daily counts."""
    store = app.extensions["store"]
    made = dict(journeys=2000, days=10, seed=1, now=NOW)
    raw = make_history(plans, keep_days=11, **made)
    counted = make_history(plans, keep_days=2, **made)
    assert raw.counts == counted.counts and not raw.daily
    cutoff = datetime.datetime(2026, 11, 29, tzinfo=datetime.UTC)
    store.write_performance_history(raw.events, [], [], [], counted_until=cutoff.date())
    store.roll_up_events(cutoff)  # counted already: only deletes what is counted
    keys = "day, form_id, form_version, channel, language, kind, page, question, detail, value"
    rolled = {
        tuple(str(v) for v in row[:-2]): row[-2:]
        for row in rows(store, f"SELECT {keys}, events, journeys FROM daily_event_counts")
    }
    mine = {
        tuple(str(d[k]) for k in keys.split(", ")): (d["events"], d["journeys"])
        for d in counted.daily
    }
    assert set(rolled) == set(mine)
    for key, (events, journeys) in mine.items():
        assert rolled[key] == (events, journeys), key
    left = rows(store, "SELECT COUNT(*) FROM journey_events")[0][0]
    assert left == len(counted.events)


def test_the_same_seed_makes_the_same_history(plans):
    first = make_history(plans, journeys=500, days=20, seed=3, now=NOW, keep_days=2)
    again = make_history(plans, journeys=500, days=20, seed=3, now=NOW, keep_days=2)
    other = make_history(plans, journeys=500, days=20, seed=4, now=NOW, keep_days=2)
    assert first.daily == again.daily and first.events == again.events
    assert first.comments == again.comments and first.paper == again.paper
    assert first.daily != other.daily


def test_it_refuses_to_add_to_a_history_unless_told_to_replace_it(app):
    store = app.extensions["store"]
    assert demo(app, "--journeys", "50", "--days", "5", "--forms", PRISON).exit_code == 0
    before = rows(store, "SELECT COUNT(*) FROM daily_event_counts")[0][0]
    result = demo(app, "--journeys", "50", "--days", "5", "--forms", PRISON)
    assert result.exit_code == 1
    assert one_line(result.output) == (
        "Error: the database already holds performance data: add --replace to delete it first."
    )
    assert rows(store, "SELECT COUNT(*) FROM daily_event_counts")[0][0] == before
    result = demo(app, "--journeys", "40", "--days", "5", "--forms", PRISON, "--replace")
    assert result.exit_code == 0 and "40 journeys" in result.output
    assert journeys_by(store, "kind = 'started'") == 40


@pytest.mark.parametrize(
    ("args", "code", "says"),
    [
        (
            ["--forms", "nope"],
            2,
            "forms-service demo-data: Invalid value for --forms: no form nope is loaded; choose "
            "from criminal-injuries-compensation, lasting-power-of-attorney, "
            "prison-visit-booking.",
        ),
        (
            ["--journeys", "0"],
            2,
            "forms-service demo-data: Invalid value for '--journeys': 0 is not in the range "
            "1<=x<=10000000. Run 'forms-service demo-data --help' for its options.",
        ),
    ],
)
def test_mistakes_are_one_line(app, args, code, says):
    result = demo(app, *args)
    assert result.exit_code == code
    assert one_line(result.output) == says


def test_it_does_not_run_in_production(make_app):
    keys = {k: make_app().config[k] for k in ("ANSWERS_KEYS", "ANSWERS_INDEX_KEY")}
    app = make_app(ENV_NAME="production", SERVICE_URL="https://forms.example.gov.uk", **keys)
    result = demo(app, "--journeys", "10")
    assert result.exit_code == 1
    assert one_line(result.output) == (
        "Error: demo-data makes up performance data: it does not run in production "
        "(FORMS_SERVICE_ENV=production)."
    )
    assert rows(app.extensions["store"], "SELECT COUNT(*) FROM journey_events")[0][0] == 0
