"""The routes the dashboard's funnels follow, read off each form's journey map."""

from pathlib import Path

from forms_service.definitions.loader import load_form_file, load_form_text
from forms_service.performance.routes import form_routes

DEFINITIONS = Path(__file__).parents[2] / "form_definitions"


def form(name: str):
    return load_form_file(DEFINITIONS / f"{name}.yaml")


def test_prison_visits_have_two_routes_and_none_through_the_exit_page():
    routes = form_routes(form("prison-visit-booking"))
    assert len(routes) == 2
    # The third choice of visit is asked only sometimes.
    assert {"visit-third-choice" in route for route in routes} == {True, False}
    for route in routes:
        assert route[0] == "prisoner" and route[-1] == "additional-support"
        assert "prison-unavailable" not in route  # an exit page ends the journey


def test_a_task_list_route_walks_every_task_in_order():
    lpa = form("lasting-power-of-attorney")
    routes = form_routes(lpa)
    assert len(routes) > 6  # more than the dashboard shows: it keeps the busiest
    # A repeat's pages are in its section.
    sections = [(lpa.repeat_of(page) or lpa.page(page)).section for page in routes[0]]
    # Each task's pages together, tasks in the order of the definition.
    seen = [s for n, s in enumerate(sections) if n == 0 or sections[n - 1] != s]
    assert len(seen) == len(set(seen))
    exits = {page.id for page, _ in lpa.every_page() if page.is_exit}
    assert not any(exits & set(route) for route in routes)


def test_a_linear_form_with_a_conditional_page():
    text = """\
id: tiny
version: 1
title: Tiny
pages:
  - id: first
    questions:
      - {id: pet, type: yes_no, label: Do you have a pet?}
  - id: which
    when: pet
    questions:
      - {id: kind, type: text, label: What kind?}
  - id: last
    questions:
      - {id: name, type: text, label: Name}
"""
    assert form_routes(load_form_text(text, "tiny.yaml")) == (
        ("first", "which", "last"),
        ("first", "last"),
    )
