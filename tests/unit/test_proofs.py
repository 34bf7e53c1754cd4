"""The checker's proofs (z3): each finding on a small definition, and its near miss, which
must not be reported: a false warning on a real form is a defect."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

from forms_service.cli import cli
from forms_service.definitions import proofs
from forms_service.definitions.loader import Problem, load_form_file

ROOT = Path(__file__).resolve().parents[2]

HEAD = """\
id: proofs
version: 1
title: Apply for something
retention_days: 90
pages:
"""

AGE = """\
  - id: date-of-birth
    questions:
      - {id: dob, type: date, label: What is your date of birth?}
  - id: too-young
    type: exit
    when: age(dob) < 18
    title: You cannot apply
"""

CHOICE = """\
  - id: how
    questions:
      - id: contact
        type: radios
        label: How should we contact you?
        options: [email, phone, post]
"""


def prove(tmp_path: Path, pages: str) -> list[Problem]:
    path = tmp_path / "form.yaml"
    path.write_text(HEAD + textwrap.dedent(pages))
    warnings: list[Problem] = []
    form = load_form_file(path, warnings)
    return proofs.prove(form)


def where(path: Path, text: str) -> tuple[int, int]:
    """Line and column (from 1) of the first `text` in the file."""
    for number, line in enumerate(path.read_text().splitlines(), start=1):
        if text in line:
            return number, line.index(text) + 1
    raise AssertionError(text)


def page(page_id: str, when: str, label: str = "Tell us more") -> str:
    return (
        f"  - id: {page_id}\n"
        f'    when: "{when}"\n'
        "    questions:\n"
        f"      - {{id: {page_id.replace('-', '_')}, type: text, label: {label}}}\n"
    )


# -- a page whose when can never hold -----------------------------------------------------


def test_a_page_asked_only_of_those_an_exit_page_turned_away_is_found(tmp_path):
    [found] = prove(tmp_path, AGE + page("guardian", "age(dob) < 16"))
    form = tmp_path / "form.yaml"
    assert found.warning
    assert found.message == (
        "Page 'guardian' can never be shown: its when (age(dob) < 16) cannot hold after the "
        f"exit page 'too-young' (line {where(form, 'id: too-young')[0]}), which ends the "
        "journey in those cases."
    )
    assert (found.line, found.col) == where(form, "age(dob) < 16")


def test_a_page_for_older_people_after_the_exit_is_fine(tmp_path):
    assert prove(tmp_path, AGE + page("student", "age(dob) < 21")) == []


def test_a_contradiction_in_a_when_is_found(tmp_path):
    [found] = prove(tmp_path, CHOICE + page("odd", "contact == 'email' and contact == 'post'"))
    assert "can never be true, whatever the answers" in found.message
    assert found.message.startswith("Page 'odd' can never be shown")


def test_a_question_asked_only_on_another_branch_is_found(tmp_path):
    pages = (
        CHOICE
        + page("email-address", "contact == 'email'")
        + page("by-post", "contact == 'post' and answered(email_address)")
    )
    [found] = prove(tmp_path, pages)
    assert "cannot hold on any route" in found.message
    assert "'email-address'" in found.message


def test_two_different_options_are_not_a_contradiction(tmp_path):
    pages = CHOICE + page("not-by-post", "contact == 'email' or contact == 'phone'")
    assert prove(tmp_path, pages) == []


# -- a when that always holds --------------------------------------------------------------


def test_a_when_that_always_holds_after_the_exit_is_found(tmp_path):
    [found] = prove(tmp_path, AGE + page("adult", "age(dob) >= 18"))
    assert found.message == (
        "The when of page 'adult' (age(dob) >= 18) is always true here, on every route "
        "that reaches the page: remove it."
    )
    assert found.warning


def test_a_when_on_a_required_answer_always_holds(tmp_path):
    [found] = prove(tmp_path, CHOICE + page("more", "contact in ['email', 'phone', 'post']"))
    assert "is always true here" in found.message


def test_a_when_on_an_optional_answer_does_not_always_hold(tmp_path):
    optional = CHOICE.replace(
        "options: [email, phone, post]", "options: [a, b]\n        optional: true"
    )
    assert prove(tmp_path, optional + page("more", "contact in ['a', 'b']")) == []


def test_a_whole_number_of_years_is_not_taken_for_granted(tmp_path):
    # 18 years is 6574 or 6575 days, never exactly: the checker must not claim either.
    pages = AGE + page("recent", "days_since(dob) >= 6574") + page("later", "dob < today - 18y")
    assert prove(tmp_path, pages) == []


DOB = AGE.split("  - id: too-young")[0]


def exit_when(condition: str) -> str:
    return f'  - id: turned-away\n    type: exit\n    when: "{condition}"\n    title: Sorry\n'


def test_a_year_is_not_365_days_for_the_checker(tmp_path):
    # 6572 days after a birth can still be age 17 (18 years hold 4 or 5 leap days).
    pages = DOB + exit_when("days_since(dob) < 6570") + page("adult", "age(dob) >= 18")
    assert prove(tmp_path, pages) == []


def test_a_month_is_not_30_days_for_the_checker(tmp_path):
    # 1 March - 1m is 1 February, 28 days before.
    pages = DOB + exit_when("dob > today - 1m") + page("old", "days_since(dob) >= 29")
    assert prove(tmp_path, pages) == []


def test_months_are_still_understood_well_enough_to_prove_things(tmp_path):
    pages = DOB + exit_when("dob > today - 1m") + page("very-new", "days_since(dob) < 20")
    [found] = prove(tmp_path, pages)
    assert "can never be shown" in found.message and "'turned-away'" in found.message


# -- a form nobody can submit ---------------------------------------------------------------


def test_a_form_where_every_route_ends_at_an_exit_is_an_error(tmp_path):
    pages = AGE + (
        "  - id: too-old\n"
        "    type: exit\n"
        "    when: age(dob) >= 18\n"
        "    title: You cannot apply\n"
        "  - id: end\n"
        "    questions:\n"
        "      - {id: notes, type: text, label: Notes}\n"
    )
    found = prove(tmp_path, pages)
    [error] = [p for p in found if not p.warning]
    form = tmp_path / "form.yaml"
    young, old = where(form, "id: too-young")[0], where(form, "id: too-old")[0]
    assert error.message.startswith(
        "Nobody can submit this form: every route ends at an exit page: "
        f"'too-young' (line {young}), 'too-old' (line {old})."
    )
    assert (error.line, error.col) == where(form, "age(dob) >= 18")


def test_exits_that_leave_a_way_through_are_fine(tmp_path):
    pages = AGE + (
        "  - id: too-old\n"
        "    type: exit\n"
        "    when: age(dob) > 120\n"
        "    title: Check your date of birth\n"
    )
    assert prove(tmp_path, pages) == []


# -- text variants -------------------------------------------------------------------------


def variants(first: str, second: str) -> str:
    return CHOICE + textwrap.indent(
        textwrap.dedent(
            f"""\
            - id: thanks
              title:
                - when: "{first}"
                  en: We will email you
                - when: "{second}"
                  en: We will write to you
                - en: We will phone you
              questions:
                - {{id: extra, type: text, label: Anything else?}}
            """
        ),
        "  ",
    )


def test_a_variant_shadowed_by_an_earlier_one_is_found(tmp_path):
    [found] = prove(tmp_path, variants("contact != 'phone'", "contact == 'post'"))
    assert found.message == (
        "Variant 2 of this text on page 'thanks' can never be chosen: its when "
        "(contact == 'post') is always covered by a variant before it, which is chosen first."
    )


def test_a_last_variant_that_every_case_misses_is_found(tmp_path):
    [found] = prove(tmp_path, variants("contact == 'email'", "contact != 'email'"))
    assert "Variant 3" in found.message and "cover every case" in found.message


def test_variants_that_overlap_but_each_can_be_chosen_are_fine(tmp_path):
    assert prove(tmp_path, variants("contact == 'email'", "contact != 'phone'")) == []


# -- rules -----------------------------------------------------------------------------------


def rule(check: str) -> str:
    return textwrap.dedent(
        f"""\
          - id: dates
            questions:
              - {{id: start, type: date, label: Start date}}
              - {{id: finish, type: date, label: End date, optional: true}}
            rules:
              - check: "{check}"
                message: Check the dates
        """
    )


def test_a_rule_that_can_never_pass_is_an_error(tmp_path):
    [found] = prove(tmp_path, rule("start > finish and finish > start"))
    assert not found.warning
    assert "can never pass" in found.message and "nobody can continue" in found.message


def test_a_rule_that_can_never_fail_is_a_warning(tmp_path):
    [found] = prove(tmp_path, rule("answered(start)"))
    assert found.warning and "can never fail" in found.message


def test_a_rule_that_can_pass_and_fail_is_fine(tmp_path):
    assert prove(tmp_path, rule("finish == none or finish >= start")) == []


# -- what the checker cannot know ------------------------------------------------------------


def test_counts_over_repeats_are_unknown_numbers_not_guesses(tmp_path):
    repeat = """\
      - id: visitors
        type: repeat
        item_name: visitor
        max: 3
        pages:
          - id: visitor
            questions:
              - {id: visitor_name, type: text, label: Name}
    """
    pages = textwrap.indent(textwrap.dedent(repeat), "  ") + page("many", "count(visitors) > 2")
    assert prove(tmp_path, pages) == []


def item(*pages: str) -> str:
    """A repeat whose item asks a date of birth, then `pages`."""
    head = """\
      - id: visitors
        type: repeat
        item_name: visitor
        max: 3
        pages:
          - id: visitor
            questions:
              - {id: visitor_dob, type: date, label: Date of birth}
    """
    return textwrap.indent(textwrap.dedent(head), "  ") + "".join(
        textwrap.indent(p, "    ") for p in pages
    )


def test_pages_of_a_repeat_item_are_proved_with_the_item_answers(tmp_path):
    pages = item(
        exit_when("age(visitor_dob) > 100"),
        page("old-visitor", "age(visitor_dob) > 110"),
        page("child", "age(visitor_dob) < 18"),
    )
    [found] = prove(tmp_path, pages)
    assert found.message.startswith(
        "Page 'old-visitor' can never be shown: its when (age(visitor_dob) > 110) cannot "
        "hold after the exit page 'turned-away'"
    )
    assert (found.line, found.col) == where(tmp_path / "form.yaml", "age(visitor_dob) > 110")


def test_a_first_item_page_that_is_the_only_way_in_is_not_reported(tmp_path):
    # With no page of the item whose when holds, a new item starts at its first page.
    pages = item().replace("      - id: visitor\n", '      - id: visitor\n        when: "1 > 2"\n')
    assert prove(tmp_path, pages) == []


def test_a_task_list_does_not_count_exits_of_other_tasks(tmp_path):
    # Tasks are done in any order: the exit in the first task may come after the page.
    pages = textwrap.dedent(
        """\
        - id: dob-page
          section: a
          questions:
            - {id: dob, type: date, label: Date of birth}
        - id: too-young
          section: a
          type: exit
          when: age(dob) < 18
          title: You cannot apply
        - id: other
          section: b
          questions:
            - {id: colour, type: text, label: Colour}
        """
    )
    text = HEAD.replace("pages:\n", "navigation: task_list\nsections:\n")
    text += "  - {id: a, title: A}\n  - {id: b, title: B}\npages:\n"
    path = tmp_path / "form.yaml"
    path.write_text(text + textwrap.indent(pages, "  "))
    assert proofs.prove(load_form_file(path, [])) == []


def test_when_the_solver_runs_out_of_time_it_says_so_once(tmp_path, monkeypatch):
    monkeypatch.setattr(proofs, "FORM_BUDGET_S", 0)
    found = prove(tmp_path, AGE + page("guardian", "age(dob) < 16") + page("x", "age(dob) > 30"))
    [warning] = found
    assert warning.warning
    assert warning.message.startswith("Could not prove ")
    assert "(timed out)" in warning.message


def test_a_tiny_query_timeout_gives_could_not_prove_not_a_finding(tmp_path, monkeypatch):
    monkeypatch.setattr(proofs, "QUERY_RLIMIT", 1)
    found = prove(tmp_path, AGE + page("guardian", "age(dob) < 16"))
    assert [p.message for p in found if "can never" in p.message] == []
    assert all("Could not prove" in p.message for p in found)


def test_the_real_forms_have_no_findings():
    # No finding, so no "could not prove" either: each was proved within the budget (what
    # that costs is a figure of `make bench`, not a timed test).
    for path in sorted((ROOT / "form_definitions").glob("*.yaml")):
        assert proofs.prove(load_form_file(path, [])) == [], path


@pytest.mark.parametrize("path", sorted((ROOT / "tests/fixtures/contract").glob("*.yaml")))
def test_the_contract_fixtures_have_no_findings(path):
    assert proofs.prove(load_form_file(path, [])) == []


# -- through the command line ----------------------------------------------------------------


def test_check_prints_proofs_at_file_line_col_and_exits_by_their_kind(tmp_path):
    warned = tmp_path / "warned.yaml"
    warned.write_text(HEAD + AGE + page("guardian", "age(dob) < 16"))
    result = CliRunner().invoke(cli, ["check", str(warned)])
    assert result.exit_code == 0, result.output
    line, col = where(warned, "age(dob) < 16")
    assert f"{warned}:{line}:{col}: warning: Page 'guardian' can never be shown" in result.output
    assert CliRunner().invoke(cli, ["check", "--strict", str(warned)]).exit_code == 1

    broken = tmp_path / "broken.yaml"
    broken.write_text(HEAD + rule("start > finish and finish > start"))
    result = CliRunner().invoke(cli, ["check", str(broken)])
    assert result.exit_code == 1, result.output
    line, col = where(broken, "start > finish")
    assert f"{broken}:{line}:{col}: The rule (start > finish and finish > start)" in result.output
    assert "0 form(s) ok, 1 problem(s) in 1 file(s)" in result.output
