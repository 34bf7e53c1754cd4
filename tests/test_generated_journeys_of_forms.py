"""`forms-service test-journeys` on the three real forms: every journey generated from each
definition runs through the real app (see test_generated_journeys.py)."""

from __future__ import annotations

import pytest

from .conftest import FORMS_DIR
from .test_generated_journeys import compiled_templates, every_journey_runs

__all__ = ["compiled_templates"]  # the fixture: the suite's compiled templates

# The command runs each journey on a throwaway SQLite database of its own, whatever the
# suite's database: the PostgreSQL pass would only repeat it.
pytestmark = pytest.mark.same_on_every_database


@pytest.mark.parametrize("path", sorted(FORMS_DIR.glob("*.yaml")), ids=lambda p: p.stem)
def test_every_generated_journey_runs_through_the_app(path):
    every_journey_runs(path)
