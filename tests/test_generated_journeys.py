"""`forms-service test-journeys` on the ten contract fixtures (the three real forms, which
take longest, are in test_generated_journeys_of_forms.py, so another process runs them):
journeys generated from each definition (each branch, each exit, repeats with one item and
with their most) all run through the real app, and each question page shows its errors."""

from __future__ import annotations

import re

import pytest
from click.testing import CliRunner

from forms_service.cli import cli

from .conftest import FORMS_DIR, ROOT

# The command runs each journey on a throwaway SQLite database of its own, whatever the
# suite's database: the PostgreSQL pass would only repeat it.
pytestmark = pytest.mark.same_on_every_database

CONTRACT = ROOT / "tests" / "fixtures" / "contract"
FIXTURES = sorted(CONTRACT.glob("*.yaml"))  # the real forms: test_generated_journeys_of_forms
SUMMARY = re.compile(r"(\d+) journey\(s\), 0 failed; (\d+) page\(s\) shown with errors")


@pytest.fixture(autouse=True)
def compiled_templates(template_cache, monkeypatch):
    """The suite's compiled templates, not the user's cache folder."""
    monkeypatch.setenv("TEMPLATE_CACHE_DIR", str(template_cache))


def every_journey_runs(path) -> None:
    result = CliRunner().invoke(cli, ["test-journeys", str(path)])
    assert result.exit_code == 0, result.output
    summary = SUMMARY.search(result.output)
    assert summary, result.output
    journeys, with_errors = map(int, summary.groups())
    assert journeys >= 1 and with_errors >= 1
    lines = [line for line in result.output.splitlines() if line.startswith("journey ")]
    assert len(lines) == journeys
    assert any("> check-your-answers > confirmation" in line for line in lines), result.output
    assert "FAILED" not in result.output


@pytest.mark.parametrize("path", FIXTURES, ids=lambda p: p.stem)
def test_every_generated_journey_runs_through_the_app(path):
    every_journey_runs(path)


def test_a_journey_reaches_each_exit_and_both_sides_of_a_condition():
    path = FORMS_DIR / "prison-visit-booking.yaml"
    output = CliRunner().invoke(cli, ["test-journeys", str(path)]).output
    assert re.search(r"journey \d \(exit 'prison-unavailable'\): .*> prison-unavailable\n", output)
    third = [line for line in output.splitlines() if line.startswith("journey ")]
    assert any("> visit-third-choice >" in line for line in third)
    assert any("visit-second-choice > visitor-details" in line for line in third)


def test_a_definition_with_errors_prints_them_and_fails(tmp_path):
    broken = tmp_path / "broken.yaml"
    broken.write_text(
        "id: broken\nversion: 1\ntitle: Broken\npages:\n"
        "  - id: one\n    when: \"nobody == 'x'\"\n"
        "    questions:\n      - {id: a, type: text, label: A?}\n",
        encoding="utf-8",
    )
    result = CliRunner().invoke(cli, ["test-journeys", str(broken)])
    assert result.exit_code == 1
    assert re.search(r"broken\.yaml:6:\d+: .*nobody", result.output), result.output
    assert "0 journey(s)" in result.output


def test_a_missing_file_is_one_line():
    result = CliRunner().invoke(cli, ["test-journeys", "no-such-form.yaml"])
    assert result.exit_code == 2
    assert "no-such-form.yaml: no such file or folder" in result.output
    assert "Traceback" not in result.output
