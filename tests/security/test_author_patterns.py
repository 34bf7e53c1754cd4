"""Item 9: an author's pattern runs on citizen input. With a backtracking engine `(a+)+$`
and an answer like "aaaa…!" take exponential time, holding a worker; with RE2 the answer
is refused at once."""

from __future__ import annotations

import time
from typing import Any

import httpx
import pytest

from forms_service.definitions.loader import DefinitionError, load_form_text
from tests.security.processes import serving_in_a_process

FORM = """\
id: pattern-check
version: 1
title: Give your code
pages:
  - id: code
    questions:
      - id: code
        type: text
        label: What is your code?
        pattern: '(a+)+$'
declaration:
  body: The information I have given is true.
"""


@pytest.fixture
def definitions(tmp_path):
    folder = tmp_path / "definitions"
    folder.mkdir()
    (folder / "pattern-check.yaml").write_text(FORM)
    return folder


def test_a_catastrophic_pattern_answers_within_a_second(make_app, visitor, definitions):
    # In a process of its own: a regex that never ends would freeze this one too.
    with serving_in_a_process(lambda: make_app(definitions=definitions)) as url:
        _a_catastrophic_pattern_answers_within_a_second(visitor(url))


def _a_catastrophic_pattern_answers_within_a_second(citizen: Any) -> None:
    assert citizen.get("/pattern-check/code").status_code == 200
    started = time.monotonic()
    try:
        # Before the fix this request never came back (2^40 steps of backtracking).
        response = citizen.post(
            "/pattern-check/code", {"code": "a" * 40 + "!"}, timeout=httpx.Timeout(5)
        )
    except httpx.ReadTimeout:
        pytest.fail("the server was still matching the pattern after 5 seconds")
    elapsed = time.monotonic() - started
    assert response.status_code == 303  # to the page again, which shows the error
    shown = citizen.get(response.headers["location"])
    assert "Enter your answer in the correct format" in shown.text
    assert elapsed < 1, f"answered in {elapsed:.2f}s"
    # A matching answer still goes through.
    ok = citizen.post("/pattern-check/code", {"code": "a" * 40}, timeout=httpx.Timeout(5))
    assert ok.status_code == 302


@pytest.mark.parametrize(
    ("pattern", "construct"),
    [
        (r"(a)\1", "back-reference"),
        ("(?=a)a", "lookahead"),
        ("(?<!x)a", "lookbehind"),
        ("a{2000}", "repeat counts"),
    ],
)
def test_the_checker_refuses_patterns_re2_cannot_run(pattern, construct):
    with pytest.raises(DefinitionError) as caught:
        load_form_text(FORM.replace("'(a+)+$'", f"'{pattern}'"), "form.yaml")
    (problem,) = caught.value.problems
    assert str(problem).startswith("form.yaml:10:18: Pattern of question 'code' ")
    assert construct in problem.message
