"""Item 10: one hostile or broken definition must not stop the service starting. A YAML
alias inside itself, an alias bomb ("billion laughs") or a Python tag is reported at
file:line:col and that file left out; the other forms are served."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT, copy_definition
from tests.security.processes import serving_in_a_process

LAUGHS = (
    "id: laughs\nversion: 1\nl0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n"
    + "".join(f"l{n}: &l{n} [{', '.join([f'*l{n - 1}'] * 10)}]\n" for n in range(1, 9))
)
BOMBS = {
    "loop.yaml": "id: loop\nversion: 1\ntitle: &title [*title]\npages: []\n",
    "laughs.yaml": LAUGHS,
    "python-tag.yaml": "id: python\nversion: !!python/object/apply:os.system ['true']\n",
    "unknown-tag.yaml": "id: !unknown tagged\nversion: 1\n",
}
WHERE = {
    "loop.yaml": ":3:8: An alias (*name) here refers to the value it is inside",
    "laughs.yaml": ":3:40: The file holds more than 50,000 values",
    "python-tag.yaml": ":2:10: The tag !!python/object/apply:os.system is not allowed",
    "unknown-tag.yaml": ":1:5: The tag !unknown is not allowed",
}


@pytest.fixture
def definitions(tmp_path):
    folder = tmp_path / "definitions"
    copy_definition("prison-visit-booking", folder)
    for name, text in BOMBS.items():
        (folder / name).write_text(text)
    return folder


def test_start_up_leaves_out_the_bad_files_and_serves_the_others(make_app, visitor, definitions):
    # Start-up happens in a process of its own, as in gunicorn: one that never ends fails
    # the test instead of hanging it.
    with serving_in_a_process(lambda: make_app(definitions=definitions)) as url:
        citizen = visitor(url)
        assert citizen.get("/prison-visit-booking/").status_code == 200
        for form_id in ("loop", "laughs", "python", "tagged"):
            assert citizen.get(f"/{form_id}/").status_code == 404


def test_the_checker_reports_each_bad_file_where_the_problem_is(definitions):
    # The command in a process of its own, with a deadline: an alias bomb must not hang it.
    done = subprocess.run(
        [str(Path(sys.executable).parent / "forms-service"), "check", str(definitions)],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    reported = done.stdout.splitlines()
    assert done.returncode == 1, done.stderr[-2000:]
    assert "5 file(s) checked: 1 form(s) ok, 4 problem(s) in 4 file(s)" in done.stderr
    for name, where in WHERE.items():
        assert any(line.startswith(str(definitions / name) + where) for line in reported), (
            name,
            reported,
        )
    assert "Traceback" not in done.stderr
