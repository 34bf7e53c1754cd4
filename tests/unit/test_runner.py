"""The journey runner: every navigation decision, in every mode, with no Flask."""

from __future__ import annotations

import datetime
import subprocess
import sys
from pathlib import Path

import pytest

from forms_service.definitions.loader import DefinitionError, load_form_file, load_form_text
from forms_service.journey import (
    CHECK_ANSWERS,
    START,
    TASK_LIST,
    Place,
    Runner,
    Step,
    with_answers,
)

TODAY = datetime.date(2026, 11, 22)
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
VISIT = load_form_file(FIXTURES / "visit.yaml")
CLAIM = load_form_file(FIXTURES / "claim.yaml")

FORM = load_form_text(
    """\
id: modes
version: 1
title: Modes
start:
  body: Apply here.
pages:
  - id: name
    questions:
      - id: full_name
        type: text
        label:
          - {when: "channel == 'assisted'", en: What is the applicant's name?}
          - {en: What is your name?}
  - id: helper
    when: "channel == 'assisted'"
    questions:
      - {id: how_helped, type: text, label: How are you helping?}
  - id: age
    questions:
      - {id: age, type: number, label: How old are you?}
""",
    "modes.yaml",
)


def runner(form=FORM, mode="live", **saved) -> Runner:
    return Runner(form, saved, today=TODAY, mode=mode)


def paths(r: Runner) -> list[str]:
    return [step.path for step in r.journey.route]


def test_the_mode_sets_the_channel_that_conditions_see():
    assert runner().channel == "online"
    assert runner(mode="preview").channel == "online"
    assert runner(mode="assisted").channel == "assisted"
    assert paths(runner(name={"full_name": "Ana"})) == ["name", "age"]
    assert paths(runner(mode="assisted", name={"full_name": "Ana"})) == ["name", "helper"]


def test_text_variants_follow_the_channel():
    label = FORM.page("name").questions[0].label
    assert runner().journey.text(label) == "What is your name?"
    assert runner(mode="assisted").journey.text(label) == "What is the applicant's name?"


def test_an_unknown_mode_is_refused():
    with pytest.raises(ValueError, match="unknown mode"):
        runner(mode="kiosk")


def test_channel_is_checked_like_an_option_when_the_form_loads():
    text = FORM_TEXT_WITH("channel == 'telephone'")
    with pytest.raises(DefinitionError, match="telephone"):
        load_form_text(text, "bad.yaml")


def test_a_question_called_channel_keeps_its_own_meaning():
    form = load_form_text(FORM_TEXT_WITH("channel == 'post'", own_channel=True), "own.yaml")
    assert [
        s.path for s in Runner(form, {"q": {"channel": "post"}}, today=TODAY).journey.route
    ] == [
        "q",
        "later",
    ]


def FORM_TEXT_WITH(condition: str, own_channel: bool = False) -> str:  # noqa: N802
    question = (
        "{id: channel, type: radios, label: How?, options: [{value: post, label: Post}, {value: web, label: Web}]}"
        if own_channel
        else "{id: other, type: text, label: Other}"
    )
    return f"""\
id: own
version: 1
title: Own
pages:
  - id: q
    questions:
      - {question}
  - id: later
    when: "{condition}"
    questions:
      - {{id: later_q, type: text, label: Later}}
"""


def test_a_url_shows_its_step_or_sends_to_where_the_person_should_be():
    r = runner()
    assert r.open("name") == Step(FORM.page("name"))
    assert r.open("age") == Place.at(Step(FORM.page("name")))  # not reachable yet
    assert r.open("helper") == Place.at(Step(FORM.page("name")))  # not in this mode


def test_after_saving_goes_on_then_to_check_your_answers():
    name = Step(FORM.page("name"))
    after = runner(name={"full_name": "Ana"})
    assert after.after_saving(name) == Place.at(Step(FORM.page("age")))
    done = runner(name={"full_name": "Ana"}, age={"age": 40})
    assert done.after_saving(Step(FORM.page("age"))) == CHECK_ANSWERS
    assert done.after_saving(name, change=True) == CHECK_ANSWERS
    assert done.landing() == CHECK_ANSWERS


def test_a_change_that_opens_a_new_page_asks_it_before_returning():
    saved = {"lead": {"lead_name": "Jo"}}
    r = Runner(VISIT, saved, today=TODAY)
    assert r.landing() == Place.at(Step(VISIT.page("visitors").pages[0], VISIT.page("visitors"), 0))
    # A change from check your answers that leaves the form incomplete keeps the change flag.
    place = r.after_saving(Step(VISIT.page("lead")), change=True)
    assert place.change and place.step.path == "visitors/1/visitor-details"


def test_back_goes_to_the_previous_step_the_start_page_or_check_answers():
    r = runner(name={"full_name": "Ana"})
    age = Step(FORM.page("age"))
    assert r.back(age) == Place.at(Step(FORM.page("name")))
    assert r.back(Step(FORM.page("name"))) == START
    assert r.back(age, change=True) == CHECK_ANSWERS


def test_the_start_button_goes_to_the_first_page():
    assert runner().start() == Place.at(Step(FORM.page("name")))


def test_submitting_is_blocked_until_complete_and_valid():
    assert runner(name={"full_name": "Ana"}).submit_blocker() == Place.at(Step(FORM.page("age")))
    assert runner(name={"full_name": "Ana"}, age={"age": 40}).submit_blocker() is None


def test_a_saved_answer_that_no_longer_passes_sends_back_to_recheck_it():
    form = load_form_text(
        """\
id: dates
version: 1
title: Dates
pages:
  - id: when
    questions:
      - {id: visit_on, type: date, label: Visit date, not_before: today}
""",
        "dates.yaml",
    )
    r = Runner(form, {"when": {"visit_on": "2026-11-01"}}, today=TODAY)
    place = r.submit_blocker()
    assert place.step.path == "when" and place.change and place.recheck


def test_a_task_list_form_lands_on_the_task_list():
    r = Runner(CLAIM, {}, today=TODAY)
    first = r.landing()
    assert first.kind == "step"  # the pages before the first task are asked first
    r = Runner(CLAIM, _preamble_done(), today=TODAY)
    assert r.landing() == TASK_LIST
    assert r.task_list_place() is None
    assert all(place is None or place.kind == "step" for _, place in r.task_places())


def _preamble_done() -> dict:
    r = Runner(CLAIM, {}, today=TODAY)
    saved: dict = {}
    while r.landing().kind == "step" and r.journey.next_step.section is None:
        step = r.journey.next_step
        answers = {q.id: _example(q) for q in step.page.answerable}
        saved = with_answers(saved, step, answers)
        r = Runner(CLAIM, saved, today=TODAY)
    return saved


def _example(question):
    if question.options:
        return question.options[0].value
    return True if question.type == "yes_no" else "x"


def test_repeat_rules_broken_by_an_item_are_found_before_saving_it():
    saved = {"lead": {"lead_name": "Jo"}}
    r = Runner(VISIT, saved, today=TODAY)
    repeat = VISIT.page("visitors")
    details = repeat.pages[0]
    for index in range(2):
        step = Step(details, repeat, index)
        saved = with_answers(
            saved, step, {"visitor_name": f"A{index}", "visitor_dob": "1990-01-01"}
        )
    r = Runner(VISIT, saved, today=TODAY)
    third = Step(details, repeat, 2)
    broken = r.rules_broken_by(third, {"visitor_name": "C", "visitor_dob": "1990-01-01"})
    assert [rule.message.pick("en") for rule in broken] == [
        "You can book a maximum of 3 visitors over the age of 18"
    ]
    assert r.rules_broken_by(third, {"visitor_name": "C", "visitor_dob": "2020-01-01"}) == []
    assert r.problems_if_finished(repeat) == []


def test_the_runner_imports_no_flask():
    code = "import sys, forms_service.journey.runner; print('flask' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


EMAIL_FORM = load_form_text(
    """\
id: contact-details
version: 1
title: Contact
pages:
  - id: email
    questions:
      - {id: email, type: email, label: Email address}
  - id: work-email
    questions:
      - {id: work_email, type: email, label: Work email, required_when_assisted: true}
declaration:
  body: The information I have given is true.
  assisted_body: I read the declaration to the applicant.
""",
    "contact.yaml",
)


def test_staff_may_leave_an_email_blank_unless_the_definition_needs_it():
    live = Runner(EMAIL_FORM, {}, today=TODAY)
    assisted = Runner(EMAIL_FORM, {}, today=TODAY, mode="assisted")
    assert not live.form.question("email").optional
    assert assisted.form.question("email").optional
    assert not assisted.form.question("work_email").optional
    # Staff and citizens walk the same pages of the same definition.
    assert [p.id for p in assisted.form.pages] == [p.id for p in EMAIL_FORM.pages]
    assert assisted.with_saved({}).form is assisted.form


def test_the_declaration_has_an_assisted_wording():
    assert EMAIL_FORM.declaration.assisted_body.pick("en") == (
        "I read the declaration to the applicant."
    )


TASKS = load_form_text(
    """\
id: tasks
version: 1
title: Tasks
navigation: task_list
sections:
  - {id: you, title: About you}
  - {id: more, title: More}
pages:
  - id: first
    questions:
      - {id: first, type: text, label: First}
  - id: name
    section: you
    questions:
      - {id: name, type: text, label: Name}
  - id: colour
    section: more
    questions:
      - {id: colour, type: text, label: Colour}
""",
    "tasks.yaml",
)


def test_someone_coming_back_lands_on_the_task_list_or_where_they_left_off():
    # A linear form: the first page not yet answered (what landing gives).
    r = runner(name={"full_name": "Jo"})
    assert r.resumed_landing() == r.landing() and paths(r)[-1] == "age"
    assert r.resumed_landing().step.page.id == "age"
    # A task list: the questions before it first, then the task list, even with every
    # task done (where landing would be check your answers).
    assert Runner(TASKS, {}, today=TODAY).resumed_landing().step.page.id == "first"
    saved = {"first": {"first": "a"}, "name": {"name": "Jo"}}
    assert Runner(TASKS, saved, today=TODAY).resumed_landing() == TASK_LIST
    done = Runner(TASKS, {**saved, "colour": {"colour": "red"}}, today=TODAY)
    assert done.landing() == CHECK_ANSWERS and done.resumed_landing() == TASK_LIST


def test_an_exit_page_knows_the_answer_that_led_there():
    # claim.yaml: "not-eligible" when injured == false and who_for == 'myself'; the last
    # of those asked before it is "Were you injured?".
    saved = {**_preamble_done(), "name": {"name": "Jo"}, "crime-date": {"crime_date": "2026-01-02"},
             "injured": {"injured": False}}  # fmt: skip
    r = Runner(CLAIM, saved, today=TODAY)
    exit_step = r.journey.next_step
    assert exit_step is not None and exit_step.page.id == "not-eligible"
    step, question = r.exit_cause(exit_step)
    assert (step.page.id, question.id) == ("injured", "injured")
    assert r.exit_cause(step) is None  # not an exit page
