"""`costs_per_year:`, the contract key this project adds for the dashboard's cost per
transaction: loaded into the Form, each channel optional, problems at file:line:col."""

from __future__ import annotations

import textwrap

import pytest

from forms_service.definitions.loader import DefinitionError, load_form_text

HEAD = """\
id: test-form
version: 1
title: Test form
"""
PAGES = """\
pages:
  - id: name
    questions:
      - {id: full_name, type: text, label: Full name}
"""


def load(middle: str):
    return load_form_text(HEAD + textwrap.dedent(middle) + PAGES, "form.yaml")


def problems(middle: str) -> list[str]:
    with pytest.raises(DefinitionError) as caught:
        load(middle)
    return [str(p) for p in caught.value.problems]


def test_costs_load_per_channel():
    form = load("costs_per_year: {online: 12000, assisted: 30000.5, paper: 0}\n")
    assert form.costs_per_year == {"online": 12000.0, "assisted": 30000.5, "paper": 0.0}


def test_each_channel_is_optional_and_so_is_the_key():
    assert load("costs_per_year: {paper: 45000}\n").costs_per_year == {"paper": 45000.0}
    assert load("").costs_per_year == {}


@pytest.mark.parametrize("value", ["-1", "'£12,000'", "true", "[1, 2]", "twelve thousand"])
def test_a_cost_must_be_a_number_of_pounds(value):
    (problem,) = problems(f"costs_per_year:\n  online: {value}\n")
    assert problem.startswith("form.yaml:5:11: ")
    assert (
        "The online cost in costs_per_year must be a number of pounds a year, 0 or more" in problem
    )
    assert "like online: 12000" in problem


def test_an_unknown_channel_is_named_where_it_is():
    (problem,) = problems("costs_per_year:\n  online: 1\n  post: 2\n")
    assert problem.startswith("form.yaml:6:3: ")
    assert "Unknown key 'post' in costs_per_year" in problem


def test_costs_must_be_a_mapping():
    (problem,) = problems("costs_per_year: 12000\n")
    assert problem.startswith("form.yaml:4:17: ")
    assert "Costs_per_year must be a set of 'key: value' lines" in problem
