"""How long things are kept: the definition keys, the defaults, the checker's warning, and
when the worker runs next (no app, no database)."""

from __future__ import annotations

import datetime
import textwrap

import pytest

from forms_service.definitions.loader import DefinitionError, load_form_text
from forms_service.retention import (
    DRAFT_RETENTION_DAYS,
    SUBMISSION_RETENTION_DAYS,
    draft_days,
    retention_warnings,
    submission_days,
)
from forms_service.worker import next_run

FORM = """\
id: tiny
version: 1
title: Tiny
{keys}
pages:
  - id: name
    questions:
      - {{id: full_name, type: text, label: Name?}}
"""


def load(keys: str = ""):
    return load_form_text(FORM.format(keys=textwrap.dedent(keys).strip()), "tiny.yaml")


def test_submission_retention_days_overrides_retention_days_for_submissions():
    form = load("retention_days: 30\nsubmission_retention_days: 730")
    assert draft_days(form) == 30
    assert submission_days(form.snapshot) == 730


def test_without_the_override_submissions_follow_retention_days_as_the_contract_says():
    form = load("retention_days: 90")
    assert (draft_days(form), submission_days(form.snapshot)) == (90, 90)


def test_with_neither_key_the_defaults_apply_and_the_checker_warns():
    form = load()
    assert draft_days(form) == DRAFT_RETENTION_DAYS == 28
    assert submission_days(form.snapshot) == SUBMISSION_RETENTION_DAYS == 365
    [warning] = retention_warnings(form)
    assert str(warning).startswith("tiny.yaml:1:1: warning: ")
    assert "retention_days" in str(warning)
    assert retention_warnings(load("submission_retention_days: 400")) == []


@pytest.mark.parametrize("value", ["0", "-3", "two years", "1.5", "true"])
def test_submission_retention_days_must_be_a_whole_number_of_days(value):
    with pytest.raises(DefinitionError) as caught:
        load(f"submission_retention_days: {value}")
    [problem] = [str(p) for p in caught.value.problems]
    assert problem.startswith("tiny.yaml:4:28: Submission_retention_days must be a whole number")


def test_a_stored_definition_with_a_bad_value_gets_the_default_not_a_crash():
    assert submission_days({"submission_retention_days": "x", "retention_days": 0}) == 365


UTC = datetime.UTC


def test_the_worker_runs_every_24_hours_without_an_hour():
    start = datetime.datetime(2026, 3, 1, 14, 5, tzinfo=UTC)
    assert next_run(start, None) == start + datetime.timedelta(days=1)


@pytest.mark.parametrize(
    ("after", "expected"),
    [
        # Winter (GMT): 03:00 London is 03:00 UTC; before it the same day, after it the next.
        ((2026, 1, 10, 2, 0), (2026, 1, 10, 3, 0)),
        ((2026, 1, 10, 3, 0), (2026, 1, 11, 3, 0)),
        # Summer (BST): 03:00 London is 02:00 UTC.
        ((2026, 7, 10, 1, 30), (2026, 7, 10, 2, 0)),
        # Across the clocks going forward (29 March 2026): still 03:00 on the wall.
        ((2026, 3, 28, 12, 0), (2026, 3, 29, 2, 0)),
    ],
)
def test_the_worker_runs_at_the_configured_hour_london_time(after, expected):
    moment = datetime.datetime(*after, tzinfo=UTC)
    assert next_run(moment, 3) == datetime.datetime(*expected, tzinfo=UTC)
