"""Repeats (add another), their rules, and task-list statuses, in the journey engine."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest

from forms_service.definitions.loader import load_form_file
from forms_service.journey import (
    CANNOT_START,
    COMPLETE,
    COMPLETED,
    EXITED,
    IN_PROGRESS,
    INCOMPLETE,
    NOT_STARTED,
    Journey,
    Step,
    with_answers,
    with_repeat_done,
    without_item,
)
from forms_service.journey.summary import answer_sections

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
TODAY = datetime.date(2026, 11, 22)
ADULT, CHILD = "1990-01-01", "2020-01-01"

VISIT = load_form_file(FIXTURES / "visit.yaml")
REPEAT = VISIT.page("visitors")


def item(name: str, dob: str, guardian: str | None = None) -> dict:
    pages = {"visitor-details": {"visitor_name": name, "visitor_dob": dob}}
    if guardian:
        pages["visitor-guardian"] = {"guardian": guardian}
    return {"key": name, "pages": pages}


def journey(items=None, done=False, **pages) -> Journey:
    saved = {"lead": {"lead_name": "Lead"}, **pages}
    if items is not None:
        saved["visitors"] = {"items": items, "done": done}
    return Journey(VISIT, saved, today=TODAY)


def paths(j: Journey) -> list[str]:
    return [s.path for s in j.route]


def test_a_repeat_with_a_minimum_starts_with_its_first_item():
    j = journey()
    assert paths(j) == ["lead", "visitors/1/visitor-details"]
    assert j.next_step == Step(VISIT.page("visitor-details"), REPEAT, 0)


def test_items_are_walked_in_order_with_branching_inside_an_item():
    j = journey([item("Ann", ADULT), item("Ben", CHILD)])
    assert paths(j) == [
        "lead",
        "visitors/1/visitor-details",
        "visitors/2/visitor-details",
        "visitors/2/visitor-guardian",
    ]
    assert j.next_step.path == "visitors/2/visitor-guardian"
    scope = j.item_scope(REPEAT, 1)
    label = VISIT.question("guardian").label
    assert scope.text(label) == "Who looks after Ben?"


def test_the_add_another_page_follows_the_items_until_the_citizen_has_finished():
    j = journey([item("Ann", ADULT)])
    assert j.next_step == Step(REPEAT, add_another=True)
    assert j.find("visitors/2/visitor-details") is not None  # adding a new item is allowed
    assert j.find("visitors/3/visitor-details") is None  # but not skipping one
    done = journey([item("Ann", ADULT)], done=True)
    assert done.outcome == COMPLETE and done.next_step is None


def test_conditions_after_a_repeat_see_the_list():
    adults = journey([item("Ann", ADULT)], done=True)
    assert adults.outcome == COMPLETE
    assert adults.answers["visitors"] == [{"visitor_name": "Ann", "visitor_dob": ADULT}]
    with_child = journey([item("Ann", ADULT), item("Ben", CHILD, "Ann")], done=True)
    assert with_child.next_step.path == "children-note"


def test_max_items_stops_new_items():
    full = journey([item("A", ADULT), item("B", CHILD, "A"), item("C", CHILD, "A")])
    assert full.find("visitors/4/visitor-details") is None


def test_repeat_rules_and_minimum_are_problems_when_stopping():
    three_adults = [item("A", ADULT), item("B", ADULT), item("C", ADULT)]
    j = journey(three_adults, done=True)
    assert j.repeat_problems(REPEAT) == ["You can book a maximum of 3 visitors over the age of 18"]
    assert j.next_step == Step(REPEAT, add_another=True)  # cannot go on while the rule fails
    empty = Journey(
        VISIT, with_repeat_done({"lead": {"lead_name": "L"}}, REPEAT, True), today=TODAY
    )
    assert empty.repeat_problems(REPEAT) == ["You must add at least 1 visitor"]


def test_removing_an_item_drops_the_answers_that_depended_on_it():
    saved = {
        "lead": {"lead_name": "L"},
        "visitors": {"items": [item("Ann", ADULT), item("Ben", CHILD, "Ann")], "done": True},
        "children-note": {"children_note": "Ben is shy"},
    }
    before = Journey(VISIT, saved, today=TODAY)
    assert before.outcome == COMPLETE and before.answers["children_note"] == "Ben is shy"
    after = Journey(VISIT, without_item(saved, REPEAT, 1), today=TODAY)
    assert after.outcome == COMPLETE
    assert "children_note" not in after.answers
    assert [v["visitor_name"] for v in after.answers["visitors"]] == ["Ann"]


def test_saving_a_new_item_appends_it_and_asks_add_another_again():
    saved = {"lead": {"lead_name": "L"}, "visitors": {"items": [item("Ann", ADULT)], "done": True}}
    step = Step(VISIT.page("visitor-details"), REPEAT, 1)
    new = with_answers(saved, step, {"visitor_name": "Cat", "visitor_dob": ADULT})
    assert [i["pages"]["visitor-details"]["visitor_name"] for i in new["visitors"]["items"]] == [
        "Ann",
        "Cat",
    ]
    assert new["visitors"]["done"] is False
    assert saved["visitors"]["items"][0]["key"] == "Ann"  # the original is not changed
    changed = with_answers(
        new,
        Step(VISIT.page("visitor-details"), REPEAT, 0),
        {"visitor_name": "Anne", "visitor_dob": ADULT},
    )
    assert changed["visitors"]["items"][0]["pages"]["visitor-details"]["visitor_name"] == "Anne"


def test_summary_shows_items_as_numbered_groups():
    j = journey(
        [item("Ann", ADULT), item("Ben", CHILD, "Ann")],
        done=True,
        **{"children-note": {"children_note": "x"}},
    )
    [section] = answer_sections(j, j.route, j.scope_for)
    kinds = [type(entry).__name__ for entry in section.entries]
    assert kinds == ["AnswerRow", "RepeatRow", "ItemBlock", "ItemBlock", "AnswerRow"]
    second = section.entries[3]
    assert second.index == 1
    assert [(r.question.id, r.lines) for r in second.rows] == [
        ("visitor_name", ["Ben"]),
        ("visitor_dob", ["1 January 2020"]),
        ("guardian", ["Ann"]),
    ]
    assert second.rows[0].step.path == "visitors/2/visitor-details"
    assert j.item_label(REPEAT, 1) == "Ben"


TASKS = load_form_file(FIXTURES / "claim.yaml")


def tasks(**pages) -> Journey:
    return Journey(TASKS, {k.replace("_", "-"): v for k, v in pages.items()}, today=TODAY)


def statuses(j: Journey) -> dict[str, str]:
    return {t.section: t.status for t in j.tasks}


def test_pages_before_the_first_task_come_first():
    j = tasks()
    assert j.next_step.path == "who-for" and j.tasks == []


def test_task_statuses():
    j = tasks(who_for={"who_for": "someone-else"})
    assert statuses(j) == {"you": NOT_STARTED, "crime": NOT_STARTED, "injuries": CANNOT_START}
    assert j.next_step is None and j.outcome == INCOMPLETE  # the task list is the place
    j = tasks(who_for={"who_for": "someone-else"}, name={"name": "Jo"})
    assert statuses(j)["you"] == IN_PROGRESS
    assert j.find("relationship") is not None and j.find("injured") is None
    j = tasks(
        who_for={"who_for": "myself"}, name={"name": "Jo"}, crime_date={"crime_date": "2026-01-01"}
    )
    assert statuses(j) == {"you": COMPLETED, "crime": COMPLETED, "injuries": NOT_STARTED}


def test_a_task_whose_pages_are_all_skipped_is_not_shown_and_all_done_is_complete():
    j = tasks(
        who_for={"who_for": "myself"}, name={"name": "Jo"}, crime_date={"crime_date": "2020-01-01"}
    )
    assert statuses(j) == {"you": COMPLETED, "crime": COMPLETED}
    assert j.outcome == COMPLETE


def test_after_the_last_page_of_a_task_the_task_list_is_next():
    j = tasks(who_for={"who_for": "myself"}, name={"name": "Jo"})
    assert j.after(j.find("name")) is None


@pytest.mark.parametrize("answer", ["myself", "someone-else"])
def test_each_task_has_its_own_back_links(answer):
    j = tasks(who_for={"who_for": answer}, name={"name": "Jo"})
    assert j.previous(j.find("name")) is None  # the first page of a task: back to the list


def test_a_task_waiting_for_another_task_is_not_complete():
    j = tasks(who_for={"who_for": "someone-else"}, crime_date={"crime_date": "2026-01-01"})
    assert statuses(j)["crime"] == IN_PROGRESS
    j = tasks(
        who_for={"who_for": "someone-else"},
        crime_date={"crime_date": "2026-01-01"},
        name={"name": "Jo"},
        relationship={"relationship": "parent"},
    )
    assert statuses(j)["crime"] == IN_PROGRESS and j.find("delay") is not None
    assert j.tasks[1].next_step.path == "delay"


def test_an_exit_inside_a_task_ends_the_journey_but_keeps_the_tasks_open():
    j = tasks(
        who_for={"who_for": "myself"},
        name={"name": "Jo"},
        crime_date={"crime_date": "2026-01-01"},
        injured={"injured": False},
    )
    assert j.outcome == EXITED and j.next_step.path == "not-eligible"
    assert j.find("name") is not None and j.find("injured") is not None
    assert j.previous(j.find("not-eligible")).path == "injured"  # Back to change the answer


def test_items_are_labelled_by_their_name_answers():
    j = journey([item("Ann", ADULT)])
    assert j.item_label(REPEAT, 0) == "Ann"


def test_removing_an_item_forgets_answers_asked_only_because_of_it():
    saved = {
        "lead": {"lead_name": "L"},
        "visitors": {"items": [item("Ann", ADULT), item("Ben", CHILD, "Ann")], "done": True},
        "children-note": {"children_note": "Ben is shy"},
    }
    kept = without_item(saved, REPEAT, 1)  # without the form: only the item goes
    assert kept["children-note"] == {"children_note": "Ben is shy"}
    new = without_item(saved, REPEAT, 1, VISIT, TODAY)
    assert "children-note" not in new
    # Adding another child later asks the question again rather than bringing Ben's back.
    again = with_answers(
        new,
        Step(VISIT.page("visitor-details"), REPEAT, 1),
        {"visitor_name": "Cat", "visitor_dob": CHILD},
    )
    again = with_answers(
        again, Step(VISIT.page("visitor-guardian"), REPEAT, 1), {"guardian": "Ann"}
    )
    again = with_repeat_done(again, REPEAT, True)
    assert Journey(VISIT, again, today=TODAY).next_step.path == "children-note"
