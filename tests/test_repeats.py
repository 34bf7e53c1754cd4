"""Add-another groups, their rules and task lists through the Flask client."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.citizen import Citizen

FIXTURES = Path(__file__).resolve().parent / "fixtures"
ADULT = {"visitor_dob-day": "1", "visitor_dob-month": "1", "visitor_dob-year": "1990"}
CHILD = {"visitor_dob-day": "1", "visitor_dob-month": "1", "visitor_dob-year": "2020"}


@pytest.fixture
def app(make_app):
    return make_app(definitions=FIXTURES)


@pytest.fixture
def citizen(app):
    citizen = Citizen(app.test_client())
    response = citizen.post("/visit/lead", {"lead_name": "Lead"})
    assert response.headers["Location"] == "/visit/visitors/1/visitor-details"
    return citizen


def add_visitor(citizen, number: int, name: str, dob: dict, guardian: str | None = None):
    response = citizen.post(
        f"/visit/visitors/{number}/visitor-details", {"visitor_name": name, **dob}
    )
    if guardian is not None:
        assert response.headers["Location"] == f"/visit/visitors/{number}/visitor-guardian"
        response = citizen.post(
            f"/visit/visitors/{number}/visitor-guardian", {"guardian": guardian}
        )
    return response


def text_of(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.get_data(as_text=True)))


def test_add_another_shows_the_items_and_asks_again(citizen):
    response = add_visitor(citizen, 1, "Ann", ADULT)
    assert response.headers["Location"] == "/visit/visitors"
    page = citizen.get("/visit/visitors")
    html = page.get_data(as_text=True)
    assert "Visitor 1" in text_of(page) and "Ann" in html
    assert 'href="/visit/visitors/1/remove"' in html
    assert 'href="/visit/visitors/1/visitor-details"' in html
    assert "Do you need to add another visitor?" in html
    response = citizen.post("/visit/visitors", {"add_another": "yes"})
    assert response.headers["Location"] == "/visit/visitors/2/visitor-details"
    item_page = citizen.get("/visit/visitors/2/visitor-details")
    assert "Visitor 2" in text_of(item_page)  # the item number in the heading's caption


def test_branching_inside_an_item_and_placeholders_from_it(citizen):
    response = citizen.post(
        "/visit/visitors/1/visitor-details", {"visitor_name": "Ben <i>", **CHILD}
    )
    assert response.headers["Location"] == "/visit/visitors/1/visitor-guardian"
    html = citizen.get("/visit/visitors/1/visitor-guardian").get_data(as_text=True)
    assert "Who looks after Ben &lt;i&gt;?" in html


def test_the_add_another_question_must_be_answered(citizen):
    add_visitor(citizen, 1, "Ann", ADULT)
    response = citizen.post_with_errors("/visit/visitors", {})
    assert "Select yes if you need to add another visitor" in response.get_data(as_text=True)


def test_a_rule_rejects_the_item_that_breaks_it(citizen):
    add_visitor(citizen, 1, "Ann", ADULT)
    citizen.post("/visit/visitors", {"add_another": "yes"})
    add_visitor(citizen, 2, "Ben", ADULT)
    citizen.post("/visit/visitors", {"add_another": "yes"})
    response = add_visitor(citizen, 3, "Cat", ADULT)
    assert response.status_code == 303  # back to the page, which says why
    html = citizen.get(response.headers["Location"]).get_data(as_text=True)
    assert "You can book a maximum of 3 visitors over the age of 18" in html
    assert "<title>Error:" in html
    # A child is still fine.
    assert (
        add_visitor(citizen, 3, "Cat", CHILD, guardian="Ann").headers["Location"]
        == "/visit/visitors"
    )


def test_max_items_means_no_more_can_be_added(citizen):
    add_visitor(citizen, 1, "Ann", ADULT)
    citizen.post("/visit/visitors", {"add_another": "yes"})
    add_visitor(citizen, 2, "Ben", CHILD, guardian="Ann")
    citizen.post("/visit/visitors", {"add_another": "yes"})
    add_visitor(citizen, 3, "Cat", CHILD, guardian="Ann")
    page = citizen.get("/visit/visitors").get_data(as_text=True)
    assert "You cannot add any more." in page and 'name="add_another"' not in page
    assert citizen.get("/visit/visitors/4/visitor-details").headers["Location"] == "/visit/visitors"
    response = citizen.post("/visit/visitors", {})
    assert response.headers["Location"] == "/visit/children-note"


def test_remove_asks_for_confirmation_then_drops_the_item_and_what_depended_on_it(app, citizen):
    add_visitor(citizen, 1, "Ann", ADULT)
    citizen.post("/visit/visitors", {"add_another": "yes"})
    add_visitor(citizen, 2, "Ben", CHILD, guardian="Ann")
    citizen.post("/visit/visitors", {"add_another": "no"})
    citizen.post("/visit/children-note", {"children_note": "Ben is shy"})
    check = text_of(citizen.get("/visit/check-your-answers"))
    assert "Ben is shy" in check and "Visitor 2" in check

    confirm = citizen.get("/visit/visitors/2/remove")
    assert "Are you sure you want to remove visitor 2?" in confirm.get_data(as_text=True)
    refused = citizen.post_with_errors("/visit/visitors/2/remove", {}).get_data(as_text=True)
    assert "Select yes if you want to remove this visitor" in refused
    assert (
        citizen.post("/visit/visitors/2/remove", {"remove": "no"}).headers["Location"]
        == "/visit/visitors"
    )
    assert "Ben" in citizen.get("/visit/visitors").get_data(as_text=True)
    citizen.post("/visit/visitors/2/remove", {"remove": "yes"})
    assert "Ben" not in citizen.get("/visit/visitors").get_data(as_text=True)

    check = text_of(citizen.get("/visit/check-your-answers"))
    assert "Ben is shy" not in check and "Visitor 2" not in check and "Visitor 1" in check
    citizen.submit(app.extensions["forms"]["visit"])
    reference = re.search(
        r"<strong>([A-Z0-9-]+)</strong>", citizen.get("/visit/confirmation").get_data(as_text=True)
    ).group(1)
    answers = app.extensions["store"].get_submission(reference).answers
    assert answers["visitors"] == [{"visitor_name": "Ann", "visitor_dob": "1990-01-01"}]
    assert "children_note" not in answers


def test_changing_an_item_from_check_your_answers_returns_there(citizen):
    add_visitor(citizen, 1, "Ann", ADULT)
    citizen.post("/visit/visitors", {"add_another": "no"})
    check = citizen.get("/visit/check-your-answers").get_data(as_text=True)
    assert "/visit/visitors/1/visitor-details?change=1" in check
    response = citizen.post(
        "/visit/visitors/1/visitor-details?change=1", {"visitor_name": "Anne", **ADULT}
    )
    assert response.headers["Location"] == "/visit/check-your-answers"
    assert "Anne" in citizen.get("/visit/check-your-answers").get_data(as_text=True)


def test_adding_an_item_from_check_your_answers_returns_there(citizen):
    add_visitor(citizen, 1, "Ann", ADULT)
    citizen.post("/visit/visitors", {"add_another": "no"})
    assert "/visit/visitors?change=1" in citizen.get("/visit/check-your-answers").get_data(
        as_text=True
    )
    response = citizen.post("/visit/visitors?change=1", {"add_another": "yes"})
    assert response.headers["Location"] == "/visit/visitors/2/visitor-details?change=1"
    response = citizen.post(
        "/visit/visitors/2/visitor-details?change=1", {"visitor_name": "Ben", **ADULT}
    )
    assert response.headers["Location"] == "/visit/visitors?change=1"
    response = citizen.post("/visit/visitors?change=1", {"add_another": "no"})
    assert response.headers["Location"] == "/visit/check-your-answers"


def test_task_list_statuses_and_order(make_app):
    app = make_app(definitions=FIXTURES)
    citizen = Citizen(app.test_client())
    response = citizen.post("/claim/who-for", {"who_for": "someone-else"})
    assert response.headers["Location"] == "/claim/tasks"
    page = text_of(citizen.get("/claim/tasks"))
    assert "About you Not yet started" in page
    assert "Your injuries Cannot start yet" in page
    assert "You have completed 0 of 3 sections." in page
    assert citizen.get("/claim/check-your-answers").headers["Location"] == "/claim/tasks"
    # Tasks in any order: the crime first.
    response = citizen.post(
        "/claim/crime-date",
        {"crime_date-day": "1", "crime_date-month": "1", "crime_date-year": "2026"},
    )
    assert response.headers["Location"] == "/claim/tasks"
    page = text_of(citizen.get("/claim/tasks"))
    # Its last page waits for an answer in "About you", so it is not complete yet.
    assert "About the crime In progress" in page and "Your injuries Not yet started" in page
    citizen.post("/claim/name", {"name": "Jo"})
    assert "About you In progress" in text_of(citizen.get("/claim/tasks"))
    citizen.post("/claim/relationship", {"relationship": "Parent"})
    assert "About the crime Completed" in text_of(citizen.get("/claim/tasks"))
    citizen.post("/claim/injured", {"injured": "no"})
    page = citizen.get("/claim/tasks").get_data(as_text=True)
    assert 'href="/claim/check-your-answers"' in page
    assert citizen.get("/claim/check-your-answers").status_code == 200


def test_removing_an_item_from_check_your_answers_returns_there(citizen):
    add_visitor(citizen, 1, "Ann", ADULT)
    citizen.post("/visit/visitors", {"add_another": "yes"})
    add_visitor(citizen, 2, "Ben", ADULT)
    citizen.post("/visit/visitors", {"add_another": "no"})
    page = citizen.get("/visit/visitors?change=1").get_data(as_text=True)
    assert 'href="/visit/visitors/2/remove?change=1"' in page
    response = citizen.post("/visit/visitors/2/remove?change=1", {"remove": "yes"})
    assert response.headers["Location"] == "/visit/visitors?change=1"
    response = citizen.post("/visit/visitors?change=1", {"add_another": "no"})
    assert response.headers["Location"] == "/visit/check-your-answers"
