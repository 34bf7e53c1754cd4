"""`forms-service test-journeys --browser`: the generated journeys of one small contract
fixture in Chromium, axe-core on every page with and without errors shown. Run as the real
command in its own process (it starts its own Chromium and server), and on one fixture
only: tests/test_generated_journeys.py drives every form without the browser."""

from __future__ import annotations

import os
import subprocess
import sys

from .conftest import PROJECT

FIXTURE = PROJECT / "tests" / "fixtures" / "contract" / "court-order-copy.yaml"


def test_generated_journeys_pass_axe_in_chromium():
    result = subprocess.run(
        [sys.executable, "-m", "forms_service.cli", "test-journeys", "--browser", str(FIXTURE)],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=PROJECT,
        env={**os.environ, "PYTHONPATH": str(PROJECT)},
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "(with axe-core in Chromium)" in output, output
    assert "0 failed" in output and "check-your-answers > confirmation" in output, output
    assert "JavaScript off): case > check-your-answers > confirmation" in output, output


def test_the_shared_axe_checker_still_fails_the_suite_s_pages(citizen):
    """The browser suite's axe fixture is forms_service.testing.axe's checker: a page is
    checked, and counted."""
    from .conftest import AXE_STATS

    before = AXE_STATS["pages"]
    citizen.open("/prison-visit-booking/")
    assert AXE_STATS["pages"] == before + 1
