"""The route through a form, computed from the definition and the answers alone."""

from __future__ import annotations

import datetime
import subprocess
import sys

from forms_service.definitions.loader import load_form_text
from forms_service.journey import COMPLETE, EXITED, INCOMPLETE, Journey
from forms_service.journey.summary import answer_sections

TODAY = datetime.date(2026, 11, 22)

FORM = load_form_text(
    """\
id: branching
version: 1
title: Branching
sections:
  - {id: you, title: About you}
  - {id: money, title: Money}
pages:
  - id: who
    section: you
    questions:
      - id: who_for
        type: radios
        label: Who are you applying for?
        options:
          - {value: myself, label: Myself}
          - value: someone-else
            label: Someone else
            reveal: [{id: their_name, type: text, label: Their name}]
  - id: reported
    section: you
    questions:
      - {id: was_reported, type: yes_no, label: "Was the crime reported?"}
  - id: not-reported
    type: exit
    when: "was_reported == false"
    title: You cannot get compensation
  - id: relationship
    section: you
    when: "who_for == 'someone-else'"
    questions:
      - {id: relationship, type: text, label: "What is your relationship to {their_name}?"}
  - id: intro
    type: content
    title: About money
    body: Next we ask about money.
  - id: savings
    section: money
    questions:
      - {id: savings, type: money, label: Savings}
  - id: big-savings
    section: money
    when: "savings >= 16000"
    questions:
      - {id: savings_source, type: textarea, label: "Where did the money come from?"}
""",
    "branching.yaml",
)


def journey(**pages) -> Journey:
    saved = {page.replace("_", "-"): answers for page, answers in pages.items()}
    return Journey(FORM, saved, today=TODAY)


def ids(route) -> list[str]:
    return [step.path for step in route]


def test_a_new_journey_starts_at_the_first_page():
    j = journey()
    assert j.outcome == INCOMPLETE
    assert j.next_step.path == "who"
    assert j.find("who") and not j.find("reported")
    assert j.previous(j.find("who")) is None


def test_skipped_pages_are_not_on_the_route():
    j = journey(who={"who_for": "myself"}, reported={"was_reported": True}, intro={},
                savings={"savings": 500_00})  # fmt: skip
    assert j.outcome == COMPLETE
    assert ids(j.route) == ["who", "reported", "intro", "savings"]
    assert j.previous(j.find("savings")).path == "intro"
    assert j.after(j.find("savings")) is None  # the end: check your answers


def test_a_branch_taken_adds_its_pages():
    j = journey(who={"who_for": "someone-else", "their_name": "Sam"},
                reported={"was_reported": True})  # fmt: skip
    assert ids(j.route) == ["who", "reported", "relationship"]
    assert j.next_step.path == "relationship"
    label = FORM.question("relationship").label
    assert j.text(label) == "What is your relationship to Sam?"


def test_an_exit_page_ends_the_journey():
    j = journey(who={"who_for": "myself"}, reported={"was_reported": False})
    assert j.outcome == EXITED
    assert j.next_step.path == "not-reported"
    assert not j.find("savings")


def test_money_conditions_compare_pounds():
    base = dict(who={"who_for": "myself"}, reported={"was_reported": True}, intro={})
    assert journey(**base, savings={"savings": 15_999_99}).outcome == COMPLETE
    big = journey(**base, savings={"savings": 16_000_00})
    assert big.next_step.path == "big-savings"


def test_changing_an_answer_that_removes_a_branch_drops_its_answers():
    saved = dict(
        who={"who_for": "someone-else", "their_name": "Sam"}, reported={"was_reported": True},
        relationship={"relationship": "Parent"}, intro={}, savings={"savings": 20_000_00},
        big_savings={"savings_source": "An inheritance"},
    )  # fmt: skip
    before = journey(**saved)
    assert before.outcome == COMPLETE
    assert before.answers["relationship"] == "Parent"
    assert before.answers["their_name"] == "Sam"

    saved["who"] = {"who_for": "myself", "their_name": "Sam"}  # their_name still in the draft
    saved["savings"] = {"savings": 100_00}
    after = journey(**saved)
    assert after.outcome == COMPLETE
    assert ids(after.route) == ["who", "reported", "intro", "savings"]
    # Neither the left branch nor the unrevealed question counts any more.
    assert "relationship" not in after.answers
    assert "savings_source" not in after.answers
    assert "their_name" not in after.answers
    sections = answer_sections(after, after.route, after.scope_for)
    summary_ids = [row.question.id for s in sections for row in s.entries]
    assert summary_ids == ["who_for", "was_reported", "savings"]


def test_going_back_to_a_branch_brings_its_saved_answers_back():
    saved = dict(
        who={"who_for": "myself"}, reported={"was_reported": True},
        relationship={"relationship": "Parent"}, intro={}, savings={"savings": 1},
    )  # fmt: skip
    assert "relationship" not in journey(**saved).answers
    saved["who"] = {"who_for": "someone-else", "their_name": "Sam"}
    assert journey(**saved).answers["relationship"] == "Parent"


def test_after_saving_a_page_the_next_unanswered_page_follows():
    j = journey(who={"who_for": "myself"}, reported={"was_reported": True})
    assert j.after(j.find("reported")).path == "intro"
    assert j.after(j.find("who")).path == "reported"


def test_summary_groups_answers_by_section_in_order():
    j = journey(who={"who_for": "someone-else", "their_name": "Sam <b>"},
                reported={"was_reported": True}, relationship={"relationship": "Aunt"},
                intro={}, savings={"savings": 1_250_50})  # fmt: skip
    sections = answer_sections(j, j.route, j.scope_for)
    assert [s.title for s in sections] == ["About you", "Money"]
    rows = {row.question.id: row.lines for s in sections for row in s.entries}
    assert rows == {
        "who_for": ["Someone else"], "their_name": ["Sam <b>"], "was_reported": ["Yes"],
        "relationship": ["Aunt"], "savings": ["£1,250.50"],
    }  # fmt: skip


def test_placeholders_are_escaped_by_the_given_function():
    j = journey(who={"who_for": "someone-else", "their_name": "<script>x</script>"})
    filled = j.fill("Hello {their_name} {unknown}", escape=lambda s: s.replace("<", "&lt;"))
    assert filled == "Hello &lt;script>x&lt;/script> {unknown}"


def test_saved_answers_that_no_longer_pass_are_found():
    form = load_form_text(
        """\
id: dates
version: 1
title: Dates
pages:
  - id: visit
    questions:
      - {id: visit_date, type: date, label: Visit date, not_before: today+3d}
""",
        "dates.yaml",
    )
    saved = {"visit": {"visit_date": "2026-11-26"}}
    assert Journey(form, saved, today=TODAY).invalid_steps() == []
    later = Journey(form, saved, today=TODAY + datetime.timedelta(days=2))
    [(step, question, problem)] = later.invalid_steps()
    assert (step.path, question.id, problem.kind) == ("visit", "visit_date", "too_early")


def test_the_journey_engine_does_not_import_flask():
    code = "import sys, forms_service.journey; print('flask' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
