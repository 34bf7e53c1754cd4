"""Route generation for `forms-service test-journeys` (forms_service.journey.routes_cover): small
inline definitions, no Flask."""

from __future__ import annotations

import datetime

from forms_service.definitions.loader import load_form_text
from forms_service.journey import Journey
from forms_service.journey.routes_cover import cover

TODAY = datetime.date(2026, 6, 15)


def form(pages: str):
    return load_form_text(
        f"id: routes\nversion: 1\ntitle: Routes\npages:\n{pages}\ndeclaration:\n  body: True.\n",
        "routes.yaml",
    )


def routes(coverage) -> list[list[str]]:
    return [[step.path for step in journey.steps] for journey in coverage.journeys]


AGE_FORM = """
  - id: birth
    questions:
      - {id: dob, type: date, label: What is your date of birth?, not_after: today}
  - id: too-young
    type: exit
    when: "age(dob) < 18"
    title: You are too young
  - id: pet
    questions:
      - id: pet
        type: radios
        label: Which pet do you have?
        options: [{value: cat, label: Cat}, {value: dog, label: Dog}]
  - id: dog-name
    when: "pet == 'dog'"
    questions:
      - {id: dog_name, type: text, label: What is your dog called?}
  - id: done
    questions:
      - {id: comments, type: textarea, label: Anything else?}
"""


def test_a_condition_is_taken_both_ways_and_the_exit_is_reached():
    coverage = cover(form(AGE_FORM), TODAY)
    paths = routes(coverage)
    assert coverage.unreached == []
    assert ["birth", "too-young"] in paths
    assert any("dog-name" in p and p[-1] == "done" for p in paths)
    assert any("dog-name" not in p and p[-1] == "done" for p in paths)
    exits = [j for j in coverage.journeys if j.exit_page == "too-young"]
    assert len(exits) == 1
    # The runner agrees: the answers found for the exit lead there, those for the others
    # reach check your answers.
    the_form = form(AGE_FORM)
    for journey in coverage.journeys:
        outcome = Journey(the_form, journey.saved, today=TODAY).outcome
        assert outcome == ("exit" if journey.exit_page else "complete")
    born = datetime.date.fromisoformat(exits[0].saved["birth"]["dob"])
    assert born > datetime.date(2008, 6, 15)  # under 18 on TODAY


REPEAT_FORM = """
  - id: visitors
    type: repeat
    item_name: visitor
    min: 1
    max: 3
    pages:
      - id: visitor
        questions:
          - {id: visitor_name, type: name, label: Visitor's name}
  - id: end
    questions:
      - {id: needs, type: yes_no, label: Do you need help?}
"""


def test_a_repeat_is_walked_with_one_item_and_with_its_most():
    coverage = cover(form(REPEAT_FORM), TODAY)
    assert coverage.unreached == []
    counts = sorted(journey.items("visitors") for journey in coverage.journeys)
    assert counts == [1, 3]
    three = next(j for j in coverage.journeys if j.items("visitors") == 3)
    assert [s.path for s in three.steps if s.path.startswith("visitors/")] == [
        "visitors/1/visitor",
        "visitors/2/visitor",
        "visitors/3/visitor",
    ]


def test_a_large_max_is_capped_and_said():
    coverage = cover(form(REPEAT_FORM.replace("max: 3", "max: 40")), TODAY)
    assert max(journey.items("visitors") for journey in coverage.journeys) == 10
    assert coverage.notes == ["repeat 'visitors' allows 40 items: walked with at most 10"]


UNREACHABLE_FORM = """
  - id: count
    questions:
      - {id: children, type: number, label: How many children do you have?, min: 0, max: 5}
  - id: many
    when: "children > 9"
    questions:
      - {id: help, type: textarea, label: What help do you need?}
  - id: few
    when: "children <= 2"
    questions:
      - {id: names, type: textarea, label: What are their names?}
"""


def test_a_branch_no_answer_can_take_is_reported_not_crashed():
    coverage = cover(form(UNREACHABLE_FORM), TODAY)
    assert coverage.unreached == ["could not find answers that show page 'many'"]
    paths = routes(coverage)
    assert ["count", "few"] in paths  # 2 or fewer: values around the literal 2
    assert ["count"] in paths  # more than 2
    values = {j.saved["count"]["children"] for j in coverage.journeys}
    assert all(0 <= v <= 5 for v in values)
