"""The performance events a journey writes (forms_service/views/performance_events.py): what is
counted, with what, and what never is (no answers, no session key, no draft id)."""

from __future__ import annotations

import datetime
from pathlib import Path

from sqlalchemy import select, text

from forms_service.data import DailyEventCount, Draft, JourneyEvent, Submission
from forms_service.passwords import hash_password
from forms_service.performance.events import decision_event
from forms_service.retention import events_cutoff, purge
from tests.citizen import Citizen
from tests.prison_visit import FORM, PRISONER
from tests.staff import PASSWORD, signed_in
from tests.test_assisted import start as start_assisted
from tests.test_pages import MAIN_ROUTE
from tests.test_save_return import save_half_way


def events(app) -> list[JourneyEvent]:
    with app.extensions["store"].sessions() as db:
        return list(db.scalars(select(JourneyEvent).order_by(JourneyEvent.id)))


def kinds(app) -> list[tuple]:
    return [(e.kind, e.page, e.question, e.detail) for e in events(app)]


def test_a_journey_counts_pages_errors_and_its_submission_without_answers(app):
    form = app.extensions["forms"][FORM]
    citizen = Citizen(app.test_client())
    citizen.get(f"/{FORM}/")
    citizen.get(f"/{FORM}/prisoner")
    citizen.post_with_errors(f"/{FORM}/prisoner", {**PRISONER, "prisoner_number": "nonsense"})
    citizen.post(f"/{FORM}/prisoner", PRISONER)
    assert kinds(app) == [
        ("started", None, None, None),
        ("page_shown", "prisoner", None, None),
        ("validation_error", "prisoner", "prisoner_number", "too_long"),
        ("page_shown", "prisoner", None, None),
        ("page_saved", "prisoner", None, None),
    ]
    first = events(app)
    journey = first[0].journey
    assert len(journey) == 32 and all(e.journey == journey for e in first)
    assert {(e.form_id, e.form_version, e.channel, e.language) for e in first} == {
        (FORM, form.version, "online", "en")
    }
    with app.extensions["store"].sessions() as db:
        draft = db.scalars(select(Draft)).one()
    assert draft.journey == journey  # a resumed journey stays one journey
    assert journey not in (draft.session_key, str(draft.id))

    citizen.walk(form, MAIN_ROUTE[FORM])
    response = citizen.submit(form)
    assert response.status_code == 302
    every = events(app)
    assert [e.kind for e in every].count("started") == 1
    submitted = [e for e in every if e.kind == "submitted"]
    assert len(submitted) == 1 and submitted[0].value == 0  # minutes since the first save
    assert "check-your-answers" in {e.page for e in every if e.kind == "page_shown"}
    # No answer is ever an event: nothing the citizen typed is in the table.
    with app.extensions["store"].engine.connect() as connection:
        dump = repr(connection.execute(text("SELECT * FROM journey_events")).all())
    for answer in ("Sam", "Jones", "A1234BC", "nonsense", "cardiff", "1980"):
        assert answer not in dump

    # Starting the form again after sending it is a new journey.
    citizen.get(f"/{FORM}/prisoner")
    assert events(app)[-2].kind == "started" and events(app)[-1].journey != journey


def test_saving_and_resuming_is_one_journey(make_app, inbox):
    app = make_app(SMTP_HOST="127.0.0.1", SMTP_PORT=inbox.port, SMTP_SECURITY="none")
    first = Citizen(app.test_client())
    save_half_way(first)
    first.post(f"/save/{FORM}", {"email": "jo@example.com"})
    second = Citizen(app.test_client())
    second.post(inbox.last_link(), {})
    second.get(f"/{FORM}/visit-first-choice")
    every = events(app)
    assert [e.kind for e in every].count("started") == 1
    assert [e.kind for e in every if e.kind in ("saved", "resumed")] == [
        "saved",
        "saved",
        "resumed",
    ]
    assert len({e.journey for e in every}) == 1


def test_staff_journeys_count_as_assisted_or_paper(make_app):
    app = make_app()
    store = app.extensions["store"]
    store.create_user("al@example.com", "Al", ["assisted_digital"], [FORM], hash_password(PASSWORD))
    for method, channel in (("telephone", "assisted"), ("paper", "paper")):
        al = signed_in(app, "al@example.com")
        base = start_assisted(al, method=method)
        al.get(f"{base}/{FORM}/prisoner")
        latest = events(app)[-2:]
        assert [e.kind for e in latest] == ["started", "page_shown"]
        assert {e.channel for e in latest} == {channel}


def test_nothing_is_counted_when_events_are_off(make_app):
    app = make_app(PERFORMANCE_EVENTS=False)
    Citizen(app.test_client()).get(f"/{FORM}/prisoner")
    assert events(app) == []


def test_a_failed_event_write_never_fails_the_page(app, caplog):
    engine = app.extensions["store"].engine
    with engine.begin() as connection:
        connection.execute(text("ALTER TABLE journey_events RENAME TO journey_events_away"))
    try:
        response = Citizen(app.test_client()).get(f"/{FORM}/prisoner")
    finally:
        with engine.begin() as connection:
            connection.execute(text("ALTER TABLE journey_events_away RENAME TO journey_events"))
    assert response.status_code == 200
    assert "performance events not written: " in caplog.text
    assert events(app) == []


def test_a_decision_counts_working_days_and_the_target():
    london = datetime.UTC  # GMT in December
    event = decision_event(
        form_id=FORM,
        form_version=1,
        channel="online",
        language="cy",
        # Friday 4 December 2026; due 3 working days later: Wednesday 9 December.
        submitted_at=datetime.datetime(2026, 12, 4, 15, tzinfo=london),
        due_on=datetime.date(2026, 12, 9),
        decided_at=datetime.datetime(2026, 12, 9, 16, tzinfo=london),
    )
    assert (event["kind"], event["value"], event["detail"]) == ("decided", 3, "within")
    late = decision_event(
        **{**event_args(), "decided_at": datetime.datetime(2026, 12, 10, 9, tzinfo=london)}
    )
    assert (late["value"], late["detail"]) == (4, "late")
    # Over Christmas: 25, 26 (Saturday: 28 is the substitute) and 28 December are not
    # working days.
    christmas = decision_event(
        **{
            **event_args(),
            "submitted_at": datetime.datetime(2026, 12, 24, 10, tzinfo=london),
            "due_on": None,
            "decided_at": datetime.datetime(2026, 12, 30, 10, tzinfo=london),
        }
    )
    assert (christmas["value"], christmas["detail"]) == (2, None)


def event_args() -> dict:
    return {
        "form_id": FORM,
        "form_version": 1,
        "channel": "online",
        "language": "en",
        "submitted_at": datetime.datetime(2026, 12, 4, 15, tzinfo=datetime.UTC),
        "due_on": datetime.date(2026, 12, 9),
        "decided_at": datetime.datetime(2026, 12, 9, 16, tzinfo=datetime.UTC),
    }


def test_deciding_a_submission_writes_one_decided_event(app):
    store = app.extensions["store"]
    form = app.extensions["forms"][FORM]
    citizen = Citizen(app.test_client())
    citizen.walk(form, MAIN_ROUTE[FORM])
    citizen.submit(form)
    with store.sessions() as db:
        row = db.scalars(select(Submission)).one()
    store.change_status(row.id, "in_progress", "", None, "test")
    store.change_status(row.id, "accepted", "", None, "test")
    store.change_status(row.id, "rejected", "changed my mind", None, "test")  # not a new one
    decided = [e for e in events(app) if e.kind == "decided"]
    assert len(decided) == 1
    assert (decided[0].value, decided[0].detail, decided[0].journey) == (0, "within", None)


def test_the_purge_counts_old_events_by_day_and_deletes_them(app):
    store = app.extensions["store"]
    now = datetime.datetime(2026, 12, 2, 10, tzinfo=datetime.UTC)
    base = {"form_id": FORM, "form_version": 1, "channel": "online", "language": "en"}
    store.record_events(
        [
            {**base, "at": now - datetime.timedelta(days=2), "kind": "started", "journey": "a"},
            {**base, "at": now - datetime.timedelta(days=2), "kind": "page_shown",
             "page": "prisoner", "journey": "a"},
            {**base, "at": now - datetime.timedelta(days=2), "kind": "page_shown",
             "page": "prisoner", "journey": "a"},
            {**base, "at": now - datetime.timedelta(days=2, hours=1), "kind": "page_shown",
             "page": "prisoner", "journey": "b"},
            {**base, "at": now - datetime.timedelta(days=1), "kind": "started", "journey": "c"},
            {**base, "at": now, "kind": "started", "journey": "d"},
        ]
    )  # fmt: skip
    assert events_cutoff(now, 2) == datetime.datetime(2026, 12, 1, tzinfo=datetime.UTC)
    counts = purge(store, app.extensions["forms"], now, events_keep_days=2)
    assert counts["journey events counted by day"] == 4
    assert [e.journey for e in events(app)] == ["c", "d"]  # yesterday and today, as they were
    with store.sessions() as db:
        daily = db.scalars(select(DailyEventCount).order_by(DailyEventCount.kind)).all()
    assert [(d.day, d.kind, d.page, d.events, d.journeys) for d in daily] == [
        (datetime.date(2026, 11, 30), "page_shown", "prisoner", 3, 2),
        (datetime.date(2026, 11, 30), "started", None, 1, 1),
    ]


def test_the_add_another_page_counts_under_the_repeats_id(make_app):
    app = make_app(definitions=Path(__file__).resolve().parent / "fixtures")
    citizen = Citizen(app.test_client())
    citizen.post("/visit/lead", {"lead_name": "Lead"})
    citizen.post(
        "/visit/visitors/1/visitor-details",
        {"visitor_name": "Ann", "visitor_dob-day": "1", "visitor_dob-month": "1",
         "visitor_dob-year": "1990"},
    )  # fmt: skip
    citizen.post_with_errors("/visit/visitors", {})
    citizen.post("/visit/visitors", {"add_another": "no"})
    assert [k for k in kinds(app) if k[1] == "visitors"] == [
        ("validation_error", "visitors", "add_another", "required"),
        ("page_shown", "visitors", None, None),
        ("page_saved", "visitors", None, None),
    ]
    # An item's pages keep their own ids, without the item's number.
    assert ("page_saved", "visitor-details", None, None) in kinds(app)


def test_the_purge_deletes_satisfaction_comments_after_their_time(app):
    store = app.extensions["store"]
    now = datetime.datetime(2026, 12, 2, 10, tzinfo=datetime.UTC)
    base = {"form_id": FORM, "form_version": 1, "channel": "online", "language": "en",
            "kind": "feedback", "journey": None, "value": 4}  # fmt: skip
    store.give_feedback({**base, "at": now - datetime.timedelta(days=40)}, "Old words")
    store.give_feedback({**base, "at": now - datetime.timedelta(days=5)}, "New words")
    counts = purge(store, app.extensions["forms"], now, comment_days=30)
    assert counts["satisfaction comments"] == 1
    kept, total = store.feedback_comments(
        None, datetime.date(2026, 1, 1), datetime.date(2026, 12, 31), 10, 0
    )
    assert total == 1 and [c.comment for c in kept] == ["New words"]
