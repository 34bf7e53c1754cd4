"""The forms-service command as a newcomer meets it: a mistake is one line saying what to do
(never a traceback), and check tells errors (exit 1) from warnings (exit 0 unless --strict)."""

from __future__ import annotations

import base64
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from flask.cli import ScriptInfo

from forms_service.cli import cli

from .citizen import Citizen
from .conftest import FORMS_DIR, ROOT

COMMAND = str(Path(sys.executable).parent / "forms-service")
SETTINGS = ("SECRET_KEY", "ANSWERS_KEYS", "ANSWERS_INDEX_KEY", "DATABASE_URL", "SERVICE_URL")

# A form that loads with a warning (a repeat with no max:) but no error.
WARNED = """\
id: warned
version: 1
title: Claim witness expenses
retention_days: 90
pages:
  - id: journeys
    type: repeat
    item_name: journey
    pages:
      - id: journey
        questions:
          - {id: journey_from, type: text, label: Where did you travel from?}
"""


def production(tmp_path: Path, **settings: str) -> dict[str, str]:
    """The environment of a production host where only `settings` are set."""
    env = {k: v for k, v in os.environ.items() if k not in SETTINGS}
    env.update(
        FORMS_SERVICE_ENV="production",
        FORMS_INSTANCE_PATH=str(tmp_path / "instance"),
        PYTHONPATH=str(ROOT),
        **settings,
    )
    return env


def run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [COMMAND, *args], env=env, capture_output=True, text=True, timeout=60, cwd=ROOT
    )


def one_line(text: str) -> str:
    assert "Traceback" not in text, text
    lines = text.strip().splitlines()
    assert len(lines) == 1, text
    return lines[0]


MISTAKES = [
    (["chek"], "No such command 'chek'. Did you mean 'check'? Run 'forms-service --help'"),
    (["check", "--bogus"], "No such option '--bogus'. Run 'forms-service check --help'"),
    (["check", "no-such-form.yaml"], "no-such-form.yaml: no such file or folder."),
    (["init-db", "--force"], "No such option '--force'"),
    (["create-user"], "Missing argument 'EMAIL'."),
    (["create-user", "a@example.com", "--role", "boss"], "'boss' is not one of 'caseworker'"),
    (["create-api-token", "--name", "Casework"], "Missing option '--forms'."),
    (["create-api-token", "--name", "x", "--forms", "f", "--expires-in-days", "0"], "1<=x<=366"),
    (["revoke-api-token"], "Missing argument 'NAME_OR_ID'."),
    (["reset-two-factor"], "Missing argument 'EMAIL'."),
    (["rotate-keys", "--batch", "many"], "'many' is not a valid integer range."),
    (["rotate-keys", "--batch", "0"], "0 is not in the range x>=1."),
    (["worker", "--hour", "25"], "25 is not in the range 0<=x<=23."),
    (["new-answers-key", "bad id!"], "Invalid value for KEY_ID: use up to 32 letters"),
    (["run", "--port", "eighty"], "'eighty' is not a valid integer."),
]


@pytest.mark.parametrize(("args", "says"), MISTAKES, ids=[" ".join(a) for a, _ in MISTAKES])
def test_a_mistake_on_the_command_line_is_one_line_and_exit_2(args, says):
    result = CliRunner().invoke(cli, args, prog_name="forms-service")
    assert result.exit_code == 2, result.output
    line = one_line(result.output)
    assert line.startswith("forms-service") and says in line, line


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (
            ["create-user", "jo.bloggs", "--role", "caseworker", "--password", "x" * 16],
            "forms-service create-user: Invalid value for EMAIL: enter an email address, like "
            "name@justice.gov.uk.",
        ),
        (
            ["create-api-token", "--name", " ", "--forms", "prison-visit-booking"],
            "forms-service create-api-token: Invalid value for --name: give the name of who will "
            "use it.",
        ),
    ],
)
def test_a_value_the_command_refuses_is_one_line(app, args, says):
    result = CliRunner().invoke(
        cli, args, obj=ScriptInfo(create_app=lambda: app), prog_name="forms-service"
    )
    assert result.exit_code == 2
    assert one_line(result.output) == says
    assert app.extensions["store"].user_by_email("jo.bloggs") is None


def test_no_secret_key_stops_only_the_commands_that_need_one(tmp_path):
    env = {name: None for name in SETTINGS}
    env.update(FORMS_SERVICE_ENV="production", FORMS_INSTANCE_PATH=str(tmp_path))
    runner = CliRunner()
    listed = runner.invoke(cli, ["--help"], env=env, prog_name="forms-service")
    assert listed.exit_code == 0 and "Traceback" not in listed.output
    assert "check " in listed.output and "create-user " in listed.output
    checked = runner.invoke(cli, ["check", str(FORMS_DIR)], env=env)
    assert checked.exit_code == 0, checked.output
    key = runner.invoke(cli, ["new-answers-key", "k2027"], env=env)
    assert key.exit_code == 0 and key.output.startswith("k2027:")
    for command in (["purge"], ["init-db"], ["routes"]):
        refused = runner.invoke(cli, command, env=env)
        assert refused.exit_code == 1
        assert one_line(refused.output).startswith("forms-service: SECRET_KEY is not set.")


def test_the_installed_command_in_production_without_secrets(tmp_path):
    env = production(tmp_path)
    checked = run(["check", "form_definitions"], env)
    assert checked.returncode == 0, checked.stderr[-2000:]
    assert "Traceback" not in checked.stderr
    assert "0 problem(s)" in checked.stderr
    listed = run(["--help"], env)
    assert listed.returncode == 0 and listed.stderr == "", listed.stderr[-2000:]
    unknown = run(["chek", "form_definitions"], env)
    assert unknown.returncode == 2
    assert "Did you mean 'check'?" in one_line(unknown.stderr)
    missing = run(["check", "form-definitions"], env)
    assert missing.returncode == 2
    assert "form-definitions: no such file or folder" in one_line(missing.stderr)
    purge = run(["purge"], env)
    assert purge.returncode == 1 and purge.stdout == ""
    assert one_line(purge.stderr).startswith("forms-service: SECRET_KEY is not set. Set it")


def test_a_database_without_tables_says_run_init_db(tmp_path):
    definitions = tmp_path / "definitions"
    definitions.mkdir()
    (definitions / "warned.yaml").write_text(WARNED)  # its warning is not shown here
    env = production(
        tmp_path,
        SECRET_KEY="s" * 64,
        ANSWERS_KEYS="k1:" + base64.b64encode(b"a" * 32).decode(),
        ANSWERS_INDEX_KEY=base64.b64encode(b"b" * 32).decode(),
        SERVICE_URL="https://forms.justice.example.gov.uk",
        DATABASE_URL=f"sqlite:///{tmp_path / 'empty.db'}",
        FORMS_DEFINITIONS_DIR=str(definitions),
    )
    purge = run(["purge"], env)
    assert purge.returncode == 1
    assert one_line(purge.stderr) == (
        "forms-service: the database has no tables yet (no such table: submissions): "
        "run 'forms-service init-db' first."
    )
    token = run(["revoke-api-token", "Casework"], env)
    assert token.returncode == 1 and "run 'forms-service init-db'" in one_line(token.stderr)
    ready = run(["init-db"], env)
    assert ready.returncode == 0 and ready.stderr == "", ready.stderr
    assert ready.stdout == "Database ready.\n"
    nobody = run(["reset-two-factor", "nobody@example.com"], env)
    assert nobody.returncode == 2
    assert one_line(nobody.stderr) == (
        "forms-service reset-two-factor: Invalid value for EMAIL: no staff account for "
        "nobody@example.com."
    )


# -- check: errors and warnings ------------------------------------------------------------


@pytest.fixture
def warned(tmp_path) -> Path:
    folder = tmp_path / "warned"
    folder.mkdir()
    (folder / "warned.yaml").write_text(WARNED)
    return folder


def test_check_prints_warnings_and_exits_0_unless_strict(warned):
    result = CliRunner().invoke(cli, ["check", str(warned)])
    assert result.exit_code == 0, result.output
    [warning] = [line for line in result.output.splitlines() if ": warning: " in line]
    assert warning.startswith(f"{warned / 'warned.yaml'}:6:5: warning: Repeat 'journeys' has no")
    assert "1 form(s) ok, 0 problem(s) in 0 file(s), 1 warning(s)." in result.output
    strict = CliRunner().invoke(cli, ["check", "--strict", str(warned)])
    assert strict.exit_code == 1
    assert "1 warning(s) (--strict: warnings fail)." in strict.output


def test_check_exits_1_on_an_error_and_prints_it_without_warning(warned):
    (warned / "broken.yaml").write_text(WARNED.replace("id: warned", "id: broken", 1) + "  - id\n")
    result = CliRunner().invoke(cli, ["check", str(warned)])
    assert result.exit_code == 1
    errors = [line for line in result.output.splitlines() if line.startswith(str(warned))]
    assert [e for e in errors if "broken.yaml" in e and ": warning: " not in e], errors
    assert "2 file(s) checked: 1 form(s) ok, 1 problem(s) in 1 file(s)" in result.output


def test_check_of_an_empty_folder_says_what_to_give(tmp_path):
    result = CliRunner().invoke(cli, ["check", str(tmp_path)], prog_name="forms-service")
    assert result.exit_code == 2
    assert f"no .yaml or .yml files in {tmp_path}." in one_line(result.output)


def test_the_service_serves_a_form_with_warnings(make_app, warned):
    app = make_app(definitions=warned)
    form = app.extensions["forms"]["warned"]
    citizen = Citizen(app.test_client())
    assert citizen.walk(form).endswith("/warned/check-your-answers")
    sent = citizen.submit(form)
    assert sent.status_code == 302 and sent.headers["Location"].endswith("/warned/confirmation")


# -- map -------------------------------------------------------------------------------------


def test_map_writes_an_svg_with_a_title_and_a_description(tmp_path):
    target = tmp_path / "map.svg"
    form = FORMS_DIR / "prison-visit-booking.yaml"
    result = CliRunner().invoke(cli, ["map", str(form), "-o", str(target)])
    assert result.exit_code == 0, result.output
    svg = target.read_text()
    assert svg.startswith("<?xml")
    assert '<title id="journey-map-title">Journey map: Book a prison visit</title>' in svg
    assert '<desc id="journey-map-desc">Journey map of Book a prison visit. Pages: 9' in svg
    assert "Exit page: the journey ends here" in svg


@pytest.mark.parametrize(("suffix", "magic"), [(".png", b"\x89PNG"), (".pdf", b"%PDF")])
def test_map_picks_the_format_from_the_file_name(tmp_path, suffix, magic):
    target = tmp_path / f"map{suffix}"
    form = FORMS_DIR / "prison-visit-booking.yaml"
    result = CliRunner().invoke(cli, ["map", str(form), "-o", str(target)])
    assert result.exit_code == 0, result.output
    assert target.read_bytes().startswith(magic)


def test_map_without_output_writes_the_form_id_svg_here(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["map", str(FORMS_DIR / "prison-visit-booking.yaml")])
    assert result.exit_code == 0, result.output
    assert "<svg" in (tmp_path / "prison-visit-booking.svg").read_text()


def test_map_of_a_definition_with_errors_prints_them_and_exits_1(tmp_path):
    broken = tmp_path / "broken.yaml"
    broken.write_text(WARNED.replace("type: text", "type: txet"))
    result = CliRunner().invoke(cli, ["map", str(broken), "-o", str(tmp_path / "m.svg")])
    assert result.exit_code == 1
    assert re.search(rf"^{re.escape(str(broken))}:\d+:\d+: ", result.output, re.M), result.output
    assert not (tmp_path / "m.svg").exists()


def test_map_without_graphviz_says_to_install_it(tmp_path):
    env = production(tmp_path, PATH=str(tmp_path))  # no `dot` on the PATH
    form = FORMS_DIR / "prison-visit-booking.yaml"
    done = run(["map", str(form), "-o", str(tmp_path / "m.svg")], env)
    assert done.returncode == 1
    assert "apt-get install graphviz" in one_line(done.stderr)


def test_map_refuses_a_format_it_cannot_write(tmp_path):
    form = FORMS_DIR / "prison-visit-booking.yaml"
    result = CliRunner().invoke(
        cli, ["map", str(form), "-o", str(tmp_path / "m.txt")], prog_name="forms-service"
    )
    assert result.exit_code == 2
    assert "end the file name with .svg, .png or .pdf" in result.output
